import ArgumentParser
import VectorLogicEngine

/// `vectorlogic snapshot create --data-dir D --out FILE` (offline, under the directory lock) or
/// `--server URL --api-key K --out FILE` (online: the server snapshots while writes go on, then the file is downloaded).
struct SnapshotCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Write a snapshot of a stopped server's data directory, or of a running server through its API.",
        discussion: "Give either --data-dir (offline) or --server (online; the server's copy is deleted once the download is "
            + "verified, unless --keep-on-server). Exit codes: 0 written, 1 the snapshot could not "
            + "be made, 2 bad arguments, 3 the data directory is locked by a running server (use --server instead)."
    )

    @Option(name: .customLong("data-dir"), help: "The data directory of a stopped server.") var dataDir: String?
    @Option(help: "The base URL of a running server, e.g. http://127.0.0.1:3000.") var server: String?
    @Option(name: .customLong("api-key"), help: "The API key sent as X-API-Key (online mode).") var apiKey: String?
    @Option(help: "The snapshot file to write.") var out: String?
    @Flag(name: .customLong("keep-on-server"), help: "Online mode: keep the server's copy (by default it is deleted once the download is verified).")
    var keepOnServer = false
    @Flag(help: "Print one JSON object instead of text.") var json = false

    init() {}

    func run() async throws {
        guard let out, !out.isEmpty else {
            ToolOutput.error("snapshot create needs --out FILE")
            throw ExitCodes.usage
        }
        let info: SnapshotInfo
        switch (dataDir, server) {
        case (let dataDir?, nil) where !dataDir.isEmpty:
            info = try ToolOutput.run { () throws(ToolError) in try SnapshotTool.create(dataDirectory: dataDir, out: out) }
        case (nil, let server?) where !server.isEmpty:
            guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
                ToolOutput.error("--server must be an http:// or https:// URL, not \(server)")
                throw ExitCodes.usage
            }
            do {
                info = try await SnapshotDownloadClient.create(server: server, apiKey: apiKey, out: out, keepOnServer: keepOnServer)
            } catch {
                ToolOutput.error(error.description)
                throw ExitCodes.failure
            }
        default:
            ToolOutput.error("snapshot create needs exactly one of --data-dir D or --server URL")
            throw ExitCodes.usage
        }
        try ToolOutput.print(info, json: json) { "snapshot \($0.path): \($0.bytes) bytes, \($0.entries) files, sha256 \($0.sha256)" }
    }
}

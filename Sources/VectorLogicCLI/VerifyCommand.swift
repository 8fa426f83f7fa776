import ArgumentParser
import VectorLogicEngine

/// `vectorlogic verify --data-dir D [--json]` (docs/cli.md): every checksum and structural invariant,
/// each problem with file and byte offset, and the server's SQLite stores (`ServerStoreFiles`). Exit 0 clean (the
/// server can start), 1 problems. A thin call into `Verifier`.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum and invariant of a stopped server's data directory.",
        discussion: "Exit codes: 0 clean (warnings about crash leftovers allowed), 1 problems found or the directory "
            + "could not be read, 2 bad arguments, 3 the directory is locked by a running server (see --force-read-only)."
    )

    @Option(name: .customLong("data-dir"), help: "The data directory (like serve's).") var dataDir: String = "./data"
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @Flag(name: .customLong("force-read-only"), help: "Check even while a server holds the lock (results may be racy).") var forceReadOnly = false

    init() {}

    func run() throws {
        guard !dataDir.isEmpty else {
            ToolOutput.error("verify needs --data-dir D")
            throw ExitCodes.usage
        }
        try ToolOutput.requireDirectory(dataDir, command: "verify")
        let report = try ToolOutput.run { () throws(ToolError) -> VerifyReport in
            try DataDirectoryLock.withLock(dataDir, forceReadOnly: forceReadOnly) { () throws(ToolError) in
                try Verifier.verify(directory: dataDir, stores: ServerStoreFiles.all)
            }
        }
        try ToolOutput.print(report, json: json) { $0.render() }
        if !report.isClean { throw ExitCodes.failure }
    }
}

import ArgumentParser
import Foundation
import VectorLogicEngine

/// `vectorlogic inspect PATH [--json]` (docs/cli.md): versions, sizes, counts, HNSW figures, log records
/// and checksum status of a data directory or one of its files. A thin call into `Inspector`.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a data directory, segment, write-ahead log, manifest or snapshot holds.",
        discussion: "Exit codes: 0 done (damage is shown, not an error), 1 the path could not be read, 2 bad arguments, "
            + "3 the directory is locked by a running server (pass --force-read-only to read it anyway). "
            + "A snapshot file is verified as `snapshot inspect` does it (exit 1 when a check fails)."
    )

    @Argument(help: "A data directory, a .seg segment, a .log write-ahead log, a MANIFEST or a snapshot file (default: serve's ./data).")
    var path: String = "./data"
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @Flag(name: .customLong("force-read-only"), help: "Read a directory even while a server holds its lock.") var forceReadOnly = false

    init() {}

    func run() throws {
        guard !path.isEmpty else {
            ToolOutput.error("inspect needs a PATH (a data directory, segment, log or manifest)")
            throw ExitCodes.usage
        }
        let isDirectory = Inspector.isDirectory(path)
        if !isDirectory, SnapshotTool.isSnapshot(path) {
            try SnapshotInspectCommand.inspect(path, json: json)
            return
        }
        let report = try ToolOutput.run {
            () throws(ToolError) -> InspectReport in
            guard isDirectory else { return try Inspector.inspect(path: path) }
            return try DataDirectoryLock.withLock(path, forceReadOnly: forceReadOnly) { () throws(ToolError) in
                try Inspector.inspect(path: path)
            }
        }
        try ToolOutput.print(report, json: json) { $0.render() }
    }
}

/// Output helpers of the offline tools: results to stdout (text or JSON), one-sentence errors to stderr (fd 2:
/// Swift 6 rejects the C `stderr` global), and `ToolError` mapped to the exit codes of docs/cli.md.
enum ToolOutput {
    /// Writes all of `text` to a file descriptor.
    static func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Foundation.write(descriptor, base + offset, raw.count - offset)
            }
            if written <= 0 { return }
            offset += written
        }
    }

    /// One sentence to stderr.
    static func error(_ message: String) {
        write("error: \(message)\n", to: 2)
    }

    /// Exit 1 with one sentence unless `path` is a directory (the data directory defaults to `./data`, so a user in
    /// the wrong folder must be told which path was tried rather than get an I/O error about `LOCK`).
    static func requireDirectory(_ path: String, command: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            error("no data directory at \(path); give the server's --data-dir D to \(command)")
            throw ExitCodes.failure
        }
    }

    /// Runs a tool; a `ToolError` becomes its sentence on stderr and exit code 3 (locked) or 1.
    static func run<T>(_ body: () throws(ToolError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            self.error(error.description)
            if case .locked = error { throw ExitCodes.locked }
            throw ExitCodes.failure
        }
    }

    /// Prints a report as pretty JSON (snake_case keys, like the HTTP API) or as text.
    static func print<T: Encodable>(_ report: T, json: Bool, text: (T) -> String) throws {
        guard json else {
            write(text(report) + "\n", to: 1)
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        do {
            let data = try encoder.encode(report)
            write(String(decoding: data, as: UTF8.self) + "\n", to: 1)
        } catch {
            self.error("cannot encode the report as JSON: \(error)")
            throw ExitCodes.failure
        }
    }
}

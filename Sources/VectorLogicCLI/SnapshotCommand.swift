import ArgumentParser
import VectorLogicEngine

/// `vectorlogic snapshot create|restore|inspect` (docs/cli.md): one-file, LZ4-compressed, checksummed copies
/// of a data directory. Thin calls into `SnapshotTool` (offline) and the server's `/v1/snapshots` (online).
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Create, restore and inspect snapshot files.",
        discussion: "Exit codes: 0 success, 1 the check found problems or the operation could not complete, 2 bad usage, "
            + "3 the data directory is locked by a running server.",
        subcommands: [SnapshotCreateCommand.self, SnapshotRestoreCommand.self, SnapshotInspectCommand.self]
    )

    init() {}
}

/// `vectorlogic snapshot inspect FILE [--json]`: lists the entries and verifies every checksum; exit 1 on any problem.
struct SnapshotInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List a snapshot's files and verify every checksum in it.",
        discussion: "Exit codes: 0 every check passed, 1 damage found or the file could not be read, 2 bad arguments."
    )

    @Argument(help: "The snapshot file.") var file: String?
    @Flag(help: "Print one JSON object instead of text.") var json = false

    init() {}

    func run() throws {
        guard let file, !file.isEmpty else {
            ToolOutput.error("snapshot inspect needs a FILE")
            throw ExitCodes.usage
        }
        try Self.inspect(file, json: json)
    }

    /// Prints the report of `file` and exits 1 unless every check passed (shared with `inspect PATH`).
    static func inspect(_ file: String, json: Bool) throws {
        let report = try ToolOutput.run { () throws(ToolError) in try SnapshotTool.inspect(path: file) }
        try ToolOutput.print(report, json: json) { $0.render() }
        if !report.checksumsOK { throw ExitCodes.failure }
    }
}

/// `vectorlogic snapshot restore FILE --data-dir D`: verifies everything, then writes D atomically.
struct SnapshotRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a snapshot file into an empty or absent data directory.",
        discussion: "Every checksum is verified before anything is written; the directory appears whole or not at all. "
            + "Exit codes: 0 restored, 1 the snapshot is damaged or the directory is not empty, 2 bad arguments."
    )

    @Argument(help: "The snapshot file.") var file: String?
    @Option(name: .customLong("data-dir"), help: "The data directory to create (absent or empty).") var dataDir: String?
    @Flag(help: "Print one JSON object instead of text.") var json = false

    init() {}

    func run() throws {
        guard let file, !file.isEmpty, let dataDir, !dataDir.isEmpty else {
            ToolOutput.error("snapshot restore needs a FILE and --data-dir D")
            throw ExitCodes.usage
        }
        let report = try ToolOutput.run { () throws(ToolError) in try SnapshotTool.restore(snapshot: file, into: dataDir) }
        try ToolOutput.print(report, json: json) { "restored \($0.files) files (\($0.bytes) bytes) into \($0.directory)" }
    }
}

import ArgumentParser
import VectorLogicEngine

/// `vectorlogic repair --data-dir D [--dry-run]` (docs/cli.md): makes the directory consistent again,
/// moving what it cannot use into `lost/`, and prints what it did and what was lost. A thin call into `Repairer`.
struct RepairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Make a damaged data directory consistent again, saving what can be saved.",
        discussion: "Truncates a torn log tail, cuts a log at a damaged record, rebuilds a damaged HNSW graph, quarantines "
            + "unreadable segments into lost/ (never deletes), rewrites the manifest atomically, salvages the readable rows of a "
            + "damaged keys.sqlite or personas.sqlite into a fresh store (the damaged file goes to lost/; a key whose row is lost no longer authenticates). Afterwards `verify` exits 0. "
            + "Exit codes: 0 repaired (or nothing to do), 1 the repair could not complete, 2 bad arguments, 3 locked by a running server."
    )

    @Option(name: .customLong("data-dir"), help: "The data directory (like serve's).") var dataDir: String = "./data"
    @Flag(name: .customLong("dry-run"), help: "Only print what would be done.") var dryRun = false
    @Flag(help: "Print one JSON object instead of text.") var json = false

    init() {}

    func run() throws {
        guard !dataDir.isEmpty else {
            ToolOutput.error("repair needs --data-dir D")
            throw ExitCodes.usage
        }
        try ToolOutput.requireDirectory(dataDir, command: "repair")
        let dryRun = dryRun
        let report = try ToolOutput.run { () throws(ToolError) -> RepairReport in
            try DataDirectoryLock.withLock(dataDir) { () throws(ToolError) in
                try Repairer.repair(directory: dataDir, dryRun: dryRun, stores: ServerStoreFiles.all)
            }
        }
        try ToolOutput.print(report, json: json) { $0.render() }
    }
}

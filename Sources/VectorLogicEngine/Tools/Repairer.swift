public import VectorLogicIO
import VectorLogicFormat

/// Makes a damaged data directory consistent again, saving what can be saved (docs/cli.md, LevelDB `RepairDB`).
///
/// Nothing is deleted: unreadable files go to `lost/`, cut-off log bytes are saved there too. Steps, in order:
/// leftover `.tmp` files to `lost/`; a damaged or missing manifest is rebuilt from the segments and the logs'
/// collection records; a listed segment whose data sections are damaged is quarantined and dropped from the manifest
/// (its live ids reported lost); one whose only damage is the graph (or padding) is rewritten under a new number with
/// a graph rebuilt from its intact vectors; duplicate live ids are tombstoned (the newest row wins); unreferenced
/// segments go to `lost/`; a torn log tail is truncated; a log damaged in the middle is cut at the bad record (the
/// lost LSN range is reported, later logs are moved to `lost/`); the manifest is replaced atomically; finally each
/// damaged store file (`StoreFile`) is salvaged into a fresh one, its readable rows kept.
/// Afterwards `Verifier` reports no errors and `Database.open` succeeds.
public enum Repairer {
    /// Repairs `directory` (the caller holds its lock: see `DataDirectoryLock`); with `dryRun` nothing is changed
    /// and the report says what would be done.
    /// `stores` are the server's SQLite files: each one its check finds damaged is salvaged (`repairStores`).
    public static func repair(directory: String, fileSystem: any FileSystem = PosixFileSystem(),
                              dryRun: Bool = false, stores: [StoreFile] = []) throws(ToolError) -> RepairReport {
        let session = try RepairSession(directory: directory, fileSystem: fileSystem, dryRun: dryRun)
        try session.run(stores: stores)
        return session.report
    }
}

/// The state of one repair run.
final class RepairSession {
    let directory: String
    let fileSystem: any FileSystem
    let dryRun: Bool
    var report: RepairReport
    var listing: DirectoryListing
    var manifest: EngineManifest?
    var manifestChanged = false
    /// Segment numbers already moved to `lost/` (so the unreferenced-file sweep does not move them twice).
    var quarantinedSegments = Set<UInt64>()

    init(directory: String, fileSystem: any FileSystem, dryRun: Bool) throws(ToolError) {
        self.directory = directory
        self.fileSystem = fileSystem
        self.dryRun = dryRun
        report = RepairReport(directory: directory, dryRun: dryRun)
        listing = try DirectoryListing(directory: directory, fileSystem: fileSystem)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    func run(stores: [StoreFile]) throws(ToolError) {
        for name in listing.temporaries {
            try quarantine(name, why: "temporary file left by an interrupted write")
        }
        try loadManifest()
        if manifest != nil { try repairSegments() }
        try repairLogs()
        if manifestChanged, let manifest { try writeManifest(manifest) }
        try repairStores(stores)
        if !report.actions.isEmpty, !dryRun { try sync(directory) }
    }

    func act(_ kind: String, _ file: String, _ detail: String) {
        report.actions.append(RepairAction(kind: kind, file: file, detail: detail))
    }

    /// `lost/<name>`, or `lost/<name>.N` for the first N that is free, together with the `companions` suffixes.
    func freeLostName(_ name: String, companions: [String] = []) -> String {
        var target = FileNames.lost + "/" + name
        var suffix = 1
        while ([""] + companions).contains(where: { fileSystem.exists(path(target + $0)) }) {
            target = FileNames.lost + "/" + name + ".\(suffix)"
            suffix += 1
        }
        return target
    }

    /// Moves `name` into `lost/` (as `target`, or under a free name), never deleting it.
    func quarantine(_ name: String, why: String, as chosen: String? = nil) throws(ToolError) {
        let lost = path(FileNames.lost)
        let target = chosen ?? freeLostName(name)
        act("quarantine", name, "\(why); moved to \(target)")
        guard !dryRun else { return }
        do {
            try fileSystem.createDirectory(lost)
            try fileSystem.rename(path(name), to: path(target))
            try fileSystem.syncDirectory(lost)
        } catch {
            throw ToolError.io(error.description)
        }
    }

    /// Writes `bytes` to `lost/<name>` durably (saved log tails).
    func save(_ bytes: [UInt8], as name: String) throws(ToolError) {
        guard !dryRun else { return }
        let lost = path(FileNames.lost)
        do {
            try fileSystem.createDirectory(lost)
            try ManifestStore.writeFileDurably(bytes, temporary: lost + "/" + name + FileNames.temporarySuffix,
                                               final: lost + "/" + name, fileSystem: fileSystem)
            try fileSystem.syncDirectory(lost)
        } catch {
            throw ToolError.io(error.description)
        }
    }

    func sync(_ directory: String) throws(ToolError) {
        do { try fileSystem.syncDirectory(directory) } catch { throw ToolError.io(error.description) }
    }

    func writeManifest(_ manifest: EngineManifest) throws(ToolError) {
        act("manifest", FileNames.manifest, "rewritten atomically: \(manifest.collections.count) collections, "
            + "\(manifest.collections.reduce(0) { $0 + $1.segments.count }) segments, checkpoint LSN \(manifest.checkpointLSN)")
        guard !dryRun else { return }
        do {
            try ManifestStore.write(manifest, directory: directory, fileSystem: fileSystem)
        } catch {
            throw ToolError.io(error.description)
        }
    }
}

public import VectorLogicIO
import VectorLogicFormat

/// Makes a damaged data directory consistent again, saving what can be saved (cli.md "repair", LevelDB `RepairDB`).
///
/// Nothing is deleted: unreadable files go to `lost/`, cut-off log bytes are saved there too. Steps, in order:
/// leftover `.tmp` files to `lost/`; a damaged or missing manifest is rebuilt from the segments and the logs'
/// collection records; a listed segment whose data sections are damaged is quarantined and dropped from the manifest
/// (its live ids reported lost); one whose only damage is the graph (or padding) is rewritten under a new number with
/// a graph rebuilt from its intact vectors; duplicate live ids are tombstoned (the newest row wins); unreferenced
/// segments go to `lost/`; a torn log tail is truncated; a log damaged in the middle is cut at the bad record (the
/// lost LSN range is reported, later logs are moved to `lost/`); finally the manifest is replaced atomically.
/// Afterwards `Verifier` reports no errors and `Database.open` succeeds.
public enum Repairer {
    /// Repairs `directory` (the caller holds its lock: see `DataDirectoryLock`); with `dryRun` nothing is changed
    /// and the report says what would be done.
    public static func repair(directory: String, fileSystem: any FileSystem = PosixFileSystem(),
                              dryRun: Bool = false) throws(ToolError) -> RepairReport {
        let session = try RepairSession(directory: directory, fileSystem: fileSystem, dryRun: dryRun)
        try session.run()
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

    func run() throws(ToolError) {
        for name in listing.temporaries {
            try quarantine(name, why: "temporary file left by an interrupted write")
        }
        try loadManifest()
        if manifest != nil { try repairSegments() }
        try repairLogs()
        if manifestChanged, let manifest { try writeManifest(manifest) }
        if !report.actions.isEmpty, !dryRun { try sync(directory) }
    }

    func act(_ kind: String, _ file: String, _ detail: String) {
        report.actions.append(RepairAction(kind: kind, file: file, detail: detail))
    }

    /// Moves `name` into `lost/` (under a free name), never deleting it.
    func quarantine(_ name: String, why: String) throws(ToolError) {
        let lost = path(FileNames.lost)
        var target = FileNames.lost + "/" + name
        var suffix = 1
        while fileSystem.exists(path(target)) {
            target = FileNames.lost + "/" + name + ".\(suffix)"
            suffix += 1
        }
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

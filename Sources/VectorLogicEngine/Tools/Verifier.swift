public import VectorLogicIO
import VectorLogicFormat

/// What `vectorlogic verify` found in a data directory.
public struct VerifyReport: Sendable, Hashable, Codable {
    /// The directory checked.
    public var directory: String
    /// Every finding, errors and warnings, in the order found.
    public var problems: [ToolProblem] = []
    /// Segment files checked (every section checksummed).
    public var segmentsChecked = 0
    /// Log files checked.
    public var logsChecked = 0
    /// Log records whose checksum, LSN order and payload were checked.
    public var recordsChecked = 0
    /// Segment rows checked (ids, order, graph).
    public var rowsChecked = 0
    /// Store files checked (`StoreFile`: the server's SQLite stores).
    public var storesChecked = 0

    /// Findings that are damage (not leftovers of a crash).
    public var errors: [ToolProblem] { problems.filter { $0.severity == .error } }
    /// True when no error was found (warnings allowed): `verify` exits 0.
    public var isClean: Bool { errors.isEmpty }

    /// The text `verify` prints.
    public func render() -> String {
        var lines = ["verify \(directory): \(segmentsChecked) segments (\(rowsChecked) rows), \(logsChecked) logs (\(recordsChecked) records), "
                     + "\(storesChecked) stores"]
        for problem in problems { lines.append("  " + problem.description) }
        let warnings = problems.count - errors.count
        lines.append(isClean ? "clean (\(warnings) warnings)" : "\(errors.count) problems, \(warnings) warnings; run `vectorlogic repair --data-dir \(directory)`")
        return lines.joined(separator: "\n")
    }
}

/// Checks every checksum and structural invariant of a data directory (docs/cli.md "vectorlogic verify"), reading only.
///
/// Checked: the manifest container and body; every segment the manifest lists exists, matches its entry (collection,
/// rows, dimension) and passes `SegmentAnalysis` (all section CRCs, offset tables, id order, graph invariants); live
/// ids are unique per collection; no unreferenced segment or leftover file; every live log's header, record CRCs,
/// LSN order and continuity from the checkpoint, payloads, and whether it ends clean, torn or corrupt; and each of
/// `stores` (the server's SQLite files) by its own check, which opens a copy exactly as the server does.
public enum Verifier {
    /// Verifies `directory` and the `stores` in it; throws only when it cannot be read at all.
    public static func verify(directory: String, fileSystem: any FileSystem = PosixFileSystem(),
                              stores: [StoreFile] = []) throws(ToolError) -> VerifyReport {
        var report = VerifyReport(directory: directory)
        let listing = try DirectoryListing(directory: directory, fileSystem: fileSystem)
        for name in listing.temporaries {
            report.problems.append(ToolProblem(file: name, offset: nil, severity: .warning, message: "temporary file left by an interrupted write"))
        }
        var checkpoint: UInt64 = 0
        var firstLiveLog: UInt64 = 0
        switch try ManifestRead.read(directory: directory, fileSystem: fileSystem) {
        case .absent:
            if !listing.segments.isEmpty {
                report.problems.append(ToolProblem(file: FileNames.manifest, offset: nil, message: "missing, but segment files exist"))
            }
        case .damaged(let problem):
            report.problems.append(problem)
        case let .decoded(manifest, _):
            checkpoint = manifest.checkpointLSN
            firstLiveLog = manifest.firstLiveLog
            checkSegments(manifest, listing: listing, directory: directory, fileSystem: fileSystem, into: &report)
        }
        try checkLogs(listing, checkpoint: checkpoint, firstLiveLog: firstLiveLog, directory: directory,
                      fileSystem: fileSystem, into: &report)
        for store in stores {
            report.storesChecked += 1
            report.problems += store.problems(in: directory)
        }
        return report
    }

    private static func checkSegments(_ manifest: EngineManifest, listing: DirectoryListing, directory: String,
                                      fileSystem: any FileSystem, into report: inout VerifyReport) {
        var referenced = Set<UInt64>()
        for collection in manifest.collections {
            var live: [String: String] = [:]
            for entry in collection.segments {
                referenced.insert(entry.number)
                if entry.number >= manifest.nextSegmentNumber {
                    report.problems.append(ToolProblem(file: FileNames.manifest, offset: nil,
                                                       message: "segment \(entry.number) is not below the next segment number \(manifest.nextSegmentNumber)"))
                }
                let name = FileNames.segment(entry.number)
                guard listing.segments.contains(entry.number) else {
                    report.problems.append(ToolProblem(file: name, offset: nil, message: "listed by the manifest (collection \(collection.definition.name)) but missing"))
                    continue
                }
                let analysis = SegmentAnalysis(path: directory + "/" + name, name: name, fileSystem: fileSystem)
                report.segmentsChecked += 1
                report.rowsChecked += analysis.summary.rows ?? 0
                report.problems += analysis.problems
                report.problems += matchProblems(analysis, entry: entry, collection: collection)
                checkLiveIDs(analysis, entry: entry, live: &live, into: &report)
            }
        }
        for number in listing.segments where !referenced.contains(number) {
            report.problems.append(ToolProblem(file: FileNames.segment(number), offset: nil, severity: .warning,
                                               message: "not referenced by the manifest (left by an interrupted flush or compaction)"))
        }
    }

    /// The segment's info section must agree with its manifest entry.
    static func matchProblems(_ analysis: SegmentAnalysis, entry: EngineManifestSegment, collection: EngineManifestCollection) -> [ToolProblem] {
        guard let info = analysis.info else { return [] }
        var mismatches: [String] = []
        if info.collectionID != collection.definition.id { mismatches.append("collection id \(info.collectionID) ≠ \(collection.definition.id)") }
        if info.rows != entry.rows { mismatches.append("rows \(info.rows) ≠ \(entry.rows)") }
        if info.dimension != collection.definition.dimension { mismatches.append("dimension \(info.dimension) ≠ \(collection.definition.dimension)") }
        guard !mismatches.isEmpty else { return [] }
        return [ToolProblem(file: analysis.name, offset: analysis.offset(of: .engineInfo),
                            message: "does not match its manifest entry: " + mismatches.joined(separator: ", "))]
    }

    private static func checkLiveIDs(_ analysis: SegmentAnalysis, entry: EngineManifestSegment, live: inout [String: String],
                                     into report: inout VerifyReport) {
        guard let ids = analysis.ids else { return }
        let dead = Set(entry.tombstones)
        var duplicates = 0
        for (row, id) in ids.enumerated() where !dead.contains(UInt32(row)) && !analysis.unreadableRows.contains(UInt32(row)) {
            if let other = live[id] {
                duplicates += 1
                if duplicates <= 5 {
                    report.problems.append(ToolProblem(file: analysis.name, offset: analysis.offset(of: .engineIDs),
                                                       message: "id \(id) (row \(row)) is also live in \(other)"))
                }
            } else {
                live[id] = "\(analysis.name) row \(row)"
            }
        }
        if duplicates > 5 {
            report.problems.append(ToolProblem(file: analysis.name, offset: nil, message: "\(duplicates) live ids in total are not unique"))
        }
    }

    private static func checkLogs(_ listing: DirectoryListing, checkpoint: UInt64, firstLiveLog: UInt64, directory: String,
                                  fileSystem: any FileSystem, into report: inout VerifyReport) throws(ToolError) {
        var previous = checkpoint
        let live = listing.logs.filter { $0 >= firstLiveLog }
        for number in listing.logs where number < firstLiveLog {
            report.problems.append(ToolProblem(file: FileNames.log(number), offset: nil, severity: .warning,
                                               message: "obsolete log below the manifest's first live log \(firstLiveLog)"))
        }
        for (index, number) in live.enumerated() {
            let name = FileNames.log(number)
            let analysis = try LogAnalysis(path: directory + "/" + name, name: name, number: number, fileSystem: fileSystem)
            let chain = analysis.checkChain(previousLSN: previous, checkpoint: checkpoint, isNewest: index == live.count - 1)
            report.logsChecked += 1
            report.recordsChecked += analysis.scan.records.count
            report.problems += chain.problems
            previous = chain.lastLSN
            if chain.damaged { previous = max(previous, analysis.highestLSN ?? previous) }
        }
    }
}

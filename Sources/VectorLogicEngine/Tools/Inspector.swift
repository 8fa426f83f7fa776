public import VectorLogicIO
import VectorLogicFormat

/// What `vectorlogic inspect PATH` shows: the file kind, versions, sizes, counts, HNSW figures, log records and
/// checksum status.
public struct InspectReport: Sendable, Hashable, Codable {
    /// `directory`, `segment`, `log` or `manifest`.
    public var kind: String
    /// The path inspected.
    public var path: String
    /// The manifest (directory or manifest file).
    public var manifest: ManifestSummary?
    /// Collections with their counts (directory, or manifest file without counts from the log).
    public var collections: [CollectionSummary] = []
    /// Segment files.
    public var segments: [SegmentSummary] = []
    /// Log files.
    public var logs: [LogSummary] = []
    /// Checksum and structure findings (the full list is `verify`'s).
    public var problems: [ToolProblem] = []
    /// Whether the counts include a replay of the log after the checkpoint (false when damage stopped it).
    public var countsIncludeLog = false

    /// Whether every checksum seen matched.
    public var checksumsOK: Bool { problems.allSatisfy { $0.severity == .warning } }
}

/// Reads a data directory or a single engine file and summarises it (docs/cli.md "vectorlogic inspect"). Reads only.
public enum Inspector {
    /// Inspects `path`: a data directory, a `.seg` segment, a `.log` write-ahead log, or a `MANIFEST`.
    public static func inspect(path: String, fileSystem: any FileSystem = PosixFileSystem()) throws(ToolError) -> InspectReport {
        guard fileSystem.exists(path) || isDirectory(path, fileSystem: fileSystem) else { throw ToolError.invalidPath("\(path) does not exist") }
        if isDirectory(path, fileSystem: fileSystem) {
            return try inspectDirectory(path, fileSystem: fileSystem)
        }
        let head = try ToolIO.read(path, fileSystem: fileSystem).prefix(8)
        let name = ToolIO.baseName(path)
        var report = InspectReport(kind: "unknown", path: path)
        if Array(head) == SegmentContainer.magic {
            report.kind = "segment"
            let analysis = SegmentAnalysis(path: path, name: name, fileSystem: fileSystem)
            report.segments = [analysis.summary]
            report.problems = analysis.problems
        } else if Array(head) == LogFraming.magic || name.hasSuffix(".log") {
            report.kind = "log"
            let number = FileNames.number(name, suffix: ".log") ?? 0
            let analysis = try LogAnalysis(path: path, name: name, number: number, fileSystem: fileSystem)
            report.logs = [analysis.summary]
            report.problems = analysis.checkChain(previousLSN: 0, checkpoint: UInt64.max, isNewest: true).problems
        } else if Array(head) == ManifestContainer.magic || name == FileNames.manifest {
            report.kind = "manifest"
            let (summary, collections, problem) = try manifestSummary(path: path, fileSystem: fileSystem)
            report.manifest = summary
            report.collections = collections
            report.problems = problem.map { [$0] } ?? []
        } else {
            throw ToolError.invalidPath("\(path) is not a VectorLogic data directory, segment, log or manifest")
        }
        return report
    }

    /// Whether `path` is a directory (what `inspect` must lock) rather than a single file.
    public static func isDirectory(_ path: String, fileSystem: any FileSystem = PosixFileSystem()) -> Bool {
        (try? fileSystem.contents(ofDirectory: path)) != nil
    }

    private static func inspectDirectory(_ directory: String, fileSystem: any FileSystem) throws(ToolError) -> InspectReport {
        var report = InspectReport(kind: "directory", path: directory)
        let listing = try DirectoryListing(directory: directory, fileSystem: fileSystem)
        var tombstones: [UInt64: Int] = [:]
        if listing.manifestPresent {
            let (summary, collections, problem) = try manifestSummary(path: directory + "/" + FileNames.manifest, fileSystem: fileSystem)
            report.manifest = summary
            report.collections = collections
            if let problem { report.problems.append(problem) }
            if case let .decoded(manifest, _) = try ManifestRead.read(directory: directory, fileSystem: fileSystem) {
                for collection in manifest.collections {
                    for segment in collection.segments { tombstones[segment.number] = segment.tombstones.count }
                }
            }
        }
        for number in listing.segments {
            let name = FileNames.segment(number)
            let analysis = SegmentAnalysis(path: directory + "/" + name, name: name, fileSystem: fileSystem)
            var summary = analysis.summary
            summary.deleted = tombstones[number]
            report.segments.append(summary)
            report.problems += analysis.problems
        }
        for number in listing.logs {
            let name = FileNames.log(number)
            let analysis = try LogAnalysis(path: directory + "/" + name, name: name, number: number, fileSystem: fileSystem)
            report.logs.append(analysis.summary)
            report.problems += analysis.checkChain(previousLSN: 0, checkpoint: UInt64.max, isNewest: number == listing.logs.last).problems
        }
        if let counted = DirectoryModel.count(directory: directory, fileSystem: fileSystem) {
            report.collections = counted
            report.countsIncludeLog = true
        }
        return report
    }

    /// The manifest's summary and its collections with manifest-only counts (segments minus tombstones).
    static func manifestSummary(path: String, fileSystem: any FileSystem) throws(ToolError) -> (ManifestSummary, [CollectionSummary], ToolProblem?) {
        let bytes = try ToolIO.read(path, fileSystem: fileSystem)
        let version = bytes.count >= 12 ? bytes.withUnsafeBytes { $0.toolLE32(at: 8) } : 0
        var summary = ManifestSummary(bytes: Int64(bytes.count), formatVersion: version, checksumOK: false)
        switch try ManifestRead.read(directory: ToolIO.parent(path), fileSystem: fileSystem, name: ToolIO.baseName(path)) {
        case .absent:
            return (summary, [], nil)
        case .damaged(let problem):
            summary.error = problem.message
            return (summary, [], problem)
        case let .decoded(manifest, _):
            summary.checksumOK = true
            summary.checkpointLSN = manifest.checkpointLSN
            summary.firstLiveLog = manifest.firstLiveLog
            summary.nextSegmentNumber = manifest.nextSegmentNumber
            let collections = manifest.collections.map { entry in
                let rows = entry.segments.reduce(0) { $0 + Int($1.rows) }
                let dead = entry.segments.reduce(0) { $0 + $1.tombstones.count }
                return CollectionSummary(definition: entry.definition, segments: entry.segments.count, vectors: rows - dead,
                                         deleted: dead, unflushed: 0)
            }
            return (summary, collections, nil)
        }
    }
}

extension CollectionSummary {
    /// A summary of a stored definition with counts.
    init(definition: EngineCollectionDefinition, segments: Int, vectors: Int, deleted: Int, unflushed: Int) {
        self.init(id: definition.id, name: definition.name, dimension: Int(definition.dimension),
                  metric: SectionNames.metric(definition.metric), indexType: SectionNames.indexType(definition.indexType),
                  m: Int(definition.m), efConstruction: Int(definition.efConstruction), efSearch: Int(definition.efSearch),
                  segments: segments, vectors: vectors, deleted: deleted, unflushedVectors: unflushed)
    }
}

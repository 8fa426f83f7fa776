import Logging
import Synchronization
import VectorLogicFormat
import VectorLogicIO

/// A structured description of a data directory's files, for `vectorlogic inspect` (Codable: print as JSON).
public struct InspectReport: Sendable, Hashable, Codable {
    /// One segment file.
    public struct SegmentSummary: Sendable, Hashable, Codable {
        /// File name.
        public var file: String
        /// Rows (live + tombstoned).
        public var rows: Int
        /// Tombstoned rows as of the checkpoint.
        public var tombstones: Int
        /// File size.
        public var bytes: Int64
        /// Sections: kind, offset, length.
        public var sections: [[Int64]]
        /// Whether it carries an HNSW graph.
        public var hasGraph: Bool
    }

    /// One collection in the manifest.
    public struct CollectionSummary: Sendable, Hashable, Codable {
        /// Name.
        public var name: String
        /// Engine id.
        public var id: UInt64
        /// Dimension.
        public var dimension: Int
        /// Metric name.
        public var metric: String
        /// Index type name.
        public var index: String
        /// Creation time (ms).
        public var createdAtMs: Int64
        /// Segments, oldest first.
        public var segments: [SegmentSummary]
    }

    /// One log file.
    public struct LogSummary: Sendable, Hashable, Codable {
        /// File name.
        public var file: String
        /// Size.
        public var bytes: Int64
        /// Valid records.
        public var records: Int
        /// LSN range of the valid records.
        public var firstLSN: UInt64?
        /// Last valid LSN.
        public var lastLSN: UInt64?
        /// "clean", "torn tail at N" or "corrupt at N".
        public var ending: String
    }

    /// Checkpoint LSN of the manifest (nil without a manifest).
    public var checkpointLSN: UInt64?
    /// First log replayed at open.
    public var firstLiveLog: UInt64?
    /// Collections as of the checkpoint.
    public var collections: [CollectionSummary] = []
    /// Log files.
    public var logs: [LogSummary] = []
    /// Files that could not be read, with why.
    public var errors: [FileProblem] = []
}

/// Reads a data directory without changing it (no lock: safe beside a running server).
public enum Inspector {
    /// Describes `directory`.
    public static func inspect(directory: String, fileSystem: any FileSystem = PosixFileSystem()) -> InspectReport {
        var report = InspectReport()
        let names = (try? fileSystem.contents(ofDirectory: directory)) ?? []
        if names.contains(FileNames.manifest) {
            do {
                let manifest = try ManifestStore.read(directory: directory, fileSystem: fileSystem)
                report.checkpointLSN = manifest.checkpointLSN
                report.firstLiveLog = manifest.firstLiveLog
                report.collections = manifest.collections.map { summarize($0, directory: directory, fileSystem: fileSystem, report: &report) }
            } catch {
                report.errors.append(Verifier.problem(error, defaultFile: FileNames.manifest))
            }
        }
        for name in names.filter({ $0.hasSuffix(".log") }).sorted() {
            let bytes = (try? fileSystem.open(directory + "/" + name, create: false)).flatMap { handle in
                defer { handle.close() }
                return try? handle.read(at: 0, count: Int((try? handle.size()) ?? 0))
            } ?? []
            let scan = bytes.withUnsafeBytes { LogFraming.scan($0) }
            let ending: String = switch scan.ending {
            case .clean: "clean"
            case let .tornTail(offset, _): "torn tail at \(offset)"
            case let .corrupt(offset, reason, _): "corrupt at \(offset): \(reason)"
            }
            report.logs.append(InspectReport.LogSummary(file: name, bytes: Int64(bytes.count), records: scan.records.count,
                                                        firstLSN: scan.records.first?.lsn, lastLSN: scan.records.last?.lsn, ending: ending))
        }
        return report
    }

    static func summarize(_ collection: EngineManifestCollection, directory: String, fileSystem: any FileSystem,
                          report: inout InspectReport) -> InspectReport.CollectionSummary {
        let definition = collection.definition
        let config = CollectionConfig(definition: definition)
        var segments: [InspectReport.SegmentSummary] = []
        for entry in collection.segments {
            let name = FileNames.segment(entry.number)
            do {
                let segment = try Segment(number: entry.number, path: directory + "/" + name, fileSystem: fileSystem)
                segments.append(InspectReport.SegmentSummary(
                    file: name, rows: segment.rows, tombstones: entry.tombstones.count, bytes: segment.fileBytes,
                    sections: segment.layout.sections.map { [Int64($0.kind), Int64($0.offset), Int64($0.length)] },
                    hasGraph: segment.graph != nil))
            } catch {
                report.errors.append(Verifier.problem(error, defaultFile: name))
            }
        }
        return InspectReport.CollectionSummary(
            name: definition.name, id: definition.id, dimension: Int(definition.dimension),
            metric: config?.metric.rawValue ?? "unknown(\(definition.metric))", index: config?.index.type.rawValue ?? "unknown",
            createdAtMs: definition.createdAtMs, segments: segments)
    }
}

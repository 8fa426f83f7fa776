import Logging
import Synchronization
import VectorLogicFormat
import VectorLogicIndex
import VectorLogicIO

/// What `Repairer.repair` did and what was lost.
public struct RepairReport: Sendable, Hashable, Codable {
    /// Each step taken, as a sentence.
    public var actions: [String] = []
    /// Data that could not be saved: file, offset, and what was lost.
    public var lost: [FileProblem] = []
    /// Files moved into `lost/` (never deleted).
    public var quarantined: [String] = []
    /// Vectors lost with quarantined segments.
    public var lostVectors = 0
}

/// Offline repair of a data directory (the database must be closed; the directory lock is taken):
/// truncates torn or damaged logs at the first bad record (the original goes to `lost/`), quarantines unreadable
/// segments into `lost/`, rebuilds a damaged HNSW graph from intact vectors, and installs a new manifest atomically.
/// Nothing is ever deleted; the report says what was lost.
public enum Repairer {
    /// Repairs `directory`.
    public static func repair(directory: String, fileSystem: any FileSystem = PosixFileSystem()) throws -> RepairReport {
        let lock: any FileLock
        do {
            lock = try fileSystem.lock(directory + "/" + FileNames.lock)
        } catch IOError.locked {
            throw EngineError.locked("the data directory \(directory) is in use; stop the server before repairing")
        }
        defer { lock.release() }
        var repair = RepairRun(directory: directory, fileSystem: fileSystem)
        try repair.run()
        return repair.report
    }
}

struct RepairRun {
    let directory: String
    let fileSystem: any FileSystem
    var report = RepairReport()

    func path(_ name: String) -> String { directory + "/" + name }

    mutating func quarantine(_ name: String) throws {
        try fileSystem.createDirectory(path(FileNames.lost))
        try fileSystem.rename(path(name), to: path(FileNames.lost + "/" + name))
        try fileSystem.syncDirectory(path(FileNames.lost))
        try fileSystem.syncDirectory(directory)
        report.quarantined.append(name)
    }

    mutating func run() throws {
        let names = try fileSystem.contents(ofDirectory: directory)
        var manifest = EngineManifest(checkpointLSN: 0, firstLiveLog: 0, nextSegmentNumber: 1, nextCollectionID: 1, collections: [])
        if names.contains(FileNames.manifest) {
            do {
                manifest = try ManifestStore.read(directory: directory, fileSystem: fileSystem)
            } catch {
                report.lost.append(Verifier.problem(error, defaultFile: FileNames.manifest))
                try quarantine(FileNames.manifest)
                report.actions.append("MANIFEST was unreadable: moved to lost/; collections are rebuilt from the logs that remain")
                for name in names where FileNames.number(name, suffix: ".seg") != nil { try quarantine(name) }
            }
        }
        for index in manifest.collections.indices {
            var kept: [EngineManifestSegment] = []
            for entry in manifest.collections[index].segments {
                if let saved = try repairSegment(entry, collection: manifest.collections[index], manifest: &manifest) { kept.append(saved) }
            }
            manifest.collections[index].segments = kept
        }
        let logs = names.compactMap { FileNames.number($0, suffix: ".log") }.sorted().filter { $0 >= manifest.firstLiveLog }
        for number in logs { try repairLog(FileNames.log(number)) }
        try ManifestStore.write(manifest, directory: directory, fileSystem: fileSystem)
        report.actions.append("wrote a new MANIFEST listing \(manifest.collections.reduce(0) { $0 + $1.segments.count }) segments")
    }

    /// Keeps a sound segment, rebuilds a damaged graph, or quarantines the file; returns the entry to list.
    mutating func repairSegment(_ entry: EngineManifestSegment, collection: EngineManifestCollection,
                                manifest: inout EngineManifest) throws -> EngineManifestSegment? {
        let name = FileNames.segment(entry.number)
        let verdict = Verifier.verifyOne(entry, collection: collection, directory: directory, fileSystem: fileSystem)
        if verdict.isEmpty { return entry }
        let onlyGraph = verdict.allSatisfy { $0.reason.hasPrefix("graph") || $0.reason.contains("section 6 ") }
        if onlyGraph, let rebuilt = try rebuildGraph(entry, collection: collection, manifest: &manifest) {
            try quarantine(name)
            report.actions.append("\(name): graph was damaged; rebuilt from its intact vectors as \(FileNames.segment(rebuilt.number))")
            return rebuilt
        }
        try quarantine(name)
        let lostRows = Int(entry.rows) - entry.tombstones.count
        report.lostVectors += lostRows
        report.lost.append(contentsOf: verdict)
        report.actions.append("\(name): damaged (\(verdict.first?.reason ?? "?")); moved to lost/, \(lostRows) vectors of \(collection.definition.name) lost")
        return nil
    }

    /// Writes a copy of the segment with a freshly built graph under a new number.
    mutating func rebuildGraph(_ entry: EngineManifestSegment, collection: EngineManifestCollection,
                               manifest: inout EngineManifest) throws -> EngineManifestSegment? {
        guard let segment = try? Segment(number: entry.number, path: path(FileNames.segment(entry.number)), fileSystem: fileSystem, loadGraph: false),
              segment.verifyVectors() == nil, let config = CollectionConfig(definition: collection.definition) else { return nil }
        let graph = MutableHNSW(source: segment.source, metric: config.metric,
                                parameters: HNSWParameters(m: config.index.m, efConstruction: config.index.efConstruction),
                                expectedCount: max(segment.rows, 1))
        for row in 0..<UInt32(segment.rows) { graph.insert(row) }
        let number = manifest.nextSegmentNumber
        manifest.nextSegmentNumber += 1
        try SegmentBuilder.write(rows: SegmentFileRows(segment: segment), info: segment.info, graph: graph.serialized(),
                                 path: path(FileNames.segment(number)), fileSystem: fileSystem)
        try fileSystem.syncDirectory(directory)
        return EngineManifestSegment(number: number, rows: entry.rows, tombstones: entry.tombstones)
    }

    /// Cuts a log at its first bad record; the original is kept in lost/.
    mutating func repairLog(_ name: String) throws {
        let handle = try fileSystem.open(path(name), create: false)
        let bytes = try handle.read(at: 0, count: Int(try handle.size()))
        handle.close()
        let scan = bytes.withUnsafeBytes { LogFraming.scan($0) }
        let cut: Int
        switch scan.ending {
        case .clean: return
        case .tornTail(let offset, _): cut = offset
        case .corrupt(let offset, let reason, _):
            cut = offset
            report.lost.append(FileProblem(file: name, offset: Int64(offset), reason: "\(reason); \(bytes.count - offset) bytes of log records after it dropped"))
        }
        try fileSystem.createDirectory(path(FileNames.lost))
        let copy = try fileSystem.open(path(FileNames.lost + "/" + name), create: true)
        try withRawBytes(bytes) { raw throws(IOError) in try copy.write(raw, at: 0) }
        try copy.sync()
        copy.close()
        try fileSystem.syncDirectory(path(FileNames.lost))
        report.quarantined.append(name + " (original copy)")
        let file = try fileSystem.open(path(name), create: false)
        try file.truncate(to: Int64(cut))
        try file.sync()
        file.close()
        report.actions.append("\(name): cut at byte \(cut) (\(bytes.count - cut) bytes dropped)")
    }
}

/// A mapped segment's rows as segment-builder input (graph rebuild).
struct SegmentFileRows: SegmentRows {
    let segment: Segment
    var rowCount: Int { segment.rows }
    var dimension: Int { segment.dimension }
    func vector(_ row: UInt32) -> UnsafePointer<Float> { segment.vector(row) }
    func id(_ row: UInt32) -> String { segment.id(row) }
    func metadataBytes(_ row: UInt32) -> [UInt8] { Array(segment.metadataBytes(row)) }
}

extension Verifier {
    /// The problems of one segment (empty when sound).
    static func verifyOne(_ entry: EngineManifestSegment, collection: EngineManifestCollection, directory: String,
                          fileSystem: any FileSystem) -> [FileProblem] {
        var report = VerifyReport()
        verifySegment(entry, collection: collection, directory: directory, fileSystem: fileSystem, report: &report)
        return report.problems
    }
}

import Logging
import Synchronization
import VectorLogicFormat
import VectorLogicIO

/// One problem found by `Verifier` or fixed by `Repairer`.
public struct FileProblem: Sendable, Hashable, Codable {
    /// File name inside the data directory.
    public var file: String
    /// Byte offset of the damage (0 when the whole file is affected).
    public var offset: Int64
    /// What is wrong.
    public var reason: String

    /// A problem.
    public init(file: String, offset: Int64, reason: String) {
        self.file = file
        self.offset = offset
        self.reason = reason
    }
}

/// What `Verifier.verify` checked and found.
public struct VerifyReport: Sendable, Hashable, Codable {
    /// True when nothing is damaged (torn log tails are notes, not problems: open cuts them).
    public var ok: Bool { problems.isEmpty }
    /// Damage that stops open or would serve wrong data: run `vectorlogic repair`.
    public var problems: [FileProblem] = []
    /// Harmless findings: torn tails, leftovers that open removes.
    public var notes: [String] = []
    /// Segment files fully checksummed.
    public var segmentsChecked = 0
    /// Log files scanned.
    public var logsChecked = 0
    /// Log records found.
    public var records = 0
}

/// Full offline verification of a data directory: the manifest, every section CRC of every segment, HNSW graph
/// invariants, and every log record. O(data), unlike open. Safe to run while the database is open (read-only).
public enum Verifier {
    /// Verifies `directory`.
    public static func verify(directory: String, fileSystem: any FileSystem = PosixFileSystem()) -> VerifyReport {
        var report = VerifyReport()
        let names = (try? fileSystem.contents(ofDirectory: directory)) ?? []
        var referenced = Set<UInt64>()
        var firstLiveLog: UInt64 = 0
        if names.contains(FileNames.manifest) {
            do {
                let manifest = try ManifestStore.read(directory: directory, fileSystem: fileSystem)
                firstLiveLog = manifest.firstLiveLog
                for collection in manifest.collections {
                    for segment in collection.segments {
                        referenced.insert(segment.number)
                        verifySegment(segment, collection: collection, directory: directory, fileSystem: fileSystem, report: &report)
                    }
                }
            } catch {
                report.problems.append(problem(error, defaultFile: FileNames.manifest))
            }
        }
        for name in names {
            if let number = FileNames.number(name, suffix: ".seg"), !referenced.contains(number) {
                report.notes.append("\(name) is not in the manifest (left by an interrupted flush); open removes it")
            }
            if name.hasSuffix(FileNames.temporarySuffix) { report.notes.append("\(name) is a leftover temporary file; open removes it") }
        }
        let logs = names.compactMap { FileNames.number($0, suffix: ".log") }.sorted().filter { $0 >= firstLiveLog }
        for (index, number) in logs.enumerated() {
            verifyLog(FileNames.log(number), isLast: index == logs.count - 1, directory: directory, fileSystem: fileSystem, report: &report)
        }
        return report
    }

    static func problem(_ error: EngineError, defaultFile: String) -> FileProblem {
        if case let .corruption(file, offset, reason) = error {
            return FileProblem(file: file.split(separator: "/").last.map(String.init) ?? file, offset: offset, reason: reason)
        }
        return FileProblem(file: defaultFile, offset: 0, reason: error.description)
    }

    static func verifySegment(_ entry: EngineManifestSegment, collection: EngineManifestCollection, directory: String,
                              fileSystem: any FileSystem, report: inout VerifyReport) {
        let name = FileNames.segment(entry.number)
        do {
            let segment = try Segment(number: entry.number, path: directory + "/" + name, fileSystem: fileSystem)
            report.segmentsChecked += 1
            for error in segment.layout.verify() {
                report.problems.append(FileProblem(file: name, offset: Int64(error.offset), reason: error.reason))
            }
            if segment.rows != Int(entry.rows) || segment.info.collectionID != collection.definition.id {
                report.problems.append(FileProblem(file: name, offset: 0, reason: "segment does not match the manifest"))
            }
            if let graph = segment.graph {
                for issue in graph.checkInvariants().prefix(5) {
                    report.problems.append(FileProblem(file: name, offset: 0, reason: "graph: \(issue)"))
                }
            }
        } catch {
            report.problems.append(problem(error, defaultFile: name))
        }
    }

    static func verifyLog(_ name: String, isLast: Bool, directory: String, fileSystem: any FileSystem, report: inout VerifyReport) {
        guard let handle = try? fileSystem.open(directory + "/" + name, create: false) else {
            report.problems.append(FileProblem(file: name, offset: 0, reason: "cannot be opened"))
            return
        }
        defer { handle.close() }
        let bytes = (try? handle.read(at: 0, count: Int((try? handle.size()) ?? 0))) ?? []
        let scan = bytes.withUnsafeBytes { LogFraming.scan($0) }
        report.logsChecked += 1
        report.records += scan.records.count
        for (record, offset) in zip(scan.records, scan.offsets) {
            do {
                _ = try EngineLogPayload.decode(type: record.type, payload: record.payload)
            } catch {
                report.problems.append(FileProblem(file: name, offset: Int64(offset), reason: "payload: \(error.reason)"))
            }
        }
        switch scan.ending {
        case .clean: break
        case let .tornTail(offset, reason):
            if isLast {
                report.notes.append("\(name): torn tail at \(offset) (\(reason)); open cuts it")
            } else {
                report.problems.append(FileProblem(file: name, offset: Int64(offset), reason: "torn record in an older log: \(reason)"))
            }
        case let .corrupt(offset, reason, _):
            report.problems.append(FileProblem(file: name, offset: Int64(offset), reason: reason))
        }
    }
}

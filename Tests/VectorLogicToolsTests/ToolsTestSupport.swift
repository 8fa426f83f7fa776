import Foundation
import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicDistance
import VectorLogicFormat
import VectorLogicIO
import VectorLogicJSON

/// A fresh directory under the temp folder; `remove()` deletes it.
struct ToolsTempDirectory {
    let path: String

    init(_ label: String) {
        path = FileManager.default.temporaryDirectory.path + "/vectorlogic-tools-\(label)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Deterministic vectors: row `i` of a test collection, distinct per id.
func toolsVector(_ i: Int, dimension: Int) -> [Float] {
    (0..<dimension).map { Float(sin(Double(i * 31 + $0 * 7))) }
}

/// Test data builders and file surgery.
enum ToolsFixture {
    static let collection = "docs"
    static let dimension = 8

    /// Upserts ids `prefix-start..<prefix-end` in batches of 10.
    static func upsert(_ database: Database, prefix: String, _ range: Range<Int>) async throws {
        var batch: [VectorRecord] = []
        for i in range {
            let metadata: JSONValue = .object(JSONObject([("n", .number(Double(i)))]))
            batch.append(VectorRecord(id: "\(prefix)-\(i)", values: toolsVector(i, dimension: dimension), metadata: CompactJSON(metadata)))
            if batch.count == 10 {
                _ = try await database.upsert(collection, batch)
                batch = []
            }
        }
        if !batch.isEmpty { _ = try await database.upsert(collection, batch) }
    }

    /// A closed database with two segments: `a-0..<40` (5 deleted) then `b-0..<30`, both flushed.
    static func twoSegmentDatabase(at directory: String, fileSystem: any FileSystem = PosixFileSystem()) async throws {
        let database = try Database.open(at: directory, fileSystem: fileSystem)
        _ = try await database.createCollection(CollectionConfig(name: collection, dimension: dimension, metric: .cosine))
        try await upsert(database, prefix: "a", 0..<40)
        _ = try await database.delete(collection, ids: (0..<5).map { "a-\($0)" })
        try await database.checkpointNow(compact: false)
        try await upsert(database, prefix: "b", 0..<30)
        try await database.checkpointNow(compact: false)
        try await database.close()
    }

    /// A directory with no manifest and one log: create collection (LSN 1), then `count` single-row upserts (LSN 2…).
    /// Returns the log's path and the byte offset of every upsert record.
    @discardableResult
    static func logOnlyDatabase(at directory: String, count: Int, fileSystem: any FileSystem = PosixFileSystem()) throws -> (path: String, offsets: [Int]) {
        var bytes = LogFraming.encodeFileHeader(logNumber: 1)
        let definition = EngineCollectionDefinition(id: 1, name: collection, dimension: UInt32(dimension), metric: 2, indexType: 1,
                                                    m: 16, efConstruction: 200, efSearch: 64, createdAtMs: 0)
        let create = EngineLogPayload.encode(.createCollection(definition))
        LogFraming.encode(LogRecord(type: create.type, lsn: 1, payload: create.payload), into: &bytes)
        var offsets: [Int] = []
        for i in 0..<count {
            let row = EngineUpsertRow(id: "w-\(i)", metadata: [], values: toolsVector(i, dimension: dimension))
            let upsert = EngineLogPayload.encode(.upsert(collection: 1, rows: [row]))
            offsets.append(bytes.count)
            LogFraming.encode(LogRecord(type: upsert.type, lsn: UInt64(i + 2), payload: upsert.payload), into: &bytes)
        }
        let path = directory + "/0000000000000001.log"
        try write(bytes, to: path, fileSystem: fileSystem)
        return (path, offsets)
    }

    static func read(_ path: String, fileSystem: any FileSystem = PosixFileSystem()) throws -> [UInt8] {
        let handle = try fileSystem.open(path, create: false)
        defer { handle.close() }
        return try handle.read(at: 0, count: Int(try handle.size()))
    }

    static func write(_ bytes: [UInt8], to path: String, fileSystem: any FileSystem = PosixFileSystem()) throws {
        let handle = try fileSystem.open(path, create: true)
        defer { handle.close() }
        try handle.truncate(to: 0)
        try bytes.withUnsafeBytes { try handle.write($0, at: 0) }
        try handle.sync()
        try fileSystem.syncDirectory(ToolsFixture.parent(path))
    }

    static func parent(_ path: String) -> String {
        String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }

    /// Flips one byte at `offset`.
    static func flip(_ path: String, at offset: Int, fileSystem: any FileSystem = PosixFileSystem()) throws {
        var bytes = try read(path, fileSystem: fileSystem)
        bytes[offset] ^= 0x5A
        try write(bytes, to: path, fileSystem: fileSystem)
    }

    /// The segment files of a directory, in number order.
    static func segments(in directory: String, fileSystem: any FileSystem = PosixFileSystem()) throws -> [String] {
        try fileSystem.contents(ofDirectory: directory).filter { $0.hasSuffix(".seg") }.sorted()
    }

    /// The file offset of a section of a segment.
    static func sectionOffset(_ path: String, kind: SegmentSectionKind, fileSystem: any FileSystem = PosixFileSystem()) throws -> Int? {
        let bytes = try read(path, fileSystem: fileSystem)
        return try bytes.withUnsafeBytes { raw in
            try SegmentContainer.open(raw).sections.first { $0.kind == kind.rawValue }?.offset
        }
    }
}

/// Runs the built `vectorlogic` executable (built next to the test bundle) and returns its exit code and output.
enum VectorLogicProcess {
    static var executable: String? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vectorlogic").path,
            Bundle.main.bundleURL.appendingPathComponent("vectorlogic").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("vectorlogic").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs the executable; kills it (SIGKILL, `timedOut` true) when it is still running after `timeoutSeconds`.
    /// Both pipes are read while it runs, so an answer larger than a pipe's 64 KiB buffer cannot stall it.
    /// `directory` is the working directory (the tools' default data directory is `./data`).
    static func run(_ arguments: [String], in directory: String? = nil,
                    timeoutSeconds: Int = 300) throws -> (status: Int32, stdout: String, stderr: String, timedOut: Bool) {
        guard let executable else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = PipeReader(out), errData = PipeReader(err)
        var timedOut = false
        let deadline = Date().addingTimeInterval(TimeInterval(timeoutSeconds))
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        return (process.terminationStatus, outData.text(), errData.text(), timedOut)
    }
}

/// Reads a pipe to its end on its own thread; `text()` waits for the end.
final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        Thread.detachNewThread { [self] in
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Everything the pipe carried, as UTF-8 text.
    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Every tools test runs inside this serialized suite: each opens a real `Database` (engine threads, fsyncs) or
/// spawns the `vectorlogic` executable and blocks until it exits, so running them one at a time keeps them from
/// starving each other (and the cooperative pool) on 2 shared cores; the whole suite takes a few seconds.
@Suite(.serialized) struct ToolsSuite {}

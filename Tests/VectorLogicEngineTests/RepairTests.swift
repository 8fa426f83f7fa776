import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicFormat
import VectorLogicTestSupport
import VectorLogicIO

/// `Repairer` turns a database that refuses to open into one that opens, quarantining (never deleting) what it cannot save.
@Suite("Repair")
struct RepairTests {
    /// A damaged log middle: repair cuts the log at the bad record (original kept in lost/), and open then succeeds
    /// with every record before the damage.
    @Test func repairCutsADamagedLogAndKeepsTheOriginal() async throws {
        let fileSystem = try await CorruptionTests.loggedDatabase()
        let path = try CorruptionTests.logPath(fileSystem)
        var bytes = try #require(fileSystem.currentContents(of: path))
        let scan = bytes.withUnsafeBytes { LogFraming.scan($0) }
        bytes[scan.offsets[10] + LogFraming.recordHeaderSize + 1] ^= 0xFF
        try fileSystem.overwrite(path, with: bytes)
        #expect(throws: EngineError.self) { _ = try Database.open(at: "/db", fileSystem: fileSystem, options: CorruptionTests.options()) }
        let report = try Repairer.repair(directory: "/db", fileSystem: fileSystem)
        #expect(!report.losses.isEmpty)
        let logName = path.split(separator: "/").last.map(String.init) ?? ""
        #expect(try fileSystem.contents(ofDirectory: "/db/lost").contains { $0.hasPrefix(logName) })
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: CorruptionTests.options())
        // Record 0 creates the collection, records 1…9 hold v0…v8.
        #expect(try database.count("c", filter: nil) == 9)
        #expect(try Verifier.verify(directory: "/db", fileSystem: fileSystem).isClean)
        try await database.close()
    }

    /// One flipped bit in the last complete record: verify reports an error, repair cuts the log at that record, keeps the
    /// cut bytes in lost/ (never deletes an acknowledged record), and open then has every record before it.
    @Test func repairKeepsADamagedLastRecordInLost() async throws {
        let fileSystem = try await CorruptionTests.loggedDatabase()
        let path = try CorruptionTests.logPath(fileSystem)
        var bytes = try #require(fileSystem.currentContents(of: path))
        let last = try #require(bytes.withUnsafeBytes { LogFraming.scan($0) }.offsets.last)
        bytes[last + LogFraming.recordHeaderSize + 5] ^= 0x01
        try fileSystem.overwrite(path, with: bytes)
        let verify = try Verifier.verify(directory: "/db", fileSystem: fileSystem)
        #expect(!verify.isClean)
        #expect(verify.errors.contains { path.hasSuffix($0.file) && $0.offset == Int64(last) })
        let report = try Repairer.repair(directory: "/db", fileSystem: fileSystem)
        #expect(!report.losses.isEmpty)
        let logName = path.split(separator: "/").last.map(String.init) ?? ""
        let saved = "/db/lost/\(logName).from-\(last)"
        #expect(fileSystem.currentContents(of: saved) == Array(bytes[last...]))
        #expect(fileSystem.currentContents(of: path) == Array(bytes[..<last]))
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: CorruptionTests.options())
        #expect(try database.count("c", filter: nil) == 29)
        #expect(try Verifier.verify(directory: "/db", fileSystem: fileSystem).isClean)
        try await database.close()
    }

    /// A segment with a damaged vectors section is quarantined into lost/ and reported; the rest opens.
    @Test func repairQuarantinesADamagedSegment() async throws {
        let fileSystem = SimulatedFileSystem(seed: 11)
        var options = CorruptionTests.options()
        options.compactionSegmentCount = 100
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: options)
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 3, metric: .dot))
        _ = try await database.upsert("c", (0..<20).map { VectorRecord(id: "a\($0)", values: [1, 2, Float($0)]) })
        try await database.checkpointNow(compact: false)
        _ = try await database.upsert("c", (0..<5).map { VectorRecord(id: "b\($0)", values: [3, 2, Float($0)]) })
        try await database.close()
        let first = "/db/" + Self.FileNames_segment(1)
        var bytes = try #require(fileSystem.currentContents(of: first))
        let layout = try bytes.withUnsafeBytes { try SegmentContainer.open($0) }
        let vectors = try #require(layout.sections.first { $0.kind == SegmentSectionKind.engineVectors.rawValue })
        bytes[vectors.offset] ^= 0x01
        try fileSystem.overwrite(first, with: bytes)
        #expect(try !Verifier.verify(directory: "/db", fileSystem: fileSystem).isClean)
        let report = try Repairer.repair(directory: "/db", fileSystem: fileSystem)
        #expect(report.losses.compactMap(\.vectorCount).reduce(0, +) == 20)
        #expect(fileSystem.exists("/db/lost/" + Self.FileNames_segment(1)))
        let reopened = try Database.open(at: "/db", fileSystem: fileSystem, options: options)
        #expect(try reopened.count("c", filter: nil) == 5)
        try await reopened.close()
    }

    static func FileNames_segment(_ number: UInt64) -> String {
        let digits = String(number, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits + ".seg"
    }
}

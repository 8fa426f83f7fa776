import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicFormat
import VectorLogicTestSupport
import VectorLogicIO

/// Damaged files give the documented outcome: a torn log tail is cut and reported; a damaged log middle, manifest or
/// segment fails open with `.corruption` naming the file and offset; never wrong results.
@Suite("Corruption")
struct CorruptionTests {
    static func options(background: Bool = false) -> DatabaseOptions {
        var options = DatabaseOptions(durability: .fsync)
        options.backgroundWork = background
        options.logger.logLevel = .critical
        return options
    }

    /// A database with 30 vectors only in the log (no checkpoint), left as after a power cut.
    static func loggedDatabase() async throws -> SimulatedFileSystem {
        let fileSystem = SimulatedFileSystem(seed: 7)
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: options())
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 2, metric: .euclidean))
        for index in 0..<30 { _ = try await database.upsert("c", [VectorRecord(id: "v\(index)", values: [Float(index), 1])]) }
        fileSystem.failAfter(operations: 0, kind: .crash)
        try? await database.close()
        fileSystem.crash()
        return fileSystem
    }

    static func logPath(_ fileSystem: SimulatedFileSystem) throws -> String {
        let name = try #require(try fileSystem.contents(ofDirectory: "/db").first { $0.hasSuffix(".log") })
        return "/db/" + name
    }

    /// Garbage after the last record is a torn tail: open cuts it, reports it, keeps every record, and a later append
    /// and crash still recover everything.
    @Test func tornLogTailIsCutAndReported() async throws {
        let fileSystem = try await Self.loggedDatabase()
        let path = try Self.logPath(fileSystem)
        let bytes = try #require(fileSystem.currentContents(of: path))
        try fileSystem.overwrite(path, with: bytes + [0x20, 0, 0, 0, 0x11, 0x22])
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options())
        let torn = try #require(database.recovery.tornTail)
        #expect(torn.offset == Int64(bytes.count))
        #expect(torn.droppedBytes == 6)
        #expect(try database.count("c", filter: nil) == 30)
        _ = try await database.upsert("c", [VectorRecord(id: "after", values: [9, 9])])
        fileSystem.failAfter(operations: 0, kind: .crash)
        try? await database.close()
        fileSystem.crash()
        let reopened = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options())
        #expect(try reopened.count("c", filter: nil) == 31)
        #expect(reopened.recovery.tornTail == nil)
        try await reopened.close()
    }

    /// A flipped byte in an early record, with valid records after it, stops open with an error naming the log file,
    /// the record's offset and `vectorlogic repair`.
    @Test func damagedLogMiddleFailsOpenNamingFileAndOffset() async throws {
        let fileSystem = try await Self.loggedDatabase()
        let path = try Self.logPath(fileSystem)
        var bytes = try #require(fileSystem.currentContents(of: path))
        let scan = bytes.withUnsafeBytes { LogFraming.scan($0) }
        let target = scan.offsets[3] + LogFraming.recordHeaderSize + 2
        bytes[target] ^= 0xFF
        try fileSystem.overwrite(path, with: bytes)
        do {
            _ = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options())
            Issue.record("open succeeded over a damaged log")
        } catch let error as EngineError {
            guard case let .corruption(file, offset, _) = error else { Issue.record("expected corruption, got \(error)"); return }
            #expect(path.hasSuffix(file))
            #expect(offset == Int64(scan.offsets[3]))
            #expect(error.description.contains("vectorlogic repair"))
        }
    }

    /// One flipped bit in the last record, which is complete and was fsync'd before its write was acknowledged, is damage,
    /// not a torn tail: open refuses with an error naming the log, the record's offset and `vectorlogic repair` (it used to
    /// drop the acknowledged record silently as a torn append).
    @Test func flippedBitInTheLastCompleteRecordFailsOpen() async throws {
        let fileSystem = try await Self.loggedDatabase()
        let path = try Self.logPath(fileSystem)
        var bytes = try #require(fileSystem.currentContents(of: path))
        let scan = bytes.withUnsafeBytes { LogFraming.scan($0) }
        #expect(scan.ending == .clean && scan.records.count == 31)
        let last = try #require(scan.offsets.last)
        bytes[last + LogFraming.recordHeaderSize + 3] ^= 0x08
        try fileSystem.overwrite(path, with: bytes)
        do {
            let database = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options())
            Issue.record("open succeeded over a damaged last record (torn tail: \(String(describing: database.recovery.tornTail)))")
            try await database.close()
        } catch let error as EngineError {
            guard case let .corruption(file, offset, _) = error else { Issue.record("expected corruption, got \(error)"); return }
            #expect(path.hasSuffix(file))
            #expect(offset == Int64(last))
            #expect(error.description.contains("vectorlogic repair"))
        }
        #expect(try fileSystem.currentContents(of: path) == bytes, "open must not cut the damaged record")
    }

    /// A last record cut short by the end of the file (an interrupted append) is still a torn tail: open cuts it and
    /// keeps every record before it.
    @Test func truncatedLastRecordIsStillATornTail() async throws {
        let fileSystem = try await Self.loggedDatabase()
        let path = try Self.logPath(fileSystem)
        let bytes = try #require(fileSystem.currentContents(of: path))
        let last = try #require(bytes.withUnsafeBytes { LogFraming.scan($0) }.offsets.last)
        try fileSystem.overwrite(path, with: Array(bytes[..<(bytes.count - 3)]))
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options())
        let torn = try #require(database.recovery.tornTail)
        #expect(torn.offset == Int64(last))
        #expect(try database.count("c", filter: nil) == 29)
        try await database.close()
    }

    /// A truncated manifest stops open with a corruption error naming MANIFEST.
    @Test func truncatedManifestFailsOpen() async throws {
        let fileSystem = SimulatedFileSystem(seed: 3)
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options())
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 2, metric: .dot))
        _ = try await database.upsert("c", [VectorRecord(id: "a", values: [1, 2])])
        try await database.close()
        let manifest = try #require(fileSystem.currentContents(of: "/db/MANIFEST"))
        try fileSystem.overwrite("/db/MANIFEST", with: Array(manifest.prefix(manifest.count - 5)))
        #expect(throws: EngineError.self) { _ = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options()) }
        do {
            _ = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options())
        } catch EngineError.corruption(let file, _, _) {
            #expect(file == "MANIFEST")
        }
    }

    /// Per-block checksums (segment format version 2): a damaged ids block makes only the rows whose id bytes it holds
    /// unreadable, at open; a damaged vectors block only its rows, once the background check has run. Those rows are
    /// never served (get, count, search), the rest are, and `/v1/stats` figures count them; `Verifier` names them.
    @Test func damagedBlocksCostOnlyTheirRows() async throws {
        let fileSystem = SimulatedFileSystem(seed: 5)
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options())
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 4, metric: .euclidean, index: IndexConfig(type: .flat)))
        for start in stride(from: 0, to: 2_000, by: 500) {
            _ = try await database.upsert("c", (start..<(start + 500)).map { VectorRecord(id: "v\($0)", values: [Float($0), 0, 0, 1]) })
        }
        try await database.close()
        let segmentName = try #require(try fileSystem.contents(ofDirectory: "/db").first { $0.hasSuffix(".seg") })
        let path = "/db/" + segmentName
        let original = try #require(fileSystem.currentContents(of: path))
        let layout = try original.withUnsafeBytes { try SegmentContainer.open($0) }
        #expect(layout.version == 2 && layout.blocks(.engineVectors)?.blockSize == 4_096)
        let ids = try #require(layout.sections.first { $0.kind == SegmentSectionKind.engineIDs.rawValue })
        var damaged = original
        damaged[ids.offset + ids.length - 1] ^= 0x01  // the last byte of the last id, "v1999"
        try fileSystem.overwrite(path, with: damaged)
        let lost = Self.rowsWithBytesIn(block: (ids.length - 1) / 512, ofIDs: ids, file: original, rows: 2_000)
        #expect(lost.contains(1_999) && lost.count < 200, "\(lost.count) rows share the last 512-byte block")
        let opened = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options())
        #expect(try opened.get("c", id: "v1999", includeValues: false) == nil)
        #expect(try opened.get("c", id: "v0", includeValues: false) != nil)
        #expect(try opened.count("c", filter: nil) == 2_000 - lost.count)
        #expect(opened.stats().unreadableRows == lost.count)
        try await opened.close()

        let vectors = try #require(layout.sections.first { $0.kind == SegmentSectionKind.engineVectors.rawValue })
        damaged = original
        damaged[vectors.offset + 4] ^= 0x40  // row 0, in vectors block 0: rows 0…63 at a 64-byte stride
        try fileSystem.overwrite(path, with: damaged)
        let report = try Verifier.verify(directory: "/db", fileSystem: fileSystem)
        #expect(!report.isClean)
        #expect(report.problems.contains { $0.file == segmentName && $0.message.contains("v0") }, "\(report.render())")
        let reopened = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options(background: true))
        for _ in 0..<400 where reopened.stats().unreadableRows == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(reopened.stats().unreadableRows == 64)
        #expect(try reopened.search("c", SearchRequest(vector: [0, 0, 0, 1], k: 3)).map(\.id) == ["v64", "v65", "v66"])
        #expect(try reopened.get("c", id: "v63", includeValues: true) == nil)
        #expect(try reopened.count("c", filter: nil) == 2_000 - 64)
        #expect(reopened.stats().damage.first?.contains(segmentName) == true)
        try await reopened.close()
    }

    /// Rows of the ids section whose bytes overlap 512-byte block `block` (from the undamaged file).
    static func rowsWithBytesIn(block: Int, ofIDs ids: SegmentSection, file: [UInt8], rows: Int) -> [Int] {
        func offset(_ index: Int) -> Int {
            (0..<4).reduce(0) { $0 | Int(file[ids.offset + index * 4 + $1]) << (8 * $1) }
        }
        let table = (rows + 1) * 4
        return (0..<rows).filter { row in
            let start = table + offset(row), end = table + offset(row + 1)
            return end > block * 512 && start < (block + 1) * 512
        }
    }
}

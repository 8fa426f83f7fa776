import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicDistance
import VectorLogicIO
import VectorLogicTestSupport

/// A full disk refuses writes with `diskFull` and changes nothing; reads go on; writes resume by themselves once space
/// is freed; a checkpoint that meets a full disk is undone and retried, losing nothing. (Over HTTP on a real tmpfs:
/// `ServerDiskFullTests`.)
@Suite("Disk full")
struct DiskFullTests {
    static func options() -> DatabaseOptions {
        var options = DatabaseOptions(durability: .fsync)
        options.backgroundWork = false
        options.logger.logLevel = .critical
        options.minimumFreeBytes = 1 << 20
        return options
    }

    static func records(_ range: Range<Int>) -> [VectorRecord] {
        range.map { VectorRecord(id: "v\($0)", values: [Float($0), 1, 0, 0]) }
    }

    /// Below the reserve plus the next flush, writes get `diskFull` and nothing changes; reads answer; once space is
    /// freed the next write is accepted.
    @Test func writesAreRefusedUntilSpaceIsFreed() async throws {
        let fileSystem = SimulatedFileSystem(seed: 1)
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options())
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 4, metric: .euclidean))
        _ = try await database.upsert("c", Self.records(0..<100))
        fileSystem.setAvailableBytes((1 << 20) + 100 * 64)  // the reserve and the 100 rows' values, but not their flush
        await #expect(throws: EngineError.self) { _ = try await database.upsert("c", Self.records(100..<101)) }
        do {
            _ = try await database.delete("c", ids: ["v1"])
            Issue.record("a delete was accepted on a full disk")
        } catch EngineError.diskFull(let reason) {
            #expect(reason.contains("bytes free"))
        }
        #expect(try database.count("c", filter: nil) == 100, "nothing changed")
        #expect(try database.search("c", SearchRequest(vector: [5, 1, 0, 0], k: 1)).first?.id == "v5", "reads go on")
        #expect(database.isWritable)
        fileSystem.setAvailableBytes(1 << 40)
        _ = try await database.upsert("c", Self.records(100..<101))
        #expect(try database.count("c", filter: nil) == 101)
        try await database.close()
    }

    /// A flush that meets ENOSPC is undone (no segment, no temporary file left), the engine stays writable, and the
    /// next checkpoint flushes the same rows plus the new ones; after a reopen every acknowledged row is there.
    @Test func checkpointMeetingAFullDiskIsUndoneAndRetried() async throws {
        let fileSystem = SimulatedFileSystem(seed: 2)
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options())
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 4, metric: .euclidean))
        _ = try await database.upsert("c", Self.records(0..<200))
        fileSystem.failAfter(operations: 0, kind: .noSpace, on: [.write])
        do {
            try await database.checkpointNow(compact: false)
            Issue.record("the checkpoint did not meet the full disk")
        } catch EngineError.diskFull(let reason) {
            #expect(reason.contains("undone"))
        }
        #expect(try fileSystem.contents(ofDirectory: "/db").allSatisfy { !$0.hasSuffix(".seg") && !$0.hasSuffix(".tmp") })
        #expect(database.isWritable)
        _ = try await database.upsert("c", Self.records(200..<250))
        #expect(try database.count("c", filter: nil) == 250)
        try await database.checkpointNow(compact: false)
        #expect(try fileSystem.contents(ofDirectory: "/db").filter { $0.hasSuffix(".seg") }.count == 2)
        try await database.close()
        fileSystem.crash()
        let reopened = try Database.open(at: "/db", fileSystem: fileSystem, options: Self.options())
        #expect(try reopened.count("c", filter: nil) == 250)
        #expect(try reopened.get("c", id: "v17", includeValues: true)?.values == [17, 1, 0, 0])
        try await reopened.close()
    }
}

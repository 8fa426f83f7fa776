import Logging
import Testing
@_spi(Testing) @testable import VectorLogicEngine
import VectorLogicIO
import VectorLogicTestSupport

/// A compaction running when `close` begins stops at its next chunk and is undone: shutdown never waits for a merge.
/// (At 1,000,000 rows in seven segments a reopened server began rebuilding one 1M-row graph, and SIGTERM waited over
/// 60 s until the benchmark killed it: BENCHMARKS.md "One million vectors".) Nothing is lost and writes go on.
@Suite struct CompactionOnCloseTests {
    @Test func aCompactionStopsWhenTheDatabaseCloses() async throws {
        let (database, fileSystem, options) = try await Self.open(segmentLimit: 2, CollectionConfig(name: "c", dimension: 8, metric: .cosine))
        var random = EngineRandom(seed: 3)
        var written = 0
        for _ in 0..<3 {
            let records = (0..<CompactionOnCloseTests.rowsPerSegment).map { _ -> VectorRecord in
                written += 1
                return VectorRecord(id: "v\(written)", values: (0..<8).map { _ in Float.random(in: -1...1, using: &random) })
            }
            _ = try await database.upsert("c", records)
            try await database.checkpointNow(compact: false)
        }
        #expect(database.stats().segments == 3)
        database.markClosing()
        await #expect(throws: EngineError.cancelled) { try await database.checkpointNow(compact: true) }
        #expect(database.stats().segments == 3, "the compaction was undone: its inputs are still the segments")
        #expect(database.stats().writable, "an abandoned compaction is not a failure")
        _ = try await database.upsert("c", [VectorRecord(id: "after", values: [1, 0, 0, 0, 0, 0, 0, 0])])
        #expect(try database.search("c", SearchRequest(vector: [1, 0, 0, 0, 0, 0, 0, 0], k: 1)).first?.id == "after")
        try await database.close()
        let reopened = try Database.open(at: "/db", fileSystem: fileSystem, options: options)
        #expect(try reopened.count("c", filter: nil) == written + 1)
        try await reopened.close()
    }

    /// A compaction the maintenance thread started and `close` cancelled is a normal stop: the undo is logged at info,
    /// and nothing at warning or error (every SIGTERM of a reopened 1M-row server logged "checkpoint failed" as an error).
    @Test func aCancelledBackgroundCompactionLogsNoError() async throws {
        let store = CollectingLogHandlerStore()
        var options = DatabaseOptions(durability: .none)
        options.backgroundWork = false
        options.compactionSegmentCount = 2
        options.logger = Logger(label: "test") { _ in CollectingLogHandler(store: store) }
        let database = try Database.open(at: "/db", fileSystem: SimulatedFileSystem(), options: options)
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 4, metric: .cosine))
        for segment in 0..<3 {
            _ = try await database.upsert("c", (0..<50).map { VectorRecord(id: "s\(segment)-\($0)", values: [1, Float($0), Float(segment), 1]) })
            try await database.checkpointNow(compact: false)
        }
        database.markClosing()
        #expect(database.maintenanceStep(verified: VerifiedSegments(), backoff: CheckpointBackoff()), "the compaction was due")
        let entries = store.entries.withLock { $0 }
        #expect(entries.contains { $0.level == .info && $0.line.hasPrefix("checkpoint undone: the database is closing") }, "\(entries)")
        #expect(!entries.contains { $0.level >= .warning }, "\(entries)")
        #expect(database.stats().segments == 3)
        try await database.close()
    }

    /// A database on a simulated disk with checkpoints run by the test, `segmentLimit` segments before a compaction,
    /// and one collection.
    static func open(segmentLimit: Int, _ config: CollectionConfig) async throws -> (Database, SimulatedFileSystem, DatabaseOptions) {
        var options = DatabaseOptions(durability: .none)
        options.backgroundWork = false
        options.compactionSegmentCount = segmentLimit
        let fileSystem = SimulatedFileSystem()
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: options)
        _ = try await database.createCollection(config)
        return (database, fileSystem, options)
    }

    /// More than one chunk of rows per segment, so the merged graph is built in several chunks.
    static let rowsPerSegment = 4_096 + 100
}

/// Past `compactionSegmentCount`, a compaction merges the smallest segments (by live rows) back down to the limit,
/// and rewrites any segment with enough dead rows; the large ones are left alone (`Compaction.inputs`).
@Suite struct TieredCompactionTests {
    @Test func theSmallestSegmentsAreMerged() async throws {
        let (database, fileSystem, options) = try await CompactionOnCloseTests.open(
            segmentLimit: 3, CollectionConfig(name: "c", dimension: 2, metric: .euclidean, index: IndexConfig(type: .flat)))
        var written = 0
        for rows in [50, 40, 5, 30, 3] {  // five segments; the limit is three
            _ = try await database.upsert("c", (0..<rows).map { _ in
                written += 1
                return VectorRecord(id: "v\(written)", values: [Float(written), 1])
            })
            try await database.checkpointNow(compact: false)
        }
        #expect(database.stats().segments == 5)
        try await database.checkpointNow(compact: true)
        // The three smallest (5, 30 and 3 rows) became one of 38; the 50- and 40-row segments were not rewritten.
        #expect(database.stats().segments == 3)
        #expect(try database.count("c", filter: nil) == written)
        var found = 0
        for index in 1...written where try database.get("c", id: "v\(index)", includeValues: false) != nil { found += 1 }
        #expect(found == written)
        try await database.close()
        let reopened = try Database.open(at: "/db", fileSystem: fileSystem, options: options)
        #expect(reopened.stats().segments == 3)
        #expect(try reopened.count("c", filter: nil) == written)
        for id in ["v1", "v50", "v91", "v96", "v128"] {
            #expect(try reopened.get("c", id: id, includeValues: true)?.id == id)
        }
        try await reopened.close()
    }
}

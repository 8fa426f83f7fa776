import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicIO
import VectorLogicTestSupport

/// A compaction running when `close` begins stops at its next chunk and is undone: shutdown never waits for a merge.
/// (At 1,000,000 rows in seven segments a reopened server began rebuilding one 1M-row graph, and SIGTERM waited over
/// 60 s until the benchmark killed it: BENCHMARKS.md "One million vectors".) Nothing is lost and writes go on.
@Suite struct CompactionOnCloseTests {
    @Test func aCompactionStopsWhenTheDatabaseCloses() async throws {
        var options = DatabaseOptions(durability: .none)
        options.backgroundWork = false
        options.compactionSegmentCount = 2
        let fileSystem = SimulatedFileSystem()
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: options)
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 8, metric: .cosine))
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

    /// More than one chunk of rows per segment, so the merged graph is built in several chunks.
    static let rowsPerSegment = 4_096 + 100
}

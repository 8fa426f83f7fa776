import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicIO
import VectorLogicJSON
import VectorLogicFilter
import VectorLogicTestSupport

/// A segment's filter match sets (`FilterMatchCache`): a repeated filter is evaluated over the segment's metadata
/// once, answers stay exactly those of an exact filtered scan (also with deletes after the set was cached, and with
/// rows still in the memtable), and at most `capacity` filters are kept per segment.
@Suite struct FilterMatchCacheTests {
    @Test func repeatedFiltersAreComputedOnceAndAnswerExactly() async throws {
        var options = DatabaseOptions(durability: .none)
        options.backgroundWork = false
        let database = try Database.open(at: "/db", fileSystem: SimulatedFileSystem(), options: options)
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 4, metric: .cosine))
        var random = EngineRandom(seed: 11)
        var vectors: [String: [Float]] = [:]
        var buckets: [String: Int] = [:]
        func write(_ range: Range<Int>) async throws {
            let records = range.map { index -> VectorRecord in
                let values = (0..<4).map { _ in Float.random(in: -1...1, using: &random) }
                vectors["v\(index)"] = values
                buckets["v\(index)"] = index % 10
                return VectorRecord(id: "v\(index)", values: values,
                                    metadata: CompactJSON(.object(JSONObject([("b", .number(Double(index % 10)))]))))
            }
            _ = try await database.upsert("c", records)
        }
        try await write(0..<2_000)
        try await database.checkpointNow()  // a segment (with a graph) ...
        try await write(2_000..<2_300)     // ... and rows still in the memtable
        let query: [Float] = [0.3, -0.2, 0.9, 0.1]
        func expected(_ keep: (Int) -> Bool, deleted: Set<String>) -> [String] {
            let norm = { (v: [Float]) in v.map { $0 * $0 }.reduce(0, +).squareRoot() }
            let scored = vectors.filter { keep(buckets[$0.key]!) && !deleted.contains($0.key) }.map { id, v in
                (id, zip(v, query).map(*).reduce(0, +) / (norm(v) * norm(query)))
            }
            return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(10).map(\.0)
        }
        let selective = Filter.field(path: "b", .eq(.number(3)))  // 10%: the planner may scan or walk
        for _ in 0..<3 {
            let found = try database.search("c", SearchRequest(vector: query, k: 10, ef: 4_000, filter: selective)).map(\.id)
            #expect(found == expected({ $0 == 3 }, deleted: []))
        }
        #expect(try database.filterMatchSetsComputed("c") == 1, "three searches with one filter: one match set")
        // Counts share the set: the same filter counts without reading the segment's metadata again.
        #expect(try database.count("c", filter: selective) == buckets.values.filter { $0 == 3 }.count)
        #expect(try database.filterMatchSetsComputed("c") == 1)
        // Deletes after the set was cached are still honoured (checked apart from the match set).
        let gone = expected({ $0 == 3 }, deleted: []).prefix(3)
        _ = try await database.delete("c", ids: Array(gone))
        let after = try database.search("c", SearchRequest(vector: query, k: 10, ef: 4_000, filter: selective)).map(\.id)
        #expect(after == expected({ $0 == 3 }, deleted: Set(gone)))
        #expect(try database.count("c", filter: selective) == buckets.values.filter { $0 == 3 }.count - gone.count)
        #expect(try database.filterMatchSetsComputed("c") == 1)
        // Bounded: more distinct filters than the capacity, then the first again is computed anew.
        for bucket in 0..<(Database.filterMatchCacheCapacity + 1) {
            let filter = Filter.field(path: "b", .in([.number(Double(bucket % 10)), .number(Double(100 + bucket))]))
            _ = try database.search("c", SearchRequest(vector: query, k: 10, filter: filter))
        }
        #expect(try database.filterMatchSetsComputed("c") == 2 + Database.filterMatchCacheCapacity)
        _ = try database.search("c", SearchRequest(vector: query, k: 10, ef: 4_000, filter: selective))
        #expect(try database.filterMatchSetsComputed("c") == 3 + Database.filterMatchCacheCapacity, "the oldest was dropped")
    }
}

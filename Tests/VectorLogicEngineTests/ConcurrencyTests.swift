import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicTestSupport

/// Writers, readers, the indexer, flushes and compactions all at once (run under `--sanitize=thread` in CI):
/// searches only ever return live vectors, and the final state equals what the writers acknowledged.
@Suite("Concurrency")
struct ConcurrencyTests {
    @Test func concurrentWritersReadersFlushesAndCompactionsStayConsistent() async throws {
        var options = DatabaseOptions(durability: .fsync, memtableFlushRows: 300, maxUnindexedBacklog: 100_000)
        options.compactionSegmentCount = 3
        options.compactionMinDeadRows = 20
        options.logger.logLevel = .critical
        let fileSystem = SimulatedFileSystem(seed: 9)
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: options)
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 8, metric: .cosine,
                                                                 index: IndexConfig(m: 8, efConstruction: 32)))
        let writers = 6
        let perWriter = 250
        try await withThrowingTaskGroup(of: Set<String>.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var random = EngineRandom(seed: UInt64(writer))
                    var live = Set<String>()
                    for step in 0..<perWriter {
                        let id = "w\(writer)-\(step % 120)"
                        if step % 5 == 4, let victim = live.randomElement(using: &random) {
                            _ = try await database.delete("c", ids: [victim])
                            live.remove(victim)
                        } else {
                            _ = try await database.upsert("c", [VectorRecord(id: id, values: random.vector(8), metadata: .object(JSONObject([("w", .number(Double(writer)))])))])
                            live.insert(id)
                        }
                    }
                    return live
                }
            }
            group.addTask {
                var random = EngineRandom(seed: 99)
                for _ in 0..<150 {
                    let matches = try database.search("c", SearchRequest(vector: random.vector(8), k: 10))
                    #expect(Set(matches.map(\.id)).count == matches.count, "a search returned an id twice")
                    _ = try database.scroll("c", ScrollRequest(limit: 50))
                    _ = try database.count("c", filter: nil)
                    await Task.yield()
                }
                return []
            }
            var expected = Set<String>()
            for try await live in group { expected.formUnion(live) }
            #expect(try database.count("c", filter: nil) == expected.count)
            for id in expected.prefix(50) { #expect(try database.get("c", id: id, includeValues: false) != nil) }
            let all = try database.search("c", SearchRequest(vector: [1, 0, 0, 0, 0, 0, 0, 0], k: 1000))
            #expect(Set(all.map(\.id)).isSubset(of: expected), "search returned a deleted vector")
        }
        try await database.close()
        let reopened = try Database.open(at: "/db", fileSystem: fileSystem, options: options)
        #expect(reopened.stats().vectors > 0)
        try await reopened.close()
    }
}

import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicIO
import VectorLogicJSON
import VectorLogicFilter
import VectorLogicTestSupport

/// Scroll pages over ids written in random order, spread over a segment and a memtable, with deletes and a filter:
/// every page size walks every matching live id exactly once, in id order (the memtable's page is a bounded selection,
/// `MemtablePage`, not a sort of every row).
@Suite struct ScrollOrderTests {
    @Test(arguments: [1, 2, 7, 100, 1_000])
    func pagesWalkEveryMatchingIdOnceInOrder(limit: Int) async throws {
        var options = DatabaseOptions(durability: .none)
        options.backgroundWork = false
        let database = try Database.open(at: "/db", fileSystem: SimulatedFileSystem(), options: options)
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 2, metric: .euclidean))
        var random = EngineRandom(seed: 7)
        var ids = (0..<600).map { "k\(($0 * 7_919) % 1_000)-\($0 % 13)" }
        ids.shuffle(using: &random)
        for (index, id) in ids.enumerated() {
            let even = CompactJSON(.object(JSONObject([("even", .bool(index % 2 == 0))])))
            _ = try await database.upsert("c", [VectorRecord(id: id, values: [Float(index), 1], metadata: even)])
            if index == 250 { try await database.checkpointNow() }  // the first 251 rows in a segment, the rest in memory
        }
        let deleted = Set(ids.prefix(40))
        _ = try await database.delete("c", ids: Array(deleted))
        let evenIDs = Set(ids.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        for filter in [nil, Filter.field(path: "even", .eq(.bool(true)))] {
            let expected = ids.filter { !deleted.contains($0) && (filter == nil || evenIDs.contains($0)) }
                .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try database.scroll("c", ScrollRequest(filter: filter, limit: limit, cursor: cursor))
                #expect(page.vectors.count <= limit)
                seen += page.vectors.map(\.id)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages <= 1_000
            #expect(seen == expected, "limit \(limit), filter \(filter == nil ? "none" : "even")")
        }
        try await database.close()
    }
}

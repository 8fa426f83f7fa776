import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicIO
import VectorLogicJSON
import VectorLogicFilter
import VectorLogicDistance
import VectorLogicTestSupport

@Suite("Database basics")
struct DatabaseBasicsTests {
    func options() -> DatabaseOptions {
        var options = DatabaseOptions(durability: .none)
        options.backgroundWork = false
        return options
    }

    /// Upserted vectors are readable, searchable and countable at once, and deletes hide them.
    @Test func writesAreVisibleAtOnceAndDeletesHideThem() async throws {
        // Simulated files: a POSIX flock can outlive close() while another test forks a child (fd shared until exec).
        let directory = (path: "/db", ())
        let fileSystem = SimulatedFileSystem()
        let database = try Database.open(at: directory.path, fileSystem: fileSystem, options: options())
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 3, metric: .euclidean))
        let records = (0..<50).map { index in
            VectorRecord(id: "v\(index)", values: [Float(index), 0, 0], metadata: .object(JSONObject([("n", .number(Double(index)))])))
        }
        #expect(try await database.upsert("c", records) == 50)
        let hit = try database.get("c", id: "v7", includeValues: true)
        #expect(hit?.values == [7, 0, 0])
        let matches = try database.search("c", SearchRequest(vector: [10.2, 0, 0], k: 3))
        #expect(matches.map(\.id) == ["v10", "v11", "v9"])
        #expect(try await database.delete("c", ids: ["v10", "nope"]) == 1)
        let after = try database.search("c", SearchRequest(vector: [10.2, 0, 0], k: 2))
        #expect(after.map(\.id) == ["v11", "v9"])
        let filter = try Filter(json: .object(JSONObject([("n", .object(JSONObject([("$lt", .number(5))])))])))
        #expect(try database.count("c", filter: filter) == 5)
        #expect(try database.count("c", filter: nil) == 49)
        try await database.close()
    }

    /// Data survives close and reopen, through a flush to segments, and scroll pages cover every id once in order.
    @Test func dataSurvivesReopenAndScrollIsOrdered() async throws {
        // Simulated files: a POSIX flock can outlive close() while another test forks a child (fd shared until exec).
        let directory = (path: "/db", ())
        let fileSystem = SimulatedFileSystem()
        var random = EngineRandom(seed: 42)
        var expected: [String: [Float]] = [:]
        do {
            let database = try Database.open(at: directory.path, fileSystem: fileSystem, options: options())
            _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 8, metric: .cosine))
            for batch in 0..<4 {
                let records = (0..<100).map { index in VectorRecord(id: "id-\(batch)-\(index)", values: random.vector(8)) }
                for record in records { expected[record.id] = record.values }
                _ = try await database.upsert("c", records)
                if batch == 1 { try await database.checkpointNow() }
            }
            _ = try await database.delete("c", ids: ["id-0-0", "id-3-99"])
            expected["id-0-0"] = nil
            expected["id-3-99"] = nil
            try await database.close()
        }
        let database = try Database.open(at: directory.path, fileSystem: fileSystem, options: options())
        #expect(try database.count("c", filter: nil) == expected.count)
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try database.scroll("c", ScrollRequest(limit: 37, cursor: cursor, includeValues: true))
            for vector in page.vectors { #expect(vector.values == expected[vector.id]) }
            seen += page.vectors.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == expected.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        let probe = try #require(expected["id-2-5"])
        let top = try database.search("c", SearchRequest(vector: probe, k: 1))
        #expect(top.first?.id == "id-2-5")
        try await database.close()
    }
}

import Testing
@_spi(Testing) @testable import VectorLogicEngine
import VectorLogicFilter
import VectorLogicIO
import VectorLogicJSON
import VectorLogicTestSupport

/// A selective filter over segments is answered by an exact search of the filter's live match set (the rows listed
/// from its bitset less the tombstones, `Bitset.rows(excluding:)`): the answers are the brute-force ones.
@Suite struct FilteredExactTests {
    @Test func aSelectiveFilterGivesTheBruteForceAnswer() async throws {
        let database = try await SharedSegmentsTests.smallCollection()
        var random = EngineRandom(seed: 21)
        var values: [String: [Float]] = [:]
        var bucket: [String: Int] = [:]
        for segment in 0..<3 {
            var batch: [VectorRecord] = []
            for row in 0..<2_000 {
                let id = "s\(segment)-\(row)"
                let vector = (0..<8).map { _ in Float.random(in: -1...1, using: &random) }
                values[id] = vector
                bucket[id] = row % 100
                batch.append(VectorRecord(id: id, values: vector,
                                          metadata: CompactJSON(.object(JSONObject([("b", .number(Double(row % 100)))])))))
            }
            _ = try await database.upsert("c", batch)
            try await database.checkpointNow(compact: false)
        }
        // Tombstones inside the match set (every third row of bucket 7 in segment 1).
        let deleted = (0..<2_000).filter { $0 % 100 == 7 && $0 % 3 == 0 }.map { "s1-\($0)" }
        _ = try await database.delete("c", ids: deleted)
        for id in deleted { values[id] = nil }
        #expect(try database.view("c").segments.count == 3)

        let filter = try Filter(json: .object(JSONObject([("b", .number(7))])))  // 1% of the rows
        func cosine(_ a: [Float], _ b: [Float]) -> Float {
            let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return dot / (na * nb)
        }
        for _ in 0..<20 {
            let query = (0..<8).map { _ in Float.random(in: -1...1, using: &random) }
            let matches = try database.search("c", SearchRequest(vector: query, k: 10, filter: filter))
            let expected = values.filter { bucket[$0.key] == 7 }
                .map { (id: $0.key, score: cosine(query, $0.value)) }
                .sorted { $0.score > $1.score }.prefix(10)
            #expect(matches.map(\.id) == expected.map(\.id))
            for (got, want) in zip(matches, expected) { #expect(abs(got.score - want.score) < 1e-4) }
        }
        try await database.close()
    }
}

import Testing
@_spi(Testing) @testable import VectorLogicEngine
import VectorLogicFilter
import VectorLogicIO
import VectorLogicIndex
import VectorLogicJSON
import VectorLogicTestSupport

/// A query alone on the machine walks its segments on several threads (`SearchExecutor.run(helpers:)`): the answers
/// are exactly those of one thread, with filters and deletes, and a spent budget still stops it.
@Suite struct SharedSegmentsTests {
    /// An in-memory database without background work (segments come from `checkpointNow`) holding collection "c":
    /// 8 dimensions, cosine, a small build (m 8, ef_construction 32: the tests need segments, not good graphs).
    static func smallCollection() async throws -> Database {
        var options = DatabaseOptions(durability: .none)
        options.backgroundWork = false
        let database = try Database.open(at: "/db", fileSystem: SimulatedFileSystem(), options: options)
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 8, metric: .cosine,
                                                                 index: IndexConfig(m: 8, efConstruction: 32)))
        return database
    }

    /// Five segments of 300 rows (graphs), some rows deleted, and a memtable: the database a query shares.
    static func fiveSegments() async throws -> Database {
        let database = try await smallCollection()
        var random = EngineRandom(seed: 5)
        for segment in 0..<6 {
            _ = try await database.upsert("c", (0..<300).map { row in
                VectorRecord(id: "s\(segment)-\(row)", values: (0..<8).map { _ in Float.random(in: -1...1, using: &random) },
                             metadata: CompactJSON(.object(JSONObject([("n", .number(Double(row % 10)))]))))
            })
            if segment < 5 { try await database.checkpointNow(compact: false) }  // the sixth stays in the memtable
        }
        _ = try await database.delete("c", ids: (0..<300).filter { $0 % 7 == 0 }.map { "s2-\($0)" })
        return database
    }

    @Test func sharedSegmentsAnswerExactlyAsOneThread() async throws {
        let database = try await Self.fiveSegments()
        let view = try database.view("c")
        #expect(view.segments.count == 5)
        let filter = try Filter(json: .object(JSONObject([("n", .object(JSONObject([("$lt", .number(3))])))])))
        var random = EngineRandom(seed: 9)
        for query in 0..<40 {
            let vector = (0..<8).map { _ in Float.random(in: -1...1, using: &random) }
            let request = SearchRequest(vector: vector, k: 10, ef: 40, filter: query % 2 == 0 ? nil : filter)
            let alone = try SearchExecutor(view: view, request: request, budget: .unlimited).run()
            for helpers in [1, 3] {
                let shared = try SearchExecutor(view: view, request: request, budget: .unlimited)
                    .run(helpers: helpers, sharedRows: 0)
                #expect(shared.map(\.id) == alone.map(\.id), "query \(query), \(helpers) helpers")
                #expect(shared.map(\.score) == alone.map(\.score))
            }
            #expect(alone.count == 10)
            #expect(!alone.contains { $0.id.hasPrefix("s2-") && (Int($0.id.dropFirst(3)) ?? 1) % 7 == 0 }, "deleted rows never come back")
        }
        try await database.close()
    }

    /// One re-rank for all segments (`SegmentPass`, the k-th smallest upper bound over every walk): with SQ8 codes and
    /// an ef past every segment's rows (so each walk keeps every row it may need), the answers are exactly those of
    /// float32 walks of the same segments — ids and scores, with and without a filter, on one thread and shared.
    @Test func oneRerankForAllSegmentsAnswersAsFloatWalks() async throws {
        let database = try await Self.smallCollection()
        let rows = FrozenHNSW.quantizedTraversalMinimumRows + 404
        var random = EngineRandom(seed: 21)
        for segment in 0..<3 {
            _ = try await database.upsert("c", (0..<rows).map { row in
                VectorRecord(id: "s\(segment)-\(row)", values: (0..<8).map { _ in Float.random(in: -1...1, using: &random) },
                             metadata: CompactJSON(.object(JSONObject([("n", .number(Double(row % 10)))]))))
            })
            try await database.checkpointNow(compact: false)
        }
        _ = try await database.delete("c", ids: (0..<rows).filter { $0 % 5 == 0 }.map { "s1-\($0)" })
        let view = try database.view("c")
        try #require(view.segments.count == 3)
        let filter = try Filter(json: .object(JSONObject([("n", .object(JSONObject([("$lt", .number(5))])))])))
        let requests = (0..<20).map { query in
            SearchRequest(vector: (0..<8).map { _ in Float.random(in: -1...1, using: &random) }, k: 10, ef: 3 * rows,
                          filter: query % 2 == 0 ? nil : filter)
        }
        let float = try requests.map { try SearchExecutor(view: view, request: $0, budget: .unlimited).run() }
        for state in view.segments { state.segment.graph?.prepareQuantizedTraversal() }
        #expect(view.segments.allSatisfy { $0.segment.graph?.usesQuantizedTraversal == true })
        for (query, request) in requests.enumerated() {
            for helpers in [0, 1] {
                let quantized = try SearchExecutor(view: view, request: request, budget: .unlimited)
                    .run(helpers: helpers, sharedRows: 0)
                #expect(quantized.map(\.id) == float[query].map(\.id), "query \(query), \(helpers) helpers")
                #expect(quantized.map(\.score) == float[query].map(\.score), "query \(query), \(helpers) helpers")
                #expect(quantized.count == 10)
            }
        }
        try await database.close()
    }

    @Test func aSpentBudgetStopsASharedSearch() async throws {
        let database = try await Self.fiveSegments()
        let view = try database.view("c")
        let budget = RequestBudget.unlimited
        budget.cancel()
        let request = SearchRequest(vector: [Float](repeating: 0.5, count: 8), k: 10)
        #expect(throws: EngineError.self) {
            try SearchExecutor(view: view, request: request, budget: budget).run(helpers: 1, sharedRows: 0)
        }
        try await database.close()
    }

    /// A search shares only when it runs alone and none overlapped in the last 100 ms (`SearchConcurrency`).
    @Test func onlyALoneSearchOnAQuietMachineGetsHelpers() {
        let searches = SearchConcurrency(helpers: 1)
        let ms: UInt64 = 1_000_000
        #expect(searches.enter(now: 1_000 * ms) == 1, "alone on a quiet machine")
        #expect(searches.enter(now: 1_001 * ms) == 0, "a second one running at once")
        searches.leave()
        searches.leave()
        #expect(searches.enter(now: 1_050 * ms) == 0, "alone, but 49 ms after an overlap")
        searches.leave()
        #expect(searches.enter(now: 1_102 * ms) == 1, "alone, 101 ms after the overlap")
        searches.leave()
    }
}

import Testing
@_spi(Testing) @testable import VectorLogicEngine
import VectorLogicFormat
import VectorLogicTestSupport
import VectorLogicIO
import VectorLogicDistance

/// Issue 8, defects 4 and 5: scores never overflow to null or outrank a finite score, and a batch names each id once.
///
/// The rule: the engine refuses any stored or query vector whose squared L2 norm (computed in Double) exceeds 1e37, so
/// every dot product, cosine and squared Euclidean distance between accepted vectors is finite in Float32. Rows already
/// stored by older versions are never returned with a non-finite score (the index maps them to +inf; TopK drops them).
@Suite("Score bounds and duplicate ids")
struct ScoreBoundsTests {
    static let huge: [Float] = [3e38, 3e38, 3e38]

    static func open() throws -> Database {
        var options = DatabaseOptions(durability: .none)
        options.backgroundWork = false
        return try Database.open(at: "/db", fileSystem: SimulatedFileSystem(), options: options)
    }

    /// A collection of three rows where `near` is the best match of the query [1, 2, 3] for every metric.
    static func seeded(_ database: Database, metric: DistanceMetric) async throws {
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 3, metric: metric))
        _ = try await database.upsert("c", [
            VectorRecord(id: "near", values: [1, 2, 3]),
            VectorRecord(id: "mid", values: [1, 0, 0]),
            VectorRecord(id: "far", values: [-1, -2, -3]),
        ])
    }

    /// Writes a row the way an older version could have (logged and applied with no validation).
    static func legacyUpsert(_ database: Database, id: String, values: [Float]) throws {
        let collectionID = database.core.withLock { state in state.collections["c"]!.id }
        let row = PreparedRow(id: id, values: values, metadata: [])
        let payload = EngineLogPayload.encode(.upsert(collection: collectionID, rows: [EngineUpsertRow(id: id, metadata: [], values: values)]))
        _ = try database.appendAndApply(collection: "c", collectionID: collectionID, payload: payload) { $0.upsert([row]) }
    }

    /// Upserting [3e38, 3e38, 3e38] is refused (it used to be stored and answer a null score ranked first), alone or in a
    /// batch, naming the item, the id and the bound; nothing changes. A vector just inside the bound is accepted and
    /// scores against it stay finite.
    @Test(arguments: DistanceMetric.allCases)
    func upsertWithOverflowingNormIsRefused(_ metric: DistanceMetric) async throws {
        let database = try Self.open()
        try await Self.seeded(database, metric: metric)
        for (batch, item) in [([VectorRecord(id: "huge", values: Self.huge)], 0),
                              ([VectorRecord(id: "ok", values: [1, 1, 1]), VectorRecord(id: "huge", values: [0, -4e18, 0])], 1)] {
            do {
                _ = try await database.upsert("c", batch)
                Issue.record("\(metric): a vector with an overflowing norm was accepted")
            } catch EngineError.invalidVector(let reason, let at) {
                #expect(at == item)
                #expect(reason.contains("id \"huge\"") && reason.contains("1e37"), "\(reason)")
            }
        }
        #expect(try database.count("c", filter: nil) == 3)
        #expect(try database.get("c", id: "huge", includeValues: false) == nil)
        #expect(try database.get("c", id: "ok", includeValues: false) == nil)

        // Squared norm 3e36 ≤ 1e37: accepted, and every score between such vectors (including opposite ones) is finite.
        _ = try await database.upsert("c", [VectorRecord(id: "big", values: [1e18, 1e18, 1e18]),
                                            VectorRecord(id: "anti", values: [-1e18, -1e18, -1e18])])
        for query: [Float] in [[1, 2, 3], [1e18, 1e18, 1e18], [-1e18, 1e18, -1e18]] {
            let matches = try database.search("c", SearchRequest(vector: query, k: 10))
            #expect(matches.count == 5)
            #expect(matches.allSatisfy { $0.score.isFinite }, "\(metric) \(query): \(matches.map(\.score))")
        }
    }

    /// A query whose norm would overflow a score is refused for every metric (it used to answer null scores).
    @Test(arguments: DistanceMetric.allCases)
    func queryWithOverflowingNormIsRefused(_ metric: DistanceMetric) async throws {
        let database = try Self.open()
        try await Self.seeded(database, metric: metric)
        for query: [Float] in [Self.huge, [4e18, 0, 0], [-3e18, 3e18, 0]] {
            do {
                let matches = try database.search("c", SearchRequest(vector: query, k: 10))
                Issue.record("\(metric) \(query): refused nothing, answered \(matches.map(\.score))")
            } catch EngineError.invalidVector(let reason, let item) {
                #expect(item == nil)
                #expect(reason.contains("the query") && reason.contains("1e37"), "\(reason)")
            }
        }
    }

    /// Rows stored before the bound (here: logged and applied without validation) never come back with a non-finite
    /// score (those hits are dropped), never take the place of a finite match, with k above the row count or not, from the memtable and from a
    /// segment after a checkpoint.
    @Test(arguments: DistanceMetric.allCases)
    func legacyOverflowingRowsNeverRankAboveFiniteOnes(_ metric: DistanceMetric) async throws {
        let database = try Self.open()
        try await Self.seeded(database, metric: metric)
        try Self.legacyUpsert(database, id: "huge", values: Self.huge)
        try Self.legacyUpsert(database, id: "huge2", values: [-3e38, 3e38, -3e38])
        for round in 0..<2 {
            for k in [1, 3, 10] {
                let matches = try database.search("c", SearchRequest(vector: [1, 2, 3], k: k))
                #expect(matches.allSatisfy { $0.score.isFinite }, "\(metric) k \(k): \(matches.map { ($0.id, $0.score) })")
                #expect(matches.first?.id == "near", "\(metric) k \(k) round \(round): \(matches.map(\.id))")
                if metric == .cosine {
                    // Cosine treats a row whose norm overflows as a zero vector (`Distance.inverseNorm` is 0): score 0,
                    // unless the product itself overflows (then it is dropped). [3e38, 3e38, 3e38] · q̂ overflows;
                    // [-3e38, 3e38, -3e38] · q̂ does not.
                    #expect(matches.filter { $0.id.hasPrefix("huge") }.map(\.id).allSatisfy { $0 == "huge2" })
                    #expect(matches.filter { $0.id.hasPrefix("huge") }.allSatisfy { $0.score == 0 })
                    #expect(matches.count == min(k, 4))
                } else {
                    #expect(!matches.contains { $0.id.hasPrefix("huge") }, "\(metric) k \(k): \(matches.map(\.id))")
                    #expect(matches.count == min(k, 3))
                }
            }
            try await database.checkpointNow()
        }
    }

    /// Cosine with a zero vector (stored or queried) scores 0, a finite number.
    @Test func cosineWithZeroVectorsIsFinite() async throws {
        let database = try Self.open()
        try await Self.seeded(database, metric: .cosine)
        _ = try await database.upsert("c", [VectorRecord(id: "zero", values: [0, 0, 0])])
        let matches = try database.search("c", SearchRequest(vector: [1, 2, 3], k: 10))
        #expect(matches.map(\.id).first == "near")
        #expect(matches.first { $0.id == "zero" }?.score == 0)
        let fromZero = try database.search("c", SearchRequest(vector: [0, 0, 0], k: 10))
        #expect(fromZero.count == 4 && fromZero.allSatisfy { $0.score == 0 }, "\(fromZero.map(\.score))")
    }

    /// A batch naming one id twice is refused, naming the id and both items (it used to answer 3 while storing 2 rows).
    @Test func duplicateIDsInOneBatchAreRefused() async throws {
        let database = try Self.open()
        try await Self.seeded(database, metric: .dot)
        do {
            _ = try await database.upsert("c", [VectorRecord(id: "a", values: [1, 1, 1]), VectorRecord(id: "b", values: [2, 2, 2]),
                                                VectorRecord(id: "a", values: [3, 3, 3])])
            Issue.record("a batch naming \"a\" twice was accepted")
        } catch EngineError.invalidID(let reason, let item) {
            #expect(item == 2)
            #expect(reason.contains("\"a\"") && reason.contains("items 0 and 2"), "\(reason)")
        }
        #expect(try database.count("c", filter: nil) == 3)
        #expect(try database.get("c", id: "b", includeValues: false) == nil)
        // The same id in two batches is still an ordinary replace.
        #expect(try await database.upsert("c", [VectorRecord(id: "a", values: [1, 1, 1])]) == 1)
        #expect(try await database.upsert("c", [VectorRecord(id: "a", values: [2, 2, 2])]) == 1)
        #expect(try database.get("c", id: "a", includeValues: true)?.values == [2, 2, 2])
    }
}

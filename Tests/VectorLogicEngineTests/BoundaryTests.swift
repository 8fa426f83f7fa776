import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicTestSupport
import VectorLogicJSON
import VectorLogicIO

/// Bad input at the library boundary: a typed error naming the item, and nothing changes.
@Suite("Boundary validation")
struct BoundaryTests {
    static func open() throws -> (Database, SimulatedFileSystem) {
        var options = DatabaseOptions(durability: .none)
        options.backgroundWork = false
        let fileSystem = SimulatedFileSystem()
        return (try Database.open(at: "/db", fileSystem: fileSystem, options: options), fileSystem)
    }

    static func expectError(_ expected: EngineError, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(expected), nothing was thrown")
        } catch let error as EngineError {
            #expect(error == expected)
        } catch {
            Issue.record("expected \(expected), got \(error)")
        }
    }

    /// Each invalid upsert batch is rejected whole with the typed error of its first bad item; the collection is unchanged.
    @Test func invalidUpsertsAreRejectedWholeAndChangeNothing() async throws {
        let (database, _) = try Self.open()
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 3, metric: .cosine))
        _ = try await database.upsert("c", [VectorRecord(id: "keep", values: [1, 2, 3])])
        let good = VectorRecord(id: "good", values: [1, 1, 1])
        await Self.expectError(.dimensionMismatch(expected: 3, actual: 2, item: 1)) {
            _ = try await database.upsert("c", [good, VectorRecord(id: "x", values: [1, 2])])
        }
        await Self.expectError(.invalidVector("value 1 is not a finite number", item: 1)) {
            _ = try await database.upsert("c", [good, VectorRecord(id: "x", values: [1, .nan, 3])])
        }
        await Self.expectError(.invalidVector("value 2 is not a finite number", item: 0)) {
            _ = try await database.upsert("c", [VectorRecord(id: "x", values: [1, 2, .infinity]), good])
        }
        let bad = try #require(String?("bad id!"))
        do {
            _ = try await database.upsert("c", [good, VectorRecord(id: bad, values: [1, 2, 3])])
            Issue.record("bad id accepted")
        } catch EngineError.invalidID(_, let item) { #expect(item == 1) }
        do {
            _ = try await database.upsert("c", [VectorRecord(id: String(repeating: "a", count: 129), values: [1, 2, 3])])
            Issue.record("long id accepted")
        } catch EngineError.invalidID(_, let item) { #expect(item == 0) }
        let huge = JSONValue.object(JSONObject([("blob", .string(String(repeating: "x", count: 70_000)))]))
        do {
            _ = try await database.upsert("c", [good, VectorRecord(id: "m", values: [1, 2, 3], metadata: CompactJSON(huge))])
            Issue.record("oversized metadata accepted")
        } catch EngineError.invalidMetadata(_, let item) { #expect(item == 1) }
        let manyKeys = JSONValue.object(JSONObject((0..<101).map { ("k\($0)", JSONValue.number(1)) }))
        do {
            _ = try await database.upsert("c", [VectorRecord(id: "m", values: [1, 2, 3], metadata: CompactJSON(manyKeys))])
            Issue.record("101 keys accepted")
        } catch EngineError.invalidMetadata(_, let item) { #expect(item == 0) }
        do {
            _ = try await database.upsert("c", [VectorRecord(id: "m", values: [1, 2, 3], metadata: CompactJSON(.array([])))])
            Issue.record("array metadata accepted")
        } catch EngineError.invalidMetadata {}
        do {
            _ = try await database.upsert("c", (0..<10_001).map { VectorRecord(id: "b\($0)", values: [1, 2, 3]) })
            Issue.record("oversized batch accepted")
        } catch EngineError.invalidArgument {}
        await Self.expectError(.collectionNotFound("nope")) { _ = try await database.upsert("nope", [good]) }
        #expect(try database.count("c", filter: nil) == 1)
        #expect(try database.get("c", id: "good", includeValues: false) == nil)
    }

    /// Collection and query arguments out of range are typed errors.
    @Test func invalidCollectionsAndQueriesAreTypedErrors() async throws {
        let (database, _) = try Self.open()
        await Self.expectError(.invalidDimension(0)) { _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 0, metric: .dot)) }
        await Self.expectError(.invalidDimension(20_001)) { _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 20_001, metric: .dot)) }
        await Self.expectError(.invalidCollectionName("a b")) { _ = try await database.createCollection(CollectionConfig(name: "a b", dimension: 2, metric: .dot)) }
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 2, metric: .dot))
        await Self.expectError(.collectionExists("c")) { _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 2, metric: .dot)) }
        #expect(throws: EngineError.invalidArgument("k must be 1...1000, got 0")) { _ = try database.search("c", SearchRequest(vector: [1, 2], k: 0)) }
        #expect(throws: EngineError.invalidArgument("k must be 1...1000, got 1001")) { _ = try database.search("c", SearchRequest(vector: [1, 2], k: 1001)) }
        #expect(throws: EngineError.dimensionMismatch(expected: 2, actual: 3, item: nil)) { _ = try database.search("c", SearchRequest(vector: [1, 2, 3], k: 1)) }
        #expect(throws: EngineError.invalidArgument("invalid cursor")) { _ = try database.scroll("c", ScrollRequest(cursor: "zz")) }
        #expect(throws: EngineError.collectionNotFound("x")) { _ = try database.collectionInfo("x") }
        #expect(database.listCollections().map(\.config.name) == ["c"])
    }
}

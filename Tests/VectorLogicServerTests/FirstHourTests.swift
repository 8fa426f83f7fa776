import Foundation
import Testing
import VectorLogicEngine
import VectorLogicJSON
import VectorLogicServer

/// Rough edges a new user hit while following the README.
@Suite struct FirstHourTests {
    /// A 10,000-item `/v1` upsert answers `{"upserted":N}` (docs/api.md), not 90 KB of ids; `?return_ids=true` lists them,
    /// and the short routes and PUT keep them (their clients read them).
    @Test func v1UpsertAnswersTheCount() async throws {
        try await withServer(configure: { $0.defaultDimension = 2 }) { server in
            let items = (0..<10_000).map { #"{"id":"v\#($0)","values":[1,\#($0 % 7)]}"# }.joined(separator: ",")
            let plain = try await server.call("POST", "/v1/collections/default/vectors", #"{"vectors":[\#(items)]}"#)
            #expect(plain.status == 200)
            #expect(plain.data == .object(JSONObject([("upserted", .number(10_000))])), "\(plain.text.prefix(200))")
            #expect(plain.body.count < 200)
            let listed = try await server.call("POST", "/v1/collections/default/vectors?return_ids=true", #"{"vectors":[{"id":"x","values":[1,0]},{"values":[0,1]}]}"#)
            #expect(listed.data?["ids"]?.array?.count == 2 && listed.data?["ids"]?[0]?.string == "x")
            let bad = try await server.call("POST", "/v1/collections/default/vectors?return_ids=maybe", #"{"vectors":[{"id":"y","values":[1,0]}]}"#)
            #expect(bad.status == 400)
            let short = try await server.call("POST", "/vectors/batch", #"{"vectors":[{"id":"s","vector":[1,0]}]}"#)
            #expect(short.data?["ids"]?[0]?.string == "s")
            let put = try await server.call("PUT", "/v1/collections/default/vectors/p", #"{"values":[1,0]}"#)
            #expect(put.data?["ids"]?[0]?.string == "p")
        }
    }

    /// The default collection's dimension and metric are fixed when it is first made: a restart with others says so,
    /// naming both, and leaves the collection as it is.
    @Test func defaultCollectionMismatchIsNamedAtStart() async throws {
        let directory = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Database.open(at: directory)
        var configuration = ServerConfiguration()
        configuration.defaultDimension = 4
        #expect(try await VectorLogicServer.ensureDefaultCollection(database, configuration: configuration) == nil)
        #expect(try await VectorLogicServer.ensureDefaultCollection(database, configuration: configuration) == nil, "same settings: no warning")
        configuration.defaultDimension = 768
        configuration.defaultMetric = .dot
        let warning = try #require(try await VectorLogicServer.ensureDefaultCollection(database, configuration: configuration))
        #expect(warning.contains("dimension 4") && warning.contains("--default-dimension 768"), "\(warning)")
        #expect(warning.contains("metric cosine") && warning.contains("--default-metric dot"), "\(warning)")
        #expect(try database.collectionInfo("default").config.dimension == 4)
        try await database.close()
    }
}

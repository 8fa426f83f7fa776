import Testing
import VectorLogicJSON

/// Issue 8 over HTTP: vectors whose norm would overflow a score and values that underflow Float32 are a 400 that changes
/// nothing, scores are never null, and a batch naming an id twice is a 400.
@Suite struct ServerScoreTests {
    static let metrics = ["cosine", "dot", "euclidean"]

    /// Collection `m` (dimension 3) with `near` = [1,2,3], the best match of the query [1,2,3] for every metric.
    static func prepare(_ server: TestServer, metric: String) async throws {
        let created = try await server.call("POST", "/v1/collections", #"{"name":"m","dimension":3,"metric":"\#(metric)"}"#)
        #expect(created.status < 300, "\(created.text)")
        let seeded = try await server.call("POST", "/v1/collections/m/vectors", #"""
            {"vectors":[{"id":"near","values":[1,2,3]},{"id":"mid","values":[1,0,0]},{"id":"far","values":[-1,-2,-3]}]}
            """#)
        #expect(seeded.status == 200, "\(seeded.text)")
    }

    static func expectThreeRows(_ server: TestServer, _ note: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let count = try await server.call("POST", "/v1/collections/m/count", "{}")
        #expect(count.data?["count"]?.number == 3, "\(note): \(count.text)", sourceLocation: sourceLocation)
    }

    /// Every score of a search is a JSON number (never null), and `near` is first.
    static func expectFiniteRanking(_ server: TestServer, _ note: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let answer = try await server.call("POST", "/v1/collections/m/search", #"{"vector":[1,2,3],"k":10}"#)
        #expect(answer.status == 200 && !answer.text.contains(#""score":null"#), "\(note): \(answer.text)", sourceLocation: sourceLocation)
        let matches = answer.data?["matches"]?.array ?? []
        #expect(matches.count == 3 && matches.allSatisfy { $0["score"]?.number?.isFinite == true },
                "\(note): \(answer.text)", sourceLocation: sourceLocation)
        #expect(matches.first?["id"]?.string == "near", "\(note): \(answer.text)", sourceLocation: sourceLocation)
    }

    /// `values: [3e38, 3e38, 3e38]` is a 400 naming the item, the id and the bound (it used to be stored and answer
    /// `"score":null` ranked first), by batch, by PUT and in a batch after a good item; nothing changes.
    @Test(arguments: metrics)
    func overflowingUpsertIsRefused(_ metric: String) async throws {
        try await withServer { server in
            try await Self.prepare(server, metric: metric)
            let huge = #"{"id":"huge","values":[3e38,3e38,3e38]}"#
            let alone = try await server.call("POST", "/v1/collections/m/vectors", #"{"vectors":[\#(huge)]}"#)
            let second = try await server.call("POST", "/v1/collections/m/vectors", #"{"vectors":[{"id":"ok","values":[1,1,1]},\#(huge)]}"#)
            let put = try await server.call("PUT", "/v1/collections/m/vectors/huge", #"{"values":[0,-4e18,0]}"#)
            let answers = [(alone, 0), (second, 1), (put, 0)]  // PUT is a batch of one
            for (answer, item) in answers {
                #expect(answer.status == 400 && answer.errorCode == "invalid_request" && answer.isCleanErrorEnvelope, "\(answer.text)")
                let message = answer["message"]?.string ?? ""
                #expect(message.contains("\"huge\"") && message.contains("1e37"), "\(message)")
                #expect(answer["details"]?["field"]?.string == "values", "\(answer.text)")
                #expect(answer["details"]?["item"]?.number == Double(item), "\(answer.text)")
            }
            try await Self.expectThreeRows(server, metric)
            #expect(try await server.call("GET", "/v1/collections/m/vectors/huge").status == 404)
            try await Self.expectFiniteRanking(server, metric)
        }
    }

    /// A query vector whose norm would overflow a score is a 400 (it used to answer null scores).
    @Test(arguments: metrics)
    func overflowingQueryIsRefused(_ metric: String) async throws {
        try await withServer { server in
            try await Self.prepare(server, metric: metric)
            for vector in ["[3e38,3e38,3e38]", "[4e18,0,0]", "[-3e18,3e18,0]"] {
                let answer = try await server.call("POST", "/v1/collections/m/search", #"{"vector":\#(vector),"k":10}"#)
                #expect(answer.status == 400 && answer.errorCode == "invalid_request" && answer.isCleanErrorEnvelope,
                        "\(metric) \(vector): \(answer.text)")
                #expect(answer["message"]?.string?.contains("1e37") == true, "\(answer.text)")
            }
            try await Self.expectFiniteRanking(server, metric)
        }
    }

    /// A nonzero value that rounds to 0 in Float32 (`1e-50`) is a 400 naming the value, in an upsert and in a query;
    /// it used to be stored as 0 without a word. Zero written as `0e-50` is still zero.
    @Test(arguments: metrics)
    func underflowingValuesAreRefused(_ metric: String) async throws {
        try await withServer { server in
            try await Self.prepare(server, metric: metric)
            let upsert = try await server.call("POST", "/v1/collections/m/vectors", #"{"vectors":[{"id":"tiny","values":[1,1e-50,1]}]}"#)
            #expect(upsert.status == 400 && upsert.errorCode == "invalid_request" && upsert.isCleanErrorEnvelope, "\(upsert.text)")
            #expect(upsert["message"]?.string?.contains("1e-50 underflows float32") == true, "\(upsert.text)")
            let query = try await server.call("POST", "/v1/collections/m/search", #"{"vector":[1,2,-1e-50],"k":3}"#)
            #expect(query.status == 400 && query.errorCode == "invalid_request", "\(query.text)")
            #expect(query["message"]?.string?.contains("-1e-50 underflows float32") == true, "\(query.text)")
            try await Self.expectThreeRows(server, metric)
            let zero = try await server.call("POST", "/v1/collections/m/vectors", #"{"vectors":[{"id":"z","values":[1,0e-50,1]}]}"#)
            #expect(zero.status == 200, "\(zero.text)")
        }
    }

    /// A batch naming an id twice is a 400 naming the id and both items (it used to answer `"upserted": 2` while one
    /// row was stored), on the collection route and the seed's batch route; nothing changes.
    @Test func duplicateIDsInOneBatchAreRefused() async throws {
        try await withServer { server in
            try await Self.prepare(server, metric: "dot")
            let answer = try await server.call("POST", "/v1/collections/m/vectors", #"""
                {"vectors":[{"id":"dup","values":[1,1,1]},{"id":"other","values":[2,2,2]},{"id":"dup","values":[3,3,3]}]}
                """#)
            #expect(answer.status == 400 && answer.errorCode == "invalid_request" && answer.isCleanErrorEnvelope, "\(answer.text)")
            #expect(answer["message"]?.string?.contains(#""dup" appears twice in the batch, at items 0 and 2"#) == true, "\(answer.text)")
            #expect(answer["details"]?["item"]?.number == 2 && answer["details"]?["field"]?.string == "id", "\(answer.text)")
            try await Self.expectThreeRows(server, "collection route")
            #expect(try await server.call("GET", "/v1/collections/m/vectors/other").status == 404)

            #expect(try await server.call("POST", "/vectors", #"{"id":"s0","vector":[1,0,0,0]}"#).status == 200)
            let short = try await server.call("POST", "/vectors/batch",
                                              #"{"vectors":[{"id":"s1","vector":[0,1,0,0]},{"id":"s1","vector":[0,0,1,0]}]}"#)
            #expect(short.status == 400 && short.errorCode == "invalid_request", "\(short.text)")
            #expect(short["message"]?.string?.contains("items 0 and 1") == true, "\(short.text)")
            #expect(try await server.call("GET", "/v1/collections/default/vectors/s1").status == 404)
        }
    }
}

import Testing
import VectorLogicEngine
import VectorLogicJSON

/// Issue 14 "Fewer round trips", over real HTTP: `POST …/search/batch` answers exactly what the single searches answer,
/// in order, refuses a bad item before running anything (naming its index), and keeps its bounds; `POST …/get`
/// answers ids in order and reports the missing ones.
@Suite struct BatchRoutesTests {
    /// Deterministic values in [-1, 1) (a 64-bit LCG), so a failure replays.
    struct Values {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
        }
        mutating func vector(_ dimension: Int) -> [Float] { (0..<dimension).map { _ in next() } }
    }

    static func json(_ vector: [Float]) -> String { "[" + vector.map { "\($0)" }.joined(separator: ",") + "]" }

    /// Collection `b` (dimension 8, `index`) with `rows` vectors `v0…`, metadata `{"n": i, "tag": "a"|"b"}`.
    static func seed(_ server: TestServer, index: String = "flat", rows: Int = 300, seed: UInt64 = 7) async throws -> [[Float]] {
        let created = try await server.call("POST", "/v1/collections", #"{"name":"b","dimension":8,"index":{"type":"\#(index)"}}"#)
        #expect(created.status == 201, "\(created.text)")
        var values = Values(state: seed)
        var vectors: [[Float]] = []
        var start = 0
        while start < rows {
            let end = min(rows, start + 1_000)
            var items: [String] = []
            for row in start..<end {
                let vector = values.vector(8)
                vectors.append(vector)
                items.append(#"{"id":"v\#(row)","values":\#(json(vector)),"metadata":{"n":\#(row),"tag":"\#(row % 3 == 0 ? "a" : "b")"}}"#)
            }
            let upserted = try await server.call("POST", "/v1/collections/b/vectors", #"{"vectors":[\#(items.joined(separator: ","))]}"#)
            #expect(upserted.status == 200, "\(upserted.text)")
            start = end
        }
        return vectors
    }

    /// Each result of a batch equals the single search of the same body (matches: ids, scores, metadata, values), in
    /// the order sent — across k, ef, filter, threshold, include_metadata/include_values and the aliases.
    @Test func batchAnswersEqualSingleSearchesInOrder() async throws {
        try await withServer { server in
            let vectors = try await Self.seed(server)
            let queries = [
                #"{"vector":\#(Self.json(vectors[5])),"k":3}"#,
                #"{"vector":\#(Self.json(vectors[17])),"k":10,"filter":{"tag":"a"}}"#,
                #"{"vector":\#(Self.json(vectors[42])),"limit":7,"threshold":0.2}"#,
                #"{"vector":\#(Self.json(vectors[99])),"top_k":5,"include_values":true,"include_metadata":false}"#,
                #"{"values":\#(Self.json(vectors[150])),"k":1,"ef":64}"#,
                #"{"vector":\#(Self.json(vectors[299])),"k":20,"filter":{"n":{"$gte":100,"$lt":200}}}"#,
                #"{"vector":\#(Self.json(vectors[0])),"k":4,"score_threshold":0.99}"#,
                #"{"vector":\#(Self.json(vectors[5])),"k":2,"with_payload":false}"#,
            ]
            let batch = try await server.call("POST", "/v1/collections/b/search/batch", #"{"queries":[\#(queries.joined(separator: ","))]}"#)
            #expect(batch.status == 200, "\(batch.text)")
            let results = try #require(batch.data?["results"]?.array)
            #expect(results.count == queries.count)
            #expect(batch["meta"]?["count"]?.number == Double(queries.count))
            #expect(batch.data?["query_time_ms"]?.number != nil)
            var total = 0
            for (index, query) in queries.enumerated() {
                let single = try await server.call("POST", "/v1/collections/b/search", query)
                #expect(single.status == 200, "\(single.text)")
                let expected = try #require(single.data?["matches"])
                #expect(results[index]["matches"] == expected, "query \(index): \(results[index]) vs \(expected)")
                #expect(results[index]["query_time_ms"]?.number != nil)
                total += expected.array?.count ?? 0
            }
            #expect(batch["meta"]?["matches"]?.number == Double(total))
            // The order is the query's, not some other: each query's own vector is its first match.
            let firsts = results.compactMap { $0["matches"]?.array?.first?["id"]?.string }
            #expect(firsts.count == queries.count && firsts[0] == "v5" && firsts[2] == "v42" && firsts[3] == "v99" && firsts[4] == "v150"
                    && firsts[6] == "v0" && firsts[7] == "v5", "\(firsts)")
            // include_metadata false drops the key; include_values adds values.
            #expect(results[3]["matches"]?.array?.first?["metadata"] == nil && results[3]["matches"]?.array?.first?["values"]?.array?.count == 8)
            // Qdrant's spelling of the array.
            let qdrant = try await server.call("POST", "/v1/collections/b/search/batch", #"{"searches":[\#(queries[0])]}"#)
            #expect(qdrant.status == 200 && qdrant.data?["results"]?.array?.first?["matches"] == results[0]["matches"], "\(qdrant.text)")
        }
    }

    /// The same over an HNSW collection (the inline-search path of single searches, a worker for the batch): equal too.
    @Test func batchEqualsSingleSearchesOnHNSW() async throws {
        // A minute's budget: the point is equal answers, and a crowded test process once took >10 s for 64 queries.
        try await withServer(configure: { $0.requestTimeoutMilliseconds = 60_000 }) { server in
            let vectors = try await Self.seed(server, index: "hnsw", rows: 2_000, seed: 11)
            // A memtable still being indexed answers differently from one call to the next: wait until it is indexed.
            for _ in 0..<600 {
                if try await server.call("GET", "/v1/stats").data?["unindexed_vectors"]?.number == 0 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await server.call("GET", "/v1/stats").data?["unindexed_vectors"]?.number == 0)
            let queries = (0..<64).map { index in #"{"vector":\#(Self.json(vectors[index * 31])),"k":\#(1 + index % 12)}"# }
            let batch = try await server.call("POST", "/v1/collections/b/search/batch", #"{"queries":[\#(queries.joined(separator: ","))]}"#)
            #expect(batch.status == 200, "\(batch.text)")
            let results = try #require(batch.data?["results"]?.array)
            #expect(results.count == 64)
            for (index, query) in queries.enumerated() {
                let single = try await server.call("POST", "/v1/collections/b/search", query)
                #expect(results[index]["matches"] == single.data?["matches"], "query \(index)")
                #expect(results[index]["matches"]?.array?.count == 1 + index % 12)
            }
        }
    }

    /// A bad item is a 400 whose message starts `queries[i]` and whose details name item i, whatever the fault.
    @Test func badItemIsRefusedNamingItsIndex() async throws {
        try await withServer { server in
            let vectors = try await Self.seed(server, rows: 20)
            let good = #"{"vector":\#(Self.json(vectors[1])),"k":2}"#
            let cases: [(String, String, String)] = [
                (#"{"vector":[1,2,3],"k":2}"#, "dimension_mismatch", "values"),
                (#"{"vector":\#(Self.json(vectors[1])),"zz":1}"#, "invalid_request", "zz"),
                (#"{"vector":\#(Self.json(vectors[1])),"filter":{"n":{"$regex":"a"}}}"#, "invalid_filter", ""),
                (#"{"vector":\#(Self.json(vectors[1])),"k":0}"#, "invalid_request", ""),
                (#"{"vector":\#(Self.json(vectors[1])),"ef":5000}"#, "invalid_request", ""),
                (#"{"k":3}"#, "invalid_request", "vector"),
                (#"{"query":"hello"}"#, "invalid_request", "query"),
                (#"{"vector":\#(Self.json(vectors[1])),"k":"ten"}"#, "invalid_request", "k"),
                (#"[1,2]"#, "invalid_request", ""),
            ]
            for (bad, code, field) in cases {
                for position in [0, 2] {
                    var items = [good, good, good]
                    items[position] = bad
                    let answer = try await server.call("POST", "/v1/collections/b/search/batch", #"{"queries":[\#(items.joined(separator: ","))]}"#)
                    #expect(answer.status == 400 && answer.errorCode == code && answer.isCleanErrorEnvelope, "\(bad): \(answer.text)")
                    #expect(answer["message"]?.string?.hasPrefix("queries[\(position)]: ") == true, "\(bad): \(answer.text)")
                    #expect(answer["details"]?["item"]?.number == Double(position), "\(bad): \(answer.text)")
                    if !field.isEmpty { #expect(answer["details"]?["field"]?.string == field, "\(bad): \(answer.text)") }
                }
            }
            // Not an item's fault: the collection, the body's shape.
            let missing = try await server.call("POST", "/v1/collections/nope/search/batch", #"{"queries":[\#(good)]}"#)
            #expect(missing.status == 404 && missing.errorCode == "not_found" && missing["details"]?["item"] == nil, "\(missing.text)")
            for body in [#"{}"#, #"{"queries":[]}"#, #"{"queries":{}}"#, #"{"queries":[\#(good)],"k":3}"#] {
                let answer = try await server.call("POST", "/v1/collections/b/search/batch", body)
                #expect(answer.status == 400 && answer.errorCode == "invalid_request", "\(body): \(answer.text)")
            }
        }
    }

    /// At most `Limits.maxSearchBatch` queries (257 is refused naming the limit; 256 are answered), and their k add up
    /// to at most `Limits.maxSearchBatchMatches`.
    @Test func batchLimitsAreEnforced() async throws {
        // 256 queries under the whole suite's load can pass the default 10 s budget (503 `timeout` in CI); the
        // budget is tested on its own below, so this test gives it a minute.
        try await withServer(configure: { $0.requestTimeoutMilliseconds = 60_000 }) { server in
            let vectors = try await Self.seed(server, rows: 20)
            let query = #"{"vector":\#(Self.json(vectors[3])),"k":1}"#
            let most = Array(repeating: query, count: Limits.maxSearchBatch)
            let fits = try await server.call("POST", "/v1/collections/b/search/batch", #"{"queries":[\#(most.joined(separator: ","))]}"#)
            #expect(fits.status == 200 && fits.data?["results"]?.array?.count == Limits.maxSearchBatch, "\(fits.status) \(fits.text.prefix(300))")
            let over = try await server.call("POST", "/v1/collections/b/search/batch", #"{"queries":[\#((most + [query]).joined(separator: ","))]}"#)
            #expect(over.status == 400 && over["details"]?["limit"]?.string == "max_search_batch", "\(over.text)")
            #expect(over["details"]?["max"]?.number == Double(Limits.maxSearchBatch))

            let wide = #"{"vector":\#(Self.json(vectors[3])),"k":1000}"#
            let perBatch = Limits.maxSearchBatchMatches / 1_000
            let atMost = try await server.call("POST", "/v1/collections/b/search/batch",
                                               #"{"queries":[\#(Array(repeating: wide, count: perBatch).joined(separator: ","))]}"#)
            #expect(atMost.status == 200, "\(atMost.text)")
            let tooMany = try await server.call("POST", "/v1/collections/b/search/batch",
                                                #"{"queries":[\#(Array(repeating: wide, count: perBatch + 1).joined(separator: ","))]}"#)
            #expect(tooMany.status == 400 && tooMany["details"]?["limit"]?.string == "max_search_batch_matches", "\(tooMany.text)")
            #expect(tooMany["details"]?["item"]?.number == Double(perBatch), "\(tooMany.text)")
        }
    }

    /// The request budget covers the whole batch: past `request-timeout-ms` it stops with 503 `timeout`; and items are
    /// all checked before any runs, so a slow batch with a bad last item answers the 400 at once, not the timeout.
    @Test func batchKeepsTheRequestBudgetAndChecksBeforeRunning() async throws {
        try await withServer(configure: { $0.requestTimeoutMilliseconds = 20 }) { server in
            let vectors = try await Self.seed(server, rows: 5_000)
            // A filtered flat search scans every row's metadata; 256 of them over 5,000 rows take well over 20 ms.
            let slow = #"{"vector":\#(Self.json(vectors[3])),"k":30,"filter":{"n":{"$gte":0}}}"#
            let many = Array(repeating: slow, count: Limits.maxSearchBatch)
            let timedOut = try await server.call("POST", "/v1/collections/b/search/batch", #"{"queries":[\#(many.joined(separator: ","))]}"#)
            #expect(timedOut.status == 503 && timedOut.errorCode == "timeout", "\(timedOut.status) \(timedOut.text.prefix(300))")
            let bad = #"{"vector":[1],"k":1}"#
            let refused = try await server.call("POST", "/v1/collections/b/search/batch",
                                                #"{"queries":[\#((many.dropLast() + [bad]).joined(separator: ","))]}"#)
            #expect(refused.status == 400 && refused["details"]?["item"]?.number == Double(Limits.maxSearchBatch - 1), "\(refused.text)")
            // The server still answers small requests.
            #expect(try await server.call("GET", "/health").status == 200)
        }
    }

    /// A batch is one request for the rate limiter, like one search (README "Limits"): with a search limit of 2, two
    /// batches of 5 queries pass and the third request is limited.
    @Test func batchCountsAsOneSearchRequest() async throws {
        try await withServer(configure: { $0.searchRateLimitPerClient = 2 }) { server in
            let vectors = try await Self.seed(server, rows: 20)
            let body = #"{"queries":[\#(Array(repeating: #"{"vector":\#(Self.json(vectors[1])),"k":2}"#, count: 5).joined(separator: ","))]}"#
            #expect(try await server.call("POST", "/v1/collections/b/search/batch", body).status == 200)
            #expect(try await server.call("POST", "/v1/collections/b/search/batch", body).status == 200)
            let limited = try await server.call("POST", "/v1/collections/b/search/batch", body)
            #expect(limited.status == 429 && limited.errorCode == "rate_limited", "\(limited.text)")
            let single = try await server.call("POST", "/v1/collections/b/search", #"{"vector":\#(Self.json(vectors[1]))}"#)
            #expect(single.status == 429, "the batch and the single search share the search bucket: \(single.text)")
        }
    }

    /// `POST …/get`: `vectors[i]` answers `ids[i]` (null when absent, duplicates answered twice), `missing` lists
    /// the absent ids in order, values and metadata as asked; each vector equals what `GET …/vectors/{id}` answers.
    @Test func getManyAnswersInOrderAndReportsMissing() async throws {
        try await withServer { server in
            _ = try await Self.seed(server, rows: 50)
            let ids = ["v7", "nope1", "v0", "v49", "v7", "nope2"]
            let body = #"{"ids":[\#(ids.map { "\"\($0)\"" }.joined(separator: ","))],"include_values":true}"#
            let answer = try await server.call("POST", "/v1/collections/b/get", body)
            #expect(answer.status == 200, "\(answer.text)")
            let vectors = try #require(answer.data?["vectors"]?.array)
            #expect(vectors.count == ids.count)
            for (index, id) in ids.enumerated() {
                if id.hasPrefix("nope") {
                    #expect(vectors[index] == .null, "\(index)")
                } else {
                    let single = try await server.call("GET", "/v1/collections/b/vectors/\(id)?include_values=true")
                    #expect(vectors[index] == single.data, "\(index): \(vectors[index])")
                    #expect(vectors[index]["values"]?.array?.count == 8)
                }
            }
            #expect(answer.data?["missing"]?.array?.compactMap(\.string) == ["nope1", "nope2"])
            #expect(answer["meta"]?["count"]?.number == 4 && answer["meta"]?["missing"]?.number == 2, "\(answer.text)")

            let bare = try await server.call("POST", "/v1/collections/b/get", #"{"ids":["v3"],"with_payload":false}"#)
            let only = try #require(bare.data?["vectors"]?.array?.first)
            #expect(only["id"]?.string == "v3" && only["metadata"] == nil && only["values"] == nil, "\(bare.text)")

            let badID = try await server.call("POST", "/v1/collections/b/get", #"{"ids":["v1","v2","bad id!"]}"#)
            #expect(badID.status == 400 && badID["details"]?["item"]?.number == 2 && badID["message"]?.string?.hasPrefix("ids[2]: ") == true,
                    "\(badID.text)")
            let notString = try await server.call("POST", "/v1/collections/b/get", #"{"ids":["v1",3]}"#)
            #expect(notString.status == 400 && notString["details"]?["item"]?.number == 1, "\(notString.text)")
            for refused in [#"{}"#, #"{"ids":[]}"#, #"{"ids":["v1"],"zz":1}"#] {
                #expect(try await server.call("POST", "/v1/collections/b/get", refused).status == 400, "\(refused)")
            }
            let tooMany = #"{"ids":[\#(Array(repeating: "\"v1\"", count: Limits.maxBatch + 1).joined(separator: ","))]}"#
            let over = try await server.call("POST", "/v1/collections/b/get", tooMany)
            #expect(over.status == 400 && over["details"]?["limit"]?.string == "max_batch", "\(over.text)")
            let most = #"{"ids":[\#(Array(repeating: "\"v1\"", count: Limits.maxBatch).joined(separator: ","))]}"#
            let fits = try await server.call("POST", "/v1/collections/b/get", most)
            #expect(fits.status == 200 && fits.data?["vectors"]?.array?.count == Limits.maxBatch)
            let absent = try await server.call("POST", "/v1/collections/nope/get", #"{"ids":["v1"]}"#)
            #expect(absent.status == 404 && absent.errorCode == "not_found", "\(absent.text)")
            // The route lives beside search/scroll/count, not under …/vectors/, so no id is shadowed: a vector named
            // `get` is written and read through …/vectors/{id} as any other.
            let put = try await server.call("PUT", "/v1/collections/b/vectors/get", #"{"values":[1,0,0,0,0,0,0,0]}"#)
            #expect(put.status == 200, "\(put.text)")
            #expect(try await server.call("GET", "/v1/collections/b/vectors/get").data?["id"]?.string == "get")
        }
    }
}

import Testing
import VectorLogicJSON

/// Every route of docs/api.md this server serves, over real HTTP on 127.0.0.1, against the real engine.
@Suite struct ServerRoutesTests {
    /// Health, readiness, stats, metrics and the OpenAPI document answer as the contract says.
    @Test func operationsRoutesAnswer() async throws {
        try await withServer { server in
            let health = try await server.call("GET", "/health")
            #expect(health.status == 200 && health.text == #"{"status":"ok"}"#)
            #expect(try await server.call("GET", "/ready").status == 200)
            let stats = try await server.call("GET", "/v1/stats")
            #expect(stats.status == 200 && stats["status"] == .string("success"))
            #expect(stats.data?["collections"]?.number == 1)
            let openapi = try await server.call("GET", "/openapi.json")
            #expect(openapi["openapi"]?.string == "3.1.0")
            _ = try await server.call("GET", "/v1/collections")
            let metrics = try await server.call("GET", "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains(#"vectorlogic_http_requests_total{route="/v1/collections",method="GET",status="200"} 1"#))
            #expect(metrics.text.contains("vectorlogic_http_request_duration_seconds_bucket"))
            #expect(metrics.text.contains(#"vectorlogic_collection_vectors{collection="default"}"#))
            #expect(metrics.text.contains("vectorlogic_wal_fsyncs_total"))
        }
    }

    /// `/metrics` is not served when metrics are disabled.
    @Test func metricsCanBeDisabled() async throws {
        try await withServer(configure: { $0.metricsEnabled = false }) { server in
            let metrics = try await server.call("GET", "/metrics")
            #expect(metrics.status == 404 && metrics.errorCode == "not_found")
        }
    }

    /// Collections are created (201), listed, described, refused when they exist (409) and dropped.
    @Test func collectionLifecycle() async throws {
        try await withServer { server in
            let created = try await server.call("POST", "/v1/collections",
                #"{"name":"c1","dimension":3,"metric":"euclidean","index":{"type":"flat","m":8,"ef_construction":64,"ef_search":32}}"#)
            #expect(created.status == 201)
            #expect(created.data?["name"]?.string == "c1" && created.data?["dimension"]?.number == 3)
            #expect(created.data?["metric"]?.string == "euclidean" && created.data?["index"]?["type"]?.string == "flat")
            #expect(created["meta"]?["timestamp"]?.number != nil)
            let again = try await server.call("POST", "/v1/collections", #"{"name":"c1","dimension":3}"#)
            #expect(again.status == 409 && again.errorCode == "conflict" && again.isCleanErrorEnvelope)
            let list = try await server.call("GET", "/v1/collections")
            #expect(list.data?.array?.compactMap { $0["name"]?.string } == ["c1", "default"])
            #expect(list["meta"]?["count"]?.number == 2)
            let info = try await server.call("GET", "/v1/collections/c1")
            for key in ["name", "dimension", "metric", "index", "vectors", "deleted", "segments", "disk_bytes", "created_at"] {
                #expect(info.data?[key] != nil, "\(key)")
            }
            #expect(try await server.call("DELETE", "/v1/collections/c1").status == 200)
            let gone = try await server.call("GET", "/v1/collections/c1")
            #expect(gone.status == 404 && gone.errorCode == "not_found" && gone.isCleanErrorEnvelope)
            #expect(try await server.call("DELETE", "/v1/collections/c1").status == 404)
        }
    }

    /// Vectors are upserted, read back bit-exact with metadata as given, replaced, patched, deleted.
    @Test func vectorLifecycle() async throws {
        try await withServer { server in
            _ = try await server.call("POST", "/v1/collections", #"{"name":"v","dimension":3,"metric":"cosine"}"#)
            let upsert = try await server.call("POST", "/v1/collections/v/vectors?return_ids=true", #"""
                {"vectors":[{"id":"a","values":[0.1,-2.5e-3,3.1e18],"metadata":{"z":1,"html":"<b>&amp;</b>","u":"é"}},
                            {"id":"b","values":[0,1,0]},{"values":[1,1,1]}]}
                """#)
            #expect(upsert.status == 200 && upsert.data?["upserted"]?.number == 3)
            let ids = upsert.data?["ids"]?.array?.compactMap(\.string) ?? []
            #expect(ids.count == 3 && ids[2].count == 36)
            let a = try await server.call("GET", "/v1/collections/v/vectors/a?include_values=true")
            #expect(a.status == 200)
            #expect(a.text.contains(#""metadata":{"z":1,"html":"<b>&amp;</b>","u":"é"}"#))
            #expect(a.text.contains(#""values":[0.1,-0.0025,3.1e+18]"#))  // |v|² ≤ 1e37: Float.max is refused (issue 8)
            let withoutValues = try await server.call("GET", "/v1/collections/v/vectors/b")
            #expect(withoutValues.data?["values"] == nil && withoutValues.data?["metadata"] == .null)
            let put = try await server.call("PUT", "/v1/collections/v/vectors/d", #"{"values":[0,0,1],"metadata":{"k":1}}"#)
            #expect(put.status == 200)
            let patch = try await server.call("PATCH", "/v1/collections/v/vectors/d", #"{"metadata":{"j":2}}"#)
            #expect(patch.status == 200)
            let d = try await server.call("GET", "/v1/collections/v/vectors/d?include_values=true")
            #expect(d.data?["metadata"] == .object(JSONObject([("k", .number(1)), ("j", .number(2))])))
            #expect(d.data?["values"] == .array([.number(0), .number(0), .number(1)]))
            let patchMissing = try await server.call("PATCH", "/v1/collections/v/vectors/nope", #"{"metadata":{"j":2}}"#)
            #expect(patchMissing.status == 404 && patchMissing.errorCode == "not_found")
            #expect(try await server.call("DELETE", "/v1/collections/v/vectors/d").data?["deleted"]?.number == 1)
            #expect(try await server.call("DELETE", "/v1/collections/v/vectors/d").status == 404)
            #expect(try await server.call("GET", "/v1/collections/v/vectors/d").status == 404)
            let byIDs = try await server.call("POST", "/v1/collections/v/vectors/delete", #"{"ids":["a","zz"]}"#)
            #expect(byIDs.data?["deleted"]?.number == 1)
            let count = try await server.call("POST", "/v1/collections/v/count", "{}")
            #expect(count.data?["count"]?.number == 2)
        }
    }

    /// Search returns the best k first with the metric's score, honours filters and thresholds, and reports meta.
    @Test func searchRanksFiltersAndThresholds() async throws {
        try await withServer { server in
            _ = try await server.call("POST", "/v1/collections", #"{"name":"s","dimension":3,"metric":"cosine"}"#)
            _ = try await server.call("POST", "/v1/collections/s/vectors", #"""
                {"vectors":[{"id":"a","values":[1,0,0],"metadata":{"n":1,"tag":"x"}},
                            {"id":"b","values":[0,1,0],"metadata":{"n":5,"tag":"y"}},
                            {"id":"c","values":[0.7,0.7,0.1],"metadata":{"n":9,"tag":"x"}}]}
                """#)
            let best = try await server.call("POST", "/v1/collections/s/search", #"{"vector":[1,0,0],"k":2}"#)
            let matches = best.data?["matches"]?.array ?? []
            #expect(matches.compactMap { $0["id"]?.string } == ["a", "c"])
            #expect(abs((matches.first?["score"]?.number ?? 0) - 1) < 1e-5)
            #expect(best["meta"]?["count"]?.number == 2 && best["meta"]?["threshold"] == .null)
            #expect(best.data?["query_time_ms"]?.number != nil)
            let filtered = try await server.call("POST", "/v1/collections/s/search", #"{"vector":[0,1,0],"k":3,"filter":{"tag":"x"}}"#)
            #expect(Set(filtered.data?["matches"]?.array?.compactMap { $0["id"]?.string } ?? []) == ["a", "c"])
            let range = try await server.call("POST", "/v1/collections/s/search",
                                              #"{"vector":[1,0,0],"k":3,"filter":{"$and":[{"n":{"$gte":5}},{"tag":{"$in":["x","y"]}}]}}"#)
            #expect(Set(range.data?["matches"]?.array?.compactMap { $0["id"]?.string } ?? []) == ["b", "c"])
            let threshold = try await server.call("POST", "/v1/collections/s/search", #"{"vector":[1,0,0],"k":3,"threshold":0.9}"#)
            #expect(threshold.data?["matches"]?.array?.compactMap { $0["id"]?.string } == ["a"])
            #expect(threshold["meta"]?["threshold"]?.number == 0.9)
            let values = try await server.call("POST", "/v1/collections/s/search",
                                               #"{"vector":[1,0,0],"k":1,"include_values":true,"include_metadata":false}"#)
            #expect(values.data?["matches"]?[0]?["values"] == .array([.number(1), .number(0), .number(0)]))
            #expect(values.data?["matches"]?[0]?["metadata"] == nil)
        }
    }

    /// Scroll pages cover every vector exactly once in id order; count honours filters.
    @Test func scrollAndCount() async throws {
        try await withServer { server in
            _ = try await server.call("POST", "/v1/collections", #"{"name":"sc","dimension":2,"metric":"dot"}"#)
            let items = (0..<250).map { #"{"id":"id-\#(String(format: "%03d", $0))","values":[\#($0),1],"metadata":{"i":\#($0)}}"# }
            _ = try await server.call("POST", "/v1/collections/sc/vectors", #"{"vectors":[\#(items.joined(separator: ","))]}"#)
            var seen: [String] = []
            var cursor: String?
            for _ in 0..<10 {
                let body = cursor.map { #"{"limit":100,"cursor":"\#($0)"}"# } ?? #"{"limit":100}"#
                let page = try await server.call("POST", "/v1/collections/sc/scroll", body)
                seen += page.data?["vectors"]?.array?.compactMap { $0["id"]?.string } ?? []
                cursor = page.data?["next_cursor"]?.string
                if cursor == nil { break }
            }
            #expect(seen == (0..<250).map { "id-\(String(format: "%03d", $0))" })
            let empty = try await server.call("POST", "/v1/collections/sc/scroll", body: [])
            #expect(empty.status == 200 && empty.data?["vectors"]?.array?.count == 100)
            let filtered = try await server.call("POST", "/v1/collections/sc/count", #"{"filter":{"i":{"$lt":10}}}"#)
            #expect(filtered.data?["count"]?.number == 10)
            let all = try await server.call("POST", "/v1/collections/sc/count", body: [])
            #expect(all.data?["count"]?.number == 250)
        }
    }

    /// The seed's short routes act on the default collection; a text query asks for an embedding provider.
    @Test func shortRoutesUseTheDefaultCollection() async throws {
        try await withServer { server in
            #expect(try await server.call("POST", "/vectors", #"{"id":"s1","vector":[1,0,0,0],"metadata":{"p":"x"}}"#).status == 200)
            let batch = try await server.call("POST", "/vectors/batch", #"{"vectors":[{"id":"s2","vector":[0,1,0,0]},{"id":"s3","vector":[0,0,1,0]}]}"#)
            #expect(batch.data?["upserted"]?.number == 2)
            let search = try await server.call("POST", "/vectors/search", #"{"vector":[1,0,0,0],"limit":2,"filters":{"p":"x"}}"#)
            #expect(search.data?["matches"]?.array?.compactMap { $0["id"]?.string } == ["s1"])
            let get = try await server.call("GET", "/vectors/search?vector=0,1,0,0&limit=1")
            #expect(get.data?["matches"]?[0]?["id"]?.string == "s2")
            let text = try await server.call("POST", "/vectors/search", #"{"query":"hello","limit":2}"#)
            #expect(text.status == 400 && text.isCleanErrorEnvelope && text["message"]?.string?.contains("embedding provider") == true)
            let textGet = try await server.call("GET", "/vectors/search?query=hello")
            #expect(textGet.status == 400)
            #expect(try await server.call("PUT", "/vectors/s1", #"{"vector":[0,0,0,1]}"#).status == 200)
            #expect(try await server.call("DELETE", "/vectors/s2").status == 200)
            #expect(try await server.call("DELETE", "/vectors/s2").status == 404)
            #expect(try await server.call("DELETE", "/vectors/batch", #"{"ids":["s3"]}"#).data?["deleted"]?.number == 1)
            let left = try await server.call("POST", "/vectors/search", #"{"vector":[0,0,0,1],"limit":5}"#)
            #expect(left.data?["matches"]?.array?.compactMap { $0["id"]?.string } == ["s1"])
            let onDefault = try await server.call("POST", "/v1/collections/default/count", "{}")
            #expect(onDefault.data?["count"]?.number == 1)
        }
    }

    /// The original design's search on the short routes: GET reads a JSON body when there is one (else the query
    /// string), `limit` and `threshold` may be numeric strings, and without a threshold 0.7 applies (echoed in meta).
    @Test func shortSearchTakesTheDesignsShapes() async throws {
        try await withServer { server in
            // Cosine scores against [1,0,0,0]: near 0.995, mid 0.6, far 0.
            let batch = try await server.call("POST", "/vectors/batch",
                #"{"vectors":[{"id":"near","vector":[1,0.1,0,0]},{"id":"mid","vector":[0.6,0.8,0,0]},{"id":"far","vector":[0,0,1,0]}]}"#)
            #expect(batch.status == 200, "\(batch.text)")
            func ids(_ answer: HTTPResult) -> [String] { answer.data?["matches"]?.array?.compactMap { $0["id"]?.string } ?? [] }

            let byDefault = try await server.call("POST", "/vectors/search", #"{"vector":[1,0,0,0],"limit":3}"#)
            #expect(ids(byDefault) == ["near"], "\(byDefault.text)")
            #expect(byDefault["meta"]?["threshold"]?.number == 0.7, "\(byDefault.text)")
            let getDefault = try await server.call("GET", "/vectors/search?vector=1,0,0,0&limit=3")
            #expect(ids(getDefault) == ["near"], "\(getDefault.text)")
            let none = try await server.call("POST", "/vectors/search", #"{"vector":[1,0,0,0],"limit":3,"threshold":null}"#)
            #expect(ids(none) == ["near", "mid", "far"], "\(none.text)")

            let strings = try await server.call("POST", "/vectors/search", #"{"vector":[1,0,0,0],"limit":"2","threshold":"0.5"}"#)
            #expect(strings.status == 200 && ids(strings) == ["near", "mid"], "\(strings.text)")
            #expect(strings["meta"]?["threshold"]?.number == 0.5 && strings["meta"]?["k"]?.number == 2, "\(strings.text)")
            let badString = try await server.call("POST", "/vectors/search", #"{"vector":[1,0,0,0],"limit":"two"}"#)
            #expect(badString.status == 400 && badString.isCleanErrorEnvelope, "\(badString.text)")
            // /v1 stays strict: a string limit is a 400 there.
            let strict = try await server.call("POST", "/v1/collections/default/search", #"{"vector":[1,0,0,0],"limit":"2"}"#)
            #expect(strict.status == 400, "\(strict.text)")
            #expect(try await server.call("POST", "/v1/collections/default/search", #"{"vector":[1,0,0,0],"k":3}"#)
                .data?["matches"]?.array?.count == 3, "/v1 has no default threshold")

            // GET with a JSON body: the body wins over the (absent or different) query string.
            let getBody = try await server.call("GET", "/vectors/search?vector=0,0,1,0", #"{"vector":[1,0,0,0],"limit":"3","threshold":"0.5"}"#)
            #expect(getBody.status == 200 && ids(getBody) == ["near", "mid"], "\(getBody.text)")
            let getBodyDefault = try await server.call("GET", "/vectors/search", #"{"vector":[0.6,0.8,0,0],"limit":3}"#)
            #expect(ids(getBodyDefault) == ["mid"], "\(getBodyDefault.text)")
            let getBadBody = try await server.call("GET", "/vectors/search", #"{"vector":[1,0,"#)
            #expect(getBadBody.status == 400 && getBadBody.isCleanErrorEnvelope, "\(getBadBody.text)")
        }
    }

    /// Each request is logged once with method, route template, status, duration and request id; the id is echoed,
    /// and neither vector values nor bodies reach the log.
    @Test func requestsAreLoggedWithoutBodies() async throws {
        // A slow-request bound no CI machine reaches: this test is about the info line, not about timing
        // (an fsync'd upsert took over the default 1 s once on a loaded CI machine, and was logged as a warning).
        try await withServer(configure: { $0.slowRequestMilliseconds = 600_000 }) { server in
            let answer = try await server.call("POST", "/v1/collections/default/vectors",
                                               #"{"vectors":[{"id":"secret-id","values":[0.123456,2,3,4],"metadata":{"k":"hush"}}]}"#,
                                               headers: [("X-Request-Id", "req-42")])
            #expect(answer.headers["x-request-id"] == "req-42")
            let generated = try await server.call("GET", "/health")
            #expect(generated.headers["x-request-id"]?.count == 16)
            try await Task.sleep(for: .milliseconds(50))
            let lines = server.logs.all.filter { $0.contains("req-42") }
            #expect(lines.count == 1)
            let line = (try? JSONParser.parse(lines.first ?? "")) ?? .null
            #expect(line["route"]?.string == "/v1/collections/{collection}/vectors" && line["method"]?.string == "POST")
            #expect(line["status"]?.number == 200 && line["duration_ms"]?.number != nil && line["level"]?.string == "info")
            let all = server.logs.all.joined(separator: "\n")
            #expect(!all.contains("0.123456") && !all.contains("hush"))
        }
    }

    /// Requests slower than the configured bound log a warning.
    @Test func slowRequestsLogAWarning() async throws {
        try await withServer(configure: { $0.slowRequestMilliseconds = 0 }) { server in
            _ = try await server.call("POST", "/v1/collections/default/vectors", #"{"vectors":[{"id":"a","values":[1,2,3,4]}]}"#)
            try await Task.sleep(for: .milliseconds(50))
            #expect(server.logs.all.contains { $0.contains(#""level":"warning""#) && $0.contains("slow request") })
        }
    }
}

import VectorLogicIO
import Testing
import VectorLogicJSON

/// Bad input gets the contract's 4xx error body and changes nothing.
@Suite struct ServerErrorTests {
    /// A collection `bad` of dimension 3 holding one vector `keep`, for checking that rejected requests change nothing.
    static func prepare(_ server: TestServer) async throws {
        _ = try await server.call("POST", "/v1/collections", #"{"name":"bad","dimension":3}"#)
        _ = try await server.call("POST", "/v1/collections/bad/vectors", #"{"vectors":[{"id":"keep","values":[1,2,3],"metadata":{"a":1}}]}"#)
    }

    static func assertUnchanged(_ server: TestServer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let count = try await server.call("POST", "/v1/collections/bad/count", "{}")
        #expect(count.data?["count"]?.number == 1, sourceLocation: sourceLocation)
        let keep = try await server.call("GET", "/v1/collections/bad/vectors/keep?include_values=true")
        #expect(keep.data?["values"] == .array([.number(1), .number(2), .number(3)]), sourceLocation: sourceLocation)
        #expect(keep.data?["metadata"] == .object(JSONObject([("a", .number(1))])), sourceLocation: sourceLocation)
    }

    /// Every class of malformed or invalid upsert body is a 400 with the right code, and the batch is not applied.
    @Test func badUpsertsAreRejectedWhole() async throws {
        try await withServer { server in
            try await ServerErrorTests.prepare(server)
            let good = #"{"id":"keep","values":[9,9,9]}"#
            let cases: [(String, String)] = [
                (#"{"vectors":[\#(good),{"id":"h","values":[1,2]}]}"#, "dimension_mismatch"),
                (#"{"vectors":[\#(good),{"id":"h","values":[1,"x",3]}]}"#, "invalid_request"),
                (#"{"vectors":[\#(good),{"id":"h","values":[1,null,3]}]}"#, "invalid_request"),
                (#"{"vectors":[\#(good),{"id":"h","values":[1,NaN,3]}]}"#, "invalid_request"),
                (#"{"vectors":[\#(good),{"id":"h","values":[1,Infinity,3]}]}"#, "invalid_request"),
                (#"{"vectors":[\#(good),{"id":"h","values":[1,-Infinity,3]}]}"#, "invalid_request"),
                (#"{"vectors":[\#(good),{"id":"h","values":[1,1e39,3]}]}"#, "invalid_request"),
                (#"{"vectors":[\#(good),{"id":"h","values":[1,1e400,3]}]}"#, "invalid_request"),
                (#"{"vectors":[\#(good),{"id":"h","values":"1,2,3"}]}"#, "invalid_request"),
                (#"{"vectors":[\#(good),{"id":"bad id!","values":[1,2,3]}]}"#, "invalid_request"),
                (#"{"vectors":[\#(good),{"id":"\#(String(repeating: "x", count: 129))","values":[1,2,3]}]}"#, "invalid_request"),
                (#"{"vectors":[\#(good),{"id":7,"values":[1,2,3]}]}"#, "invalid_request"),
                (#"{"vectors":[\#(good),{"id":"m","values":[1,2,3],"metadata":[1]}]}"#, "invalid_request"),
                (#"{"vectors":[\#(good),{"id":"m","values":[1,2,3],"color":"red"}]}"#, "invalid_request"),
                (#"{"vectors":[\#(good),{"id":"m"}]}"#, "invalid_request"),
                (#"{"vectors":[]}"#, "invalid_request"),
                (#"{"vector":[1,2,3]}"#, "invalid_request"),
                (#"{"vectors":[\#(good)]"#, "invalid_request"),
                (#"{"vectors":[\#(good)]} trailing"#, "invalid_request"),
                (#"{"vectors":[\#(good),]}"#, "invalid_request"),
                ("", "invalid_request"),
                ("[]", "invalid_request"),
                (#"{"vectors":[{"id":"\uD800","values":[1,2,3]}]}"#, "invalid_request"),
            ]
            for (body, code) in cases {
                let answer = try await server.call("POST", "/v1/collections/bad/vectors", body)
                #expect(answer.status == 400 && answer.errorCode == code && answer.isCleanErrorEnvelope, "\(body.prefix(80)): \(answer.text)")
            }
            let manyKeys = (0..<101).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
            let tooMany = try await server.call("POST", "/v1/collections/bad/vectors",
                                                #"{"vectors":[\#(good),{"id":"m","values":[1,2,3],"metadata":{\#(manyKeys)}}]}"#)
            #expect(tooMany.status == 400 && tooMany["details"]?["item"]?.number == 1)
            let mismatch = try await server.call("POST", "/v1/collections/bad/vectors", #"{"vectors":[\#(good),{"id":"h","values":[1,2]}]}"#)
            #expect(mismatch["details"]?["item"]?.number == 1 && mismatch["details"]?["field"]?.string == "values")
            try await ServerErrorTests.assertUnchanged(server)
        }
    }

    /// Invalid UTF-8 anywhere in a body is a 400.
    @Test func nonUTF8BodiesAreRejected() async throws {
        try await withServer { server in
            try await ServerErrorTests.prepare(server)
            let bodies: [[UInt8]] = [
                [0xFF, 0xFE] + Array(#"{"vectors":[]}"#.utf8),
                Array(#"{"vectors":[{"id":"keep","values":[1,2,3],"metadata":{"s":""#.utf8) + [0xC0, 0x80] + Array(#""}}]}"#.utf8),
                Array(#"{"vectors":[{"id":"keep","values":[1,2,3],"metadata":{"s":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}}]}"#.utf8),
            ]
            for body in bodies {
                let answer = try await server.call("POST", "/v1/collections/bad/vectors", body: body)
                #expect(answer.status == 400 && answer.errorCode == "invalid_request" && answer.isCleanErrorEnvelope)
            }
            try await ServerErrorTests.assertUnchanged(server)
        }
    }

    /// Batches over 10,000 items, bodies over the size limit (413) and non-JSON content types (415) are refused.
    @Test func limitsAndMediaTypes() async throws {
        try await withServer(configure: { $0.maxBodyBytes = 64 * 1024 }) { server in
            try await ServerErrorTests.prepare(server)
            let huge = #"{"vectors":[{"id":"h","values":[\#(Array(repeating: "1.0", count: 40_000).joined(separator: ","))]}]}"#
            let tooLarge = try await server.call("POST", "/v1/collections/bad/vectors", huge)
            #expect(tooLarge.status == 413 && tooLarge.errorCode == "payload_too_large" && tooLarge.isCleanErrorEnvelope)
            let text = try await server.call("POST", "/v1/collections/bad/vectors", #"{"vectors":[{"id":"t","values":[1,2,3]}]}"#,
                                             contentType: "text/plain")
            #expect(text.status == 415 && text.errorCode == "unsupported_media_type" && text.isCleanErrorEnvelope)
            let form = try await server.call("POST", "/v1/collections/bad/search", "vector=1", contentType: "application/x-www-form-urlencoded")
            #expect(form.status == 415)
            let latin = try await server.call("POST", "/v1/collections/bad/count", "{}", contentType: "application/json; charset=latin-1")
            #expect(latin.status == 415)
            let utf8 = try await server.call("POST", "/v1/collections/bad/count", "{}", contentType: "application/json; charset=UTF-8")
            #expect(utf8.status == 200)
            try await ServerErrorTests.assertUnchanged(server)
        }
        try await withServer { server in
            _ = try await server.call("POST", "/v1/collections", #"{"name":"one","dimension":1}"#)
            let items = (0..<10_001).map { #"{"id":"i\#($0)","values":[1]}"# }.joined(separator: ",")
            let answer = try await server.call("POST", "/v1/collections/one/vectors", #"{"vectors":[\#(items)]}"#)
            #expect(answer.status == 400 && answer.isCleanErrorEnvelope)
            #expect(try await server.call("POST", "/v1/collections/one/count", "{}").data?["count"]?.number == 0)
        }
    }

    /// A chunked body (no Content-Length) that grows past the limit is cut off with 413 as well.
    @Test func chunkedOversizedBodyIsRefused() async throws {
        try await withServer(configure: { $0.maxBodyBytes = 4 * 1024 }) { server in
            try await ServerErrorTests.prepare(server)
            let chunk = String(repeating: "1,", count: 1_000)
            var request = "POST /v1/collections/bad/vectors HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            request += "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            let payload = #"{"vectors":[{"id":"c","values":["# + String(repeating: chunk, count: 4) + "1]}]}"
            request += String(payload.utf8.count, radix: 16) + "\r\n" + payload + "\r\n0\r\n\r\n"
            let raw = try await HTTPTestClient.exchange(port: server.port, Array(request.utf8))
            let answer = try HTTPTestClient.parse(raw)
            #expect(answer.status == 413 && answer.errorCode == "payload_too_large" && answer.isCleanErrorEnvelope)
            try await ServerErrorTests.assertUnchanged(server)
        }
    }

    /// Search, filter and collection errors carry the contract's codes.
    @Test func searchAndCollectionErrors() async throws {
        try await withServer { server in
            try await ServerErrorTests.prepare(server)
            let cases: [(String, String, String, Int, String)] = [
                ("POST", "/v1/collections/bad/search", #"{"vector":[1,2,3],"k":0}"#, 400, "invalid_request"),
                ("POST", "/v1/collections/bad/search", #"{"vector":[1,2,3],"k":1001}"#, 400, "invalid_request"),
                ("POST", "/v1/collections/bad/search", #"{"vector":[1,2,3],"k":"10"}"#, 400, "invalid_request"),
                ("POST", "/v1/collections/bad/search", #"{"vector":[1,2],"k":1}"#, 400, "dimension_mismatch"),
                ("POST", "/v1/collections/bad/search", #"{"vector":[1,2,3],"filter":{"n":{"$regex":"a"}}}"#, 400, "invalid_filter"),
                ("POST", "/v1/collections/bad/search", #"{"vector":[1,2,3],"filter":{"$or":[]}}"#, 400, "invalid_filter"),
                ("POST", "/v1/collections/bad/search", #"{"vector":[1,2,3],"filter":[1]}"#, 400, "invalid_filter"),
                ("POST", "/v1/collections/bad/search", #"{"vector":[1,2,3],"filtr":{}}"#, 400, "invalid_request"),
                ("POST", "/v1/collections/bad/search", #"{"k":3}"#, 400, "invalid_request"),
                ("POST", "/v1/collections/nope/search", #"{"vector":[1,2,3]}"#, 404, "not_found"),
                ("POST", "/v1/collections/bad/vectors/delete", #"{"filter":{"a":{"$bogus":1}}}"#, 400, "invalid_filter"),
                ("POST", "/v1/collections/bad/vectors/delete", #"{"ids":["keep"],"filter":{"a":1}}"#, 400, "invalid_request"),
                ("POST", "/v1/collections/bad/vectors/delete", "{}", 400, "invalid_request"),
                ("POST", "/v1/collections/bad/scroll", #"{"limit":"x"}"#, 400, "invalid_request"),
                ("POST", "/v1/collections/bad/count", #"{"filter":{"$nope":1}}"#, 400, "invalid_filter"),
                ("POST", "/v1/collections", #"{"name":"bad name!","dimension":3}"#, 400, "invalid_request"),
                ("POST", "/v1/collections", #"{"name":"c2","dimension":0}"#, 400, "invalid_request"),
                ("POST", "/v1/collections", #"{"name":"c2","dimension":20001}"#, 400, "invalid_request"),
                ("POST", "/v1/collections", #"{"name":"c2","dimension":3,"metric":"manhattan"}"#, 400, "invalid_request"),
                ("POST", "/v1/collections", #"{"name":"c2","dimension":3,"index":{"type":"lsh"}}"#, 400, "invalid_request"),
                ("POST", "/v1/collections", #"{"name":"c2"}"#, 400, "invalid_request"),
                ("GET", "/v1/nothing-here", "", 404, "not_found"),
                ("PATCH", "/v1/collections/bad/vectors/keep", #"{"metadata":5}"#, 400, "invalid_request"),
                ("GET", "/v1/collections/bad/vectors/keep?include_values=maybe", "", 400, "invalid_request"),
            ]
            for (method, path, body, status, code) in cases {
                let answer = try await server.call(method, path, body.isEmpty ? nil : body)
                #expect(answer.status == status && answer.errorCode == code && answer.isCleanErrorEnvelope,
                        "\(method) \(path) \(body): \(answer.status) \(answer.text)")
            }
            #expect(try await server.call("GET", "/v1/collections/c2").status == 404)
            try await ServerErrorTests.assertUnchanged(server)
        }
    }

    /// Seeded random garbage bodies on every body route never produce a 5xx, and the collection stays unchanged.
    @Test func randomGarbageNeverCausesServerErrors() async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("randomGarbageNeverCausesServerErrors seed \(seed)")
        var rng = SplitMix64(seed: seed)
        try await withServer { server in
            try await ServerErrorTests.prepare(server)
            let paths = ["/v1/collections/bad/vectors", "/v1/collections/bad/search", "/v1/collections/bad/scroll",
                         "/v1/collections/bad/count", "/v1/collections", "/vectors/search", "/v1/collections/bad/vectors/delete"]
            let pieces = ["{", "}", "[", "]", ",", ":", "\"vectors\"", "\"vector\"", "\"values\"", "\"id\"", "\"filter\"",
                          "\"$gt\"", "1", "-0.5e3", "1e999", "NaN", "null", "true", "\"x\"", "\u{0}", "\\u0000", "é", " "]
            for round in 0..<150 {
                let body = (0..<Int.random(in: 1...25, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
                let path = paths.randomElement(using: &rng)!
                let answer = try await server.call("POST", path, body)
                #expect(answer.status < 500, "seed \(seed) round \(round) \(path) \(body)")
                if answer.status >= 400 { #expect(answer.isCleanErrorEnvelope, "seed \(seed) round \(round)") }
            }
            let count = try await server.call("POST", "/v1/collections/bad/count", "{}")
            #expect((count.data?["count"]?.number ?? 0) >= 1)
        }
    }
}


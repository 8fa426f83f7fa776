import Foundation
import Testing
@testable import VectorLogicServer
import VectorLogicJSON

/// `SearchLane` answers plain searches on the event loop instead of through Hummingbird's router. These tests hold its
/// answers to the router's: the same requests against a server with the lane and one without (same data), compared
/// status, headers, body and log line; and they check that the lane really answered (its counter), that pipelined
/// answers keep their order, and that `Connection: close` closes.
@Suite struct SearchLaneTests {
    /// One request of a scenario.
    struct Step: Sendable {
        var name: String
        var path = "/v1/collections/s/search"
        var json: String?
        var contentType: String? = "application/json"
        var headers: [(String, String)] = []
        /// Whether the lane answers it itself (else it hands it to the router).
        var laned: Bool
    }

    /// What must be equal between the two servers' answers: volatile values (time, request ids) are blanked.
    struct Answer: Equatable, CustomStringConvertible {
        var status: Int
        var headers: [String: String]
        var body: String
        var log: [String: String]
        var description: String { "\(status) \(headers.sorted { $0.key < $1.key }) \(body) log \(log.sorted { $0.key < $1.key })" }
    }

    static let setup: [(String, String)] = [
        ("/v1/collections", #"{"name":"s","dimension":3,"metric":"cosine"}"#),
        ("/v1/collections/s/vectors", #"""
            {"vectors":[{"id":"a","values":[1,0,0],"metadata":{"n":1,"tag":"x"}},
                        {"id":"b","values":[0,1,0],"metadata":{"n":5,"tag":"y"}},
                        {"id":"c","values":[0.7,0.7,0.1],"metadata":{"n":9,"tag":"x"}}]}
            """#),
    ]

    static let steps: [Step] = [
        Step(name: "plain", json: #"{"vector":[1,0,0],"k":2}"#, laned: true),
        Step(name: "filter, threshold, values", json: #"{"vector":[0.6,0.8,0],"k":3,"filter":{"tag":"x"},"threshold":0.1,"include_values":true}"#, laned: true),
        Step(name: "aliases", json: #"{"values":[0,1,0],"top_k":1,"min_score":0.5,"with_payload":false}"#, laned: true),
        Step(name: "given request id", json: #"{"vector":[1,0,0]}"#, headers: [("X-Request-Id", "lane-test-1"), ("User-Agent", "lane-test-agent")], laned: true),
        Step(name: "unknown collection", path: "/v1/collections/nope/search", json: #"{"vector":[1,0,0]}"#, laned: false),
        Step(name: "dimension", json: #"{"vector":[1,0],"k":2}"#, laned: false),
        Step(name: "k over the limit", json: #"{"vector":[1,0,0],"k":100000}"#, laned: false),
        Step(name: "unknown key", json: #"{"vector":[1,0,0],"colour":1}"#, laned: false),
        Step(name: "broken JSON", json: #"{"vector":[1,0,"#, laned: false),
        Step(name: "text without a provider", json: #"{"query":"hello"}"#, laned: false),
        Step(name: "not JSON", json: #"{"vector":[1,0,0]}"#, contentType: "text/plain", laned: false),
        Step(name: "cross origin", json: #"{"vector":[1,0,0]}"#, headers: [("Origin", "http://evil.example")], laned: false),
        Step(name: "escaped path", path: "/v1/collections/%73/search", json: #"{"vector":[1,0,0]}"#, laned: false),
        Step(name: "query string", path: "/v1/collections/s/search?x=1", json: #"{"vector":[1,0,0]}"#, laned: false),
    ]

    /// Runs `steps` against a fresh server; returns each answer and how many the lane answered.
    static func run(lane: Bool, steps: [Step], configure: @escaping @Sendable (inout ServerConfiguration) -> Void = { _ in },
                    keyed: (@Sendable (TestServer) async throws -> [(String, String)])? = nil) async throws -> ([Answer], Int) {
        var answers: [Answer] = []
        var laneAnswers = 0
        try await withServer(configure: { configure(&$0); $0.searchLane = lane }) { server in
            let setupHeaders = try await keyed?(server) ?? []
            for (path, json) in setup {
                let made = try await server.call("POST", path, json, headers: setupHeaders)
                #expect(made.status == 200 || made.status == 201, "\(path): \(made.text)")
            }
            for step in steps {
                var headers = step.headers
                if keyed != nil, !headers.contains(where: { $0.0 == "X-API-Key" }) { headers += setupHeaders }
                let before = server.logs.all.count
                let result = try await server.call("POST", step.path, step.json, contentType: step.contentType, headers: headers)
                let lines = server.logs.all.dropFirst(before).filter { $0.contains(#""request""#) || $0.contains("slow request") }
                #expect(lines.count == 1, "\(step.name): one log line, got \(lines)")
                answers.append(answer(result, log: lines.first ?? ""))
            }
            let metrics = try await server.call("GET", "/metrics", headers: setupHeaders).text
            laneAnswers = metrics.split(separator: "\n").first { $0.hasPrefix("vectorlogic_search_lane_answers_total ") }
                .flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        }
        return (answers, laneAnswers)
    }

    /// The answer with its volatile parts blanked: the date, generated request ids, timings and their lengths, key ids,
    /// seconds until a rate-limit bucket refills.
    static func answer(_ result: HTTPResult, log: String) -> Answer {
        var headers = result.headers
        #expect(headers["date"] != nil && headers["x-request-id"] != nil)
        headers["date"] = "*"
        // The timing's digits vary in number: the lengths are checked against the body, then blanked.
        #expect(headers["content-length"] == String(result.body.count))
        headers["content-length"] = "*"
        if headers["x-request-id"] != "lane-test-1" { headers["x-request-id"] = "*" }
        // Seconds until a bucket refills move on while a test runs (12 s on a loaded machine): blanked, present.
        for name in ["ratelimit-reset", "retry-after"] where headers[name] != nil { headers[name] = "*" }
        var body = result.text
        body = body.replacingOccurrences(of: #"retry in [0-9]+ s"#, with: "retry in * s", options: .regularExpression)
        for key in ["timestamp", "query_time_ms", "retry_after_seconds"] {
            body = body.replacingOccurrences(of: #""\#(key)":[0-9.e-]+"#, with: #""\#(key)":0"#, options: .regularExpression)
        }
        var fields: [String: String] = [:]
        if case .object(let object)? = try? JSONParser.parse(Array(log.utf8)) {
            for (key, value) in object.entries {
                switch key {
                case "ts", "duration_ms": fields[key] = "*"
                case "request_id": fields[key] = value.string == "lane-test-1" ? "lane-test-1" : "*"
                case "key_id": fields[key] = "*"
                case "bytes_out":
                    #expect(value.number == Double(result.body.count), "the log line counts the bytes sent")
                    fields[key] = "*"
                default: fields[key] = value.string ?? "\(value)"
                }
            }
        }
        return Answer(status: result.status, headers: headers, body: body, log: fields)
    }

    /// Every step answers the same with and without the lane, and the lane answered exactly the steps it should.
    @Test func answersMatchTheRouters() async throws {
        let (withLane, laned) = try await Self.run(lane: true, steps: Self.steps)
        let (without, notLaned) = try await Self.run(lane: false, steps: Self.steps)
        for (index, step) in Self.steps.enumerated() {
            #expect(withLane[index] == without[index], "\(step.name):\n lane   \(withLane[index])\n router \(without[index])")
        }
        #expect(laned == Self.steps.filter(\.laned).count, "the lane answered \(laned)")
        #expect(notLaned == 0)
        #expect(withLane[0].status == 200 && withLane[4].status == 404 && withLane[5].status == 400)
    }

    /// With keys on: no key and a bad key go to the router (401), a key without the read permission too (403); a valid
    /// key (header or bearer) is answered by the lane, with the same answer and log line (key id included) as the router's.
    @Test func keysAreCheckedAsTheRouterChecksThem() async throws {
        let admin = "lane-admin-key-0123456789"
        let configure: @Sendable (inout ServerConfiguration) -> Void = { $0.authEnabled = true; $0.adminKey = admin }
        let steps = [
            Step(name: "read key", json: #"{"vector":[1,0,0],"k":2}"#, laned: true),
            Step(name: "no key", json: #"{"vector":[1,0,0]}"#, headers: [("X-API-Key", "")], laned: false),
            Step(name: "bad key", json: #"{"vector":[1,0,0]}"#, headers: [("X-API-Key", "vdb_" + String(repeating: "0", count: 64))], laned: false),
            Step(name: "bearer admin", json: #"{"vector":[1,0,0]}"#, headers: [("Authorization", "Bearer " + admin)], laned: true),
        ]
        let keyed: @Sendable (TestServer) async throws -> [(String, String)] = { server in
            // Collections and vectors are made with the admin key, and the steps without their own key search with it.
            [("X-API-Key", admin)]
        }
        let (withLane, laned) = try await Self.run(lane: true, steps: steps, configure: configure, keyed: keyed)
        let (without, _) = try await Self.run(lane: false, steps: steps, configure: configure, keyed: keyed)
        #expect(withLane.map(\.status) == [200, 401, 401, 200])
        for (index, step) in steps.enumerated() {
            #expect(withLane[index] == without[index], "\(step.name):\n lane   \(withLane[index])\n router \(without[index])")
        }
        #expect(withLane[0].log["key_id"] == "*", "the lane logs the key id")
        #expect(laned == 2)

        // A key without `read` is refused by the router, not answered by the lane.
        try await withServer(configure: { configure(&$0) }) { server in
            let asAdmin = [("X-API-Key", admin)]
            _ = try await server.call("POST", "/v1/collections", #"{"name":"s","dimension":3}"#, headers: asAdmin)
            let writer = try await server.key("write", admin: admin)
            let refused = try await server.call("POST", "/v1/collections/s/search", #"{"vector":[1,0,0]}"#, headers: writer)
            #expect(refused.status == 403)
            let reader = try await server.key("read", admin: admin)
            #expect(try await server.call("POST", "/v1/collections/s/search", #"{"vector":[1,0,0]}"#, headers: reader).status == 200)
            let metrics = try await server.call("GET", "/metrics", headers: asAdmin).text
            #expect(metrics.contains("vectorlogic_search_lane_answers_total 1\n"), "only the read key's search took the lane")
        }
    }

    /// Rate limits: the lane charges the same buckets, adds the same headers, and answers the 429 itself (so the
    /// request is charged once), the same 429 the router sends.
    @Test func rateLimitsChargeOnceAndAnswerAlike() async throws {
        let configure: @Sendable (inout ServerConfiguration) -> Void = { $0.searchRateLimitPerClient = 3; $0.rateLimitPerClient = 100 }
        let steps = (0..<4).map { Step(name: "search \($0)", json: #"{"vector":[1,0,0],"k":1}"#, laned: $0 < 3) }
        let (withLane, laned) = try await Self.run(lane: true, steps: steps, configure: configure)
        let (without, _) = try await Self.run(lane: false, steps: steps, configure: configure)
        #expect(withLane.map(\.status) == [200, 200, 200, 429])
        #expect(withLane[0].headers["ratelimit-remaining"] == "2" && withLane[2].headers["ratelimit-remaining"] == "0")
        #expect(withLane[3].headers["retry-after"] != nil && withLane[3].body.contains("rate_limited"))
        for (index, step) in steps.enumerated() {
            #expect(withLane[index] == without[index], "\(step.name):\n lane   \(withLane[index])\n router \(without[index])")
        }
        #expect(laned == 4, "the lane answered the 429 too")
    }

    /// Pipelined requests are answered in the order they were sent, whichever path each takes: all four requests arrive in
    /// one read, and without the lane's count of the router's unanswered requests the second would be answered first.
    @Test func pipelinedAnswersKeepTheirOrder() async throws {
        try await withServer { server in
            for (path, json) in Self.setup { _ = try await server.call("POST", path, json) }
            func request(_ path: String, _ json: String, close: Bool = false) -> String {
                "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + (close ? "Connection: close\r\n" : "") + "Content-Length: \(json.utf8.count)\r\n\r\n" + json
            }
            let payload = request("/v1/collections/s/search", #"{"query":"text goes to the router"}"#)
                + request("/v1/collections/s/search", #"{"vector":[1,0,0],"k":1}"#)
                + request("/v1/collections/nope/search", #"{"vector":[1,0,0]}"#)
                + request("/v1/collections/s/search", #"{"vector":[0,1,0],"k":2}"#, close: true)
                + request("/v1/collections/s/search", #"{"vector":[0,0,1],"k":3}"#)
            let reply = try await HTTPTestClient.exchange(port: server.port, Array(payload.utf8))
            let text = String(decoding: reply, as: UTF8.self)
            let statuses = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
            #expect(statuses == ["400", "200", "404", "200"], "answers in request order, none after the close: \(text)")
            let counts = text.components(separatedBy: #""count":"#).dropFirst().map { String($0.prefix(1)) }
            #expect(counts == ["1", "2"], "the two searches' answers in order: \(counts)")
        }
    }

    /// A client that pipelines searches and reads none of its answers holds the server back (the lane leaves requests
    /// to the router while the connection cannot take more output); once it reads, every answer arrives complete.
    /// Before: the lane answered every request it read, so the server read on and queued answers without bound.
    @Test func aClientThatDoesNotReadIsNotAnsweredAhead() async throws {
        try await withServer { server in
            // Ten rows with 60 KB of metadata each: an answer is ~600 KB, past the write high-water mark (64 KiB) and a
            // seventh of the most the kernel buffers for a socket's output here (tcp_wmem max 4 MiB).
            let blob = String(repeating: "m", count: 60_000)
            let rows = (0..<10).map { #"{"id":"r\#($0)","values":[1,\#($0),0],"metadata":{"blob":"\#(blob)"}}"# }
            _ = try await server.call("POST", "/v1/collections", #"{"name":"s","dimension":3,"metric":"cosine"}"#)
            let made = try await server.call("POST", "/v1/collections/s/vectors", #"{"vectors":["# + rows.joined(separator: ",") + "]}")
            #expect(made.status == 200, "\(made.text)")
            let json = #"{"vector":[1,1,0],"k":10,"include_metadata":true}"#
            let one = "POST /v1/collections/s/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(json.utf8.count)\r\n\r\n" + json
            let requests = 60  // 10 KB of requests: all of them reach the server at once
            let payload = Array(String(repeating: one, count: requests).utf8)
            let fd = try HTTPTestClient.connectedSocket(port: server.port, timeoutSeconds: 30, receiveBuffer: 4_096)
            defer { close(fd) }
            var sent = 0
            while sent < payload.count {
                let count = payload.withUnsafeBytes { raw in send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL)) }
                guard count > 0 else { break }
                sent += count
            }
            #expect(sent == payload.count)
            try await Task.sleep(for: .seconds(1))
            func searchesAnswered() async throws -> Int {
                let metrics = try await server.call("GET", "/metrics").text
                return metrics.split(separator: "\n")
                    .filter { $0.hasPrefix("vectorlogic_http_requests_total{") && $0.contains("/search\"") }
                    .compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
            }
            // A few answers fill the socket buffers and the first queued one; the rest wait for the client (all 60 before).
            let ahead = try await searchesAnswered()
            #expect(ahead <= 20, "answered \(ahead) of \(requests) searches to a client that reads nothing")
            // Now read: every answer arrives, complete.
            let bodies = try await Task.detached { () throws -> [String] in
                var buffer: [UInt8] = []
                var bodies: [String] = []
                var chunk = [UInt8](repeating: 0, count: 1 << 16)
                let separator = Array("\r\n\r\n".utf8)
                // Bounded: each pass reads ≥ 1 byte or stops; at most `requests` answers of < 1 MB each are expected.
                while bodies.count < requests, buffer.count < requests << 20 {
                    let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
                    guard count > 0 else { break }
                    buffer.append(contentsOf: chunk[0..<count])
                    // Take every complete answer at the front of the buffer.
                    while let headEnd = buffer.firstRange(of: separator)?.lowerBound {
                        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
                        guard head.hasPrefix("HTTP/1.1 200"),
                              let lengthLine = head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
                              let length = Int(lengthLine.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else {
                            throw HTTPClientError(description: "unexpected answer head: \(head)")
                        }
                        let bodyStart = headEnd + separator.count
                        guard buffer.count >= bodyStart + length else { break }
                        bodies.append(String(decoding: buffer[bodyStart..<(bodyStart + length)], as: UTF8.self))
                        buffer.removeFirst(bodyStart + length)
                    }
                }
                return bodies
            }.value
            #expect(bodies.count == requests, "every search answered once the client reads")
            #expect(bodies.allSatisfy { $0.components(separatedBy: #""id":"r"#).count - 1 == 10 }, "each answer has all ten rows")
        }
    }

    /// `HTTPDate` formats like Hummingbird's `Date` header.
    @Test func dateHeaderFormat() {
        #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(1_796_354_539) == "Fri, 04 Dec 2026 03:22:19 GMT")
        #expect(HTTPDate.format(951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
    }
}

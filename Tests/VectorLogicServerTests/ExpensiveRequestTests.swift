import Foundation
import Testing
import VectorLogicJSON
import VectorLogicPersonas

/// Issue 8: one expensive request must not freeze the server. For each kind of worst-case request (at the limits),
/// several copies run at once — more than the machine has cores, so on the old code every thread that serves
/// connections was busy — while `/health` is asked over fresh connections and must answer within 100 ms.
///
/// Not named "Concurrency": these scan thousands of rows and are too slow to also run under ThreadSanitizer.
@Suite(.serialized) struct ExpensiveRequestTests {
    static let rows = 3_000
    /// Copies of the expensive request in flight at once.
    static let copies = 2 * ProcessInfo.processInfo.activeProcessorCount

    /// A `$or` at the clause limit (1 + 1,023 clauses) that matches no row, so every row evaluates every branch.
    static let maxOrFilter = #"{"$or":["# + (1..<1_024).map { #"{"n":-\#($0)}"# }.joined(separator: ",") + "]}"
    /// A `$in` at the term limit that matches no row.
    static let maxInFilter = #"{"n":{"$in":["# + (1...4_096).map { "-\($0)" }.joined(separator: ",") + "]}}"

    /// Fills collection `big` (dimension 4, HNSW) with `rows` vectors whose metadata is `{"n":i,"tag":"t<i%10>"}`.
    static func fill(_ server: TestServer) async throws {
        let made = try await server.call("POST", "/v1/collections", #"{"name":"big","dimension":4,"metric":"euclidean"}"#)
        #expect(made.status == 201 || made.status == 200, "\(made.text)")
        for start in stride(from: 0, to: rows, by: 1_000) {
            let items = (start..<start + 1_000).map { i in
                #"{"id":"v\#(i)","values":[\#(Float(i % 97)),\#(Float(i % 13)),\#(Float(i % 7)),1],"metadata":{"n":\#(i),"tag":"t\#(i % 10)"}}"#
            }
            let answer = try await server.call("POST", "/v1/collections/big/vectors", #"{"vectors":[\#(items.joined(separator: ","))]}"#)
            #expect(answer.status == 200)
        }
        // Let the background indexer finish, so it does not compete with what is measured.
        for _ in 0..<600 {
            let stats = try await server.call("GET", "/v1/stats")
            if stats.data?["unindexed_vectors"]?.number == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// GET /health on its own connection and thread, timed on that thread (so a busy cooperative pool in this test
    /// process cannot inflate the measurement): status and seconds.
    static func timedHealth(port: Int) async throws -> (status: Int, seconds: Double) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let request = Array("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
                let start = ContinuousClock.now
                do {
                    let raw = try HTTPTestClient.blockingExchange(port: port, request)
                    let elapsed = ContinuousClock.now - start
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    continuation.resume(returning: (try HTTPTestClient.parse(raw).status, seconds))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Five timed `/health` calls, sorted.
    static func healthLatencies(port: Int) async throws -> [Double] {
        var latencies: [Double] = []
        for _ in 0..<5 {
            let (status, seconds) = try await timedHealth(port: port)
            #expect(status == 200)
            latencies.append(seconds)
            try await Task.sleep(for: .milliseconds(20))
        }
        return latencies.sorted()
    }

    /// Runs `copies` of `request` at once and, while they run, asks `/health` five times. Expects the median /health
    /// answer within 100 ms — plus twice the median measured just before without the load, since other test suites
    /// (and other processes) share this machine's cores — and every answer within 500 ms more; returns the answers.
    static func expectHealthyDuring(_ server: TestServer, _ label: String, _ path: String, _ body: String?,
                                    method: String = "POST") async throws -> [HTTPResult] {
        let baseline = try await healthLatencies(port: server.port)[2]
        let heavy = Task {
            try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for _ in 0..<copies { group.addTask { try await server.call(method, path, body) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        try await Task.sleep(for: .milliseconds(150))
        let latencies = try await healthLatencies(port: server.port)
        let started = ContinuousClock.now
        let answers = try await heavy.value
        let stillRunning = ContinuousClock.now - started
        let shown = latencies.map { String(format: "%.1f", $0 * 1_000) }.joined(separator: ", ")
        print("\(label): /health in \(shown) ms while \(copies) copies ran (they ran on for \(stillRunning) more); "
              + "median without them \(String(format: "%.1f", baseline * 1_000)) ms")
        #expect(latencies[2] < 0.1 + 2 * baseline, "\(label): /health median \(latencies[2] * 1_000) ms, before \(baseline * 1_000) ms")
        #expect(latencies[4] < 0.5 + 2 * baseline, "\(label): /health slowest \(latencies[4] * 1_000) ms")
        // In a debug build several copies of a worst-case filter can outrun the 10 s budget: that answer is the clean 503.
        let timedOut = answers.filter { $0.status == 503 && $0.errorCode == "timeout" && $0.isCleanErrorEnvelope }
        if !timedOut.isEmpty { print("\(label): \(timedOut.count) of \(answers.count) stopped at the time budget") }
        return answers.filter { !($0.status == 503 && $0.errorCode == "timeout") }
    }

    @Test func healthAnswersDuringFilteredCountsAndSearches() async throws {
        try await withServer { server in
            try await Self.fill(server)
            for answer in try await Self.expectHealthyDuring(server, "count, $or at the clause limit", "/v1/collections/big/count",
                                                        #"{"filter":\#(Self.maxOrFilter)}"#) {
                #expect(answer.status == 200 && answer.data?["count"]?.number == 0, "\(answer.text.prefix(300))")
            }
            for answer in try await Self.expectHealthyDuring(server, "search, $or at the clause limit, k 1000, ef 4096",
                                                        "/v1/collections/big/search",
                                                        #"{"vector":[1,2,3,1],"k":1000,"ef":4096,"filter":\#(Self.maxOrFilter)}"#) {
                #expect(answer.status == 200 && answer.data?["matches"]?.array?.count == 0, "\(answer.text.prefix(300))")
            }
            for answer in try await Self.expectHealthyDuring(server, "count, $in at the term limit", "/v1/collections/big/count",
                                                        #"{"filter":\#(Self.maxInFilter)}"#) {
                #expect(answer.status == 200 && answer.data?["count"]?.number == 0, "\(answer.text.prefix(300))")
            }
            for answer in try await Self.expectHealthyDuring(server, "search, k 1000 x ef 4096, no filter", "/v1/collections/big/search",
                                                        #"{"vector":[1,2,3,1],"k":1000,"ef":4096,"include_values":true}"#) {
                #expect(answer.status == 200 && answer.data?["matches"]?.array?.count == 1_000, "\(answer.text.prefix(300))")
            }
            for answer in try await Self.expectHealthyDuring(server, "scroll, 10,000 rows with values and a filter", "/v1/collections/big/scroll",
                                                        #"{"limit":10000,"include_values":true,"filter":{"tag":{"$nin":["x"]}}}"#) {
                #expect(answer.status == 200 && answer.data?["vectors"]?.array?.count == Self.rows, "\(answer.text.prefix(300))")
            }
            for answer in try await Self.expectHealthyDuring(server, "delete by a filter at the clause limit",
                                                        "/v1/collections/big/vectors/delete", #"{"filter":\#(Self.maxOrFilter)}"#) {
                #expect(answer.status == 200 && answer.data?["deleted"]?.number == 0, "\(answer.text.prefix(300))")
            }
        }
    }

    /// Filters over the limits get a 400 naming the limit, at once — including the issue's 300,000-branch `$or`
    /// (4.7 MB, 234 s before) and a 63 MiB `$in` (RSS 55 → 905 MB before).
    @Test func oversizedFiltersAreRejectedQuickly() async throws {
        try await withServer { server in
            try await Self.fill(server)
            let branches = #"{"filter":{"$or":["# + (1...300_000).map { #"{"n":-\#($0)}"# }.joined(separator: ",") + "]}}"
            let clauses = #"{"filter":{"$or":["# + (1...1_024).map { #"{"n":-\#($0)}"# }.joined(separator: ",") + "]}}"
            let terms = #"{"filter":{"n":{"$in":["# + (1...4_097).map { "\($0)" }.joined(separator: ",") + "]}}}"
            var deep = #"{"a":1}"#
            for _ in 0..<16 { deep = #"{"$not":\#(deep)}"# }
            let cases: [(String, String, String)] = [
                ("300,000-branch $or", branches, "max_filter_bytes"), ("1,025 clauses", clauses, "max_filter_clauses"),
                ("4,097 $in terms", terms, "max_filter_in_terms"), ("16 levels", #"{"filter":\#(deep)}"#, "max_filter_depth"),
            ]
            for (label, body, limit) in cases {
                for path in ["/v1/collections/big/count", "/v1/collections/big/scroll", "/v1/collections/big/vectors/delete"] {
                    let start = ContinuousClock.now
                    let answer = try await server.call("POST", path, body)
                    let elapsed = ContinuousClock.now - start
                    #expect(answer.status == 400 && answer.errorCode == "invalid_filter", "\(label) \(path): \(answer.text.prefix(300))")
                    #expect(answer["details"]?["limit"]?.string == limit, "\(label): \(answer.text.prefix(300))")
                    #expect(answer["message"]?.string?.contains(limit) == true)
                    #expect(elapsed < .seconds(2), "\(label) took \(elapsed)")
                }
            }
            let search = try await server.call("POST", "/v1/collections/big/search", #"{"vector":[1,2,3,1],"#
                                               + clauses.dropFirst())
            #expect(search.status == 400 && search["details"]?["limit"]?.string == "max_filter_clauses", "\(search.text.prefix(300))")
            let shortRoute = try await server.call("GET", "/vectors/search?vector=1,2,3,4&filters="
                + (#"{"$or":["# + (1...1_024).map { #"{"n":\#($0)}"# }.joined(separator: ",") + "]}")
                    .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(shortRoute.status == 400 && shortRoute["details"]?["limit"]?.string == "max_filter_clauses", "\(shortRoute.text.prefix(300))")

            // A 63 MiB `$in`: refused after reading 256 KiB of it, while /health keeps answering.
            var huge = Array(#"{"filter":{"n":{"$in":["#.utf8)
            huge.reserveCapacity(63 << 20)
            var next = 0
            while huge.count < (63 << 20) - 16 {
                huge.append(contentsOf: "\(next),".utf8)
                next += 1
            }
            huge.append(contentsOf: "0]}}}".utf8)
            let payload = huge
            let big = Task { try await server.call("POST", "/v1/collections/big/count", body: payload) }
            let (status, seconds) = try await Self.timedHealth(port: server.port)
            #expect(status == 200 && seconds < 0.5, "/health took \(seconds) s during a 63 MiB filter")
            let answer = try await big.value
            #expect(answer.status == 400 && answer["details"]?["limit"]?.string == "max_filter_bytes", "\(answer.text.prefix(300))")

            // Batches over the limit stop being parsed at the limit.
            let ids = #"{"ids":["# + (0...10_000).map { #""i\#($0)""# }.joined(separator: ",") + "]}"
            let tooMany = try await server.call("POST", "/v1/collections/big/vectors/delete", ids)
            #expect(tooMany.status == 400 && tooMany["details"]?["limit"]?.string == "max_batch", "\(tooMany.text.prefix(300))")
        }
    }

    /// A persona memory search over many long memories runs off the event loops.
    @Test func healthAnswersDuringPersonaMemorySearches() async throws {
        let directory = TestServer.temporaryDirectory()
        let dimension = 1_536
        let store = try PersonaStore(dataDirectory: directory, durable: false)
        let persona = try store.createPersona(id: UUID().uuidString.lowercased(), { var s = PersonaSettings(name: "big"); s.maxMemorySize = 100_000; return s }())
        var rng = SystemRandomNumberGenerator()
        for index in 0..<4_000 {
            let vector = (0..<dimension).map { _ in Float.random(in: -1...1, using: &rng) }
            _ = try store.addMemory(id: UUID().uuidString.lowercased(), to: persona.id, NewMemory(content: "m\(index)", vector: vector))
        }
        store.close()
        try await withServer(directory: directory) { server in
            let query = (0..<dimension).map { String(Float($0 % 7) - 3) }.joined(separator: ",")
            for answer in try await Self.expectHealthyDuring(server, "persona memory search, 4,000 x 1,536, limit 1000",
                                                        "/personas/\(persona.id)/memories/search",
                                                        #"{"vector":[\#(query)],"limit":1000,"threshold":-1}"#) {
                #expect(answer.status == 200 && answer.data?["matches"]?.array?.count == 1_000, "\(answer.text.prefix(300))")
            }
        }
    }
}

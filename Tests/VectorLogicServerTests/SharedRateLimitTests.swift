import Foundation
import Testing
import VectorLogicTestSupport

/// Rate limits shared through a real `redis-server` by real `vectorlogic serve` processes (`--rate-limit-store`).
@Suite(.serialized) struct SharedRateLimitTests {
    /// Starts `serve` on `directory` with auth on and the shared store, and waits until the store is connected.
    static func serve(_ directory: String, redis: RedisTestServer, extra: [String] = []) async throws -> ServeProcessTests.Served {
        let served = try ServeProcessTests.Served(directory: directory, arguments: [
            "--auth", "on", "--rate-limit-store", redis.url, "--rate-limit-store-timeout-ms", "2000"] + extra)
        _ = await Task.detached { served.readFirstLine() }.value
        let port = try #require(served.port(), "\(served.firstLine)")
        var up = false
        for _ in 0..<400 where !up {
            up = (try? await HTTPTestClient.request(port: port, "GET", "/metrics"))?.text.contains("vectorlogic_rate_limit_store_up 1") == true
            if !up { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(up, "the server connected to Redis")
        return served
    }

    /// A key with 30 requests a minute, made offline in one data directory and copied to a second (one key, two servers).
    static func sharedKey(_ first: String, _ second: String) async throws -> String {
        try FileManager.default.createDirectory(atPath: first, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: second, withIntermediateDirectories: true)
        let made = try await ServerSnapshotTests.runCLI(["keys", "create", "--data-dir", first, "--name", "shared", "--permissions", "read",
                                                         "--rate-limit", "30"])
        #expect(made.status == 0, "\(made.stderr)")
        try FileManager.default.copyItem(atPath: first + "/keys.sqlite", toPath: second + "/keys.sqlite")
        return made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func stop(_ served: ServeProcessTests.Served) async {
        served.process.terminate()
        _ = await ServeProcessTests.wait(served.process, seconds: 30)
    }

    /// Two servers, one Redis, one key limited to 30 a minute: 30 answers in total across both, then 429 from either.
    @Test func twoServersShareOneKeysBudget() async throws {
        let redis = try RedisTestServer()
        let base = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let key = try await Self.sharedKey(base + "/a", base + "/b")
        let first = try await Self.serve(base + "/a", redis: redis)
        defer { if first.process.isRunning { kill(first.process.processIdentifier, SIGKILL) } }
        let second = try await Self.serve(base + "/b", redis: redis)
        defer { if second.process.isRunning { kill(second.process.processIdentifier, SIGKILL) } }
        let ports = [try #require(first.port()), try #require(second.port())]

        let start = ContinuousClock.now
        var statuses: [[Int]] = [[], []]
        var inOrder: [Int] = []
        // Until both servers have refused once (at most 200 calls): on a loaded machine calls slower than the 2 s refill
        // would never spend the budget within a fixed 40.
        for index in 0..<200 where !(statuses[0].contains(429) && statuses[1].contains(429)) {
            let answer = try await HTTPTestClient.request(port: ports[index % 2], "GET", "/v1/stats", headers: [("X-API-Key", key)])
            statuses[index % 2].append(answer.status)
            inOrder.append(answer.status)
            if answer.status == 429 { #expect(answer.errorCode == "rate_limited" && answer.headers["retry-after"] != nil) }
        }
        let elapsed = ContinuousClock.now - start
        let allowed = statuses.joined().filter { $0 == 200 }.count
        // 30 a minute refills one token every 2 s: a slow (loaded) machine may earn a few more during the burst.
        let refilled = Int(elapsed.components.seconds / 2) + 1
        #expect(allowed >= 30 && allowed <= 30 + refilled, "\(allowed) allowed in \(elapsed): \(statuses)")
        #expect(inOrder.prefix(30).allSatisfy { $0 == 200 }, "\(inOrder)")
        #expect(statuses[0].contains(429) && statuses[1].contains(429), "both servers refuse once the shared budget is spent: \(statuses)")
        #expect(Set(statuses.joined()).isSubset(of: [200, 429]))
        await Self.stop(first)
        await Self.stop(second)
    }

    /// Redis stopped mid-test: the default (fail open) lets requests through, counts each in
    /// `vectorlogic_rate_limit_store_errors_total` and logs a warning; once Redis is back the limit applies again.
    @Test func failOpenThenRecover() async throws {
        let redis = try RedisTestServer()
        let base = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let key = try await Self.sharedKey(base + "/a", base + "/unused")
        let served = try await Self.serve(base + "/a", redis: redis)
        defer { if served.process.isRunning { kill(served.process.processIdentifier, SIGKILL) } }
        let port = try #require(served.port())
        func stats() async throws -> Int {
            try await HTTPTestClient.request(port: port, "GET", "/v1/stats", headers: [("X-API-Key", key)]).status
        }
        var statuses: [Int] = []
        // Until the first 429: a slow (loaded) machine refills a token every 2 s during the burst, so 31 calls may not do.
        while statuses.count < 200, statuses.last != 429 { statuses.append(try await stats()) }
        #expect(statuses.last == 429 && statuses.count >= 31, "\(statuses)")

        redis.stop()
        var open: [Int] = []
        for _ in 0..<5 { open.append(try await stats()) }
        #expect(open.allSatisfy { $0 == 200 }, "fail open: \(open)")
        let metrics = try await HTTPTestClient.request(port: port, "GET", "/metrics").text
        #expect(metrics.contains("vectorlogic_rate_limit_store_errors_total"), "the failures are counted")
        #expect(metrics.contains("vectorlogic_rate_limit_store_up 0"))

        try redis.start()  // empty: the buckets start full again
        var limited = false
        for _ in 0..<200 where !limited {
            limited = try await stats() == 429
        }
        #expect(limited, "after Redis is back the limit applies again")
        await Self.stop(served)
        let stderr = String(decoding: served.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("rate-limit store did not answer; request let through"), "\(stderr.suffix(2_000))")
        #expect(stderr.contains("rate-limit store connected"))
    }

    /// `--rate-limit-store-failure closed`: while Redis is down every limited request gets 503 `unavailable` with
    /// `Retry-After`; open probes still answer; after Redis is back requests pass again.
    @Test func failClosedThenRecover() async throws {
        let redis = try RedisTestServer()
        let base = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let key = try await Self.sharedKey(base + "/a", base + "/unused")
        let served = try await Self.serve(base + "/a", redis: redis, extra: ["--rate-limit-store-failure", "closed"])
        defer { if served.process.isRunning { kill(served.process.processIdentifier, SIGKILL) } }
        let port = try #require(served.port())
        #expect(try await HTTPTestClient.request(port: port, "GET", "/v1/stats", headers: [("X-API-Key", key)]).status == 200)
        redis.stop()
        let refused = try await HTTPTestClient.request(port: port, "GET", "/v1/stats", headers: [("X-API-Key", key)])
        #expect(refused.status == 503 && refused.errorCode == "unavailable" && refused.headers["retry-after"] == "1", "\(refused.text)")
        #expect(try await HTTPTestClient.request(port: port, "GET", "/health").status == 200)
        try redis.start()
        var back = false
        for _ in 0..<400 where !back {
            back = try await HTTPTestClient.request(port: port, "GET", "/v1/stats", headers: [("X-API-Key", key)]).status == 200
            if !back { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(back)
        await Self.stop(served)
    }
}

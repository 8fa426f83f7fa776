import Testing
@testable import VectorLogicServer
import VectorLogicJSON
import VectorLogicAccess

/// Rate limits: the token buckets alone (with a hand-driven clock), then the server over real HTTP.
@Suite struct RateLimitTests {
    static let second: UInt64 = 1_000_000_000

    /// A client may burst `limit` requests, is then refused with a retry time, and gets one request back per
    /// window/limit of waiting.
    @Test func bucketsBurstThenRefillAtLimitPerWindow() {
        let limiter = RateLimiter(windowMilliseconds: 60_000)
        let charge = [RateLimiter.Charge(key: "ip a", limit: 3)]
        let t0: UInt64 = 5 * Self.second
        #expect((0..<3).map { _ in limiter.take(charge, now: t0).allowed } == [true, true, true])
        let denied = limiter.take(charge, now: t0)
        #expect(!denied.allowed && denied.remaining == 0 && denied.limit == 3)
        #expect(denied.retryAfterSeconds == 20, "one token per 20 s at 3 per minute")
        #expect(!limiter.take(charge, now: t0 + 19 * Self.second).allowed)
        let refilled = limiter.take(charge, now: t0 + 20 * Self.second)
        #expect(refilled.allowed && refilled.remaining == 0 && refilled.resetSeconds == 60)
        #expect(limiter.take([RateLimiter.Charge(key: "ip b", limit: 3)], now: t0).allowed, "clients are independent")
    }

    /// A request charged to two buckets takes from both or from neither.
    @Test func chargesAreAllOrNothing() {
        let limiter = RateLimiter(windowMilliseconds: 1_000)
        let both = [RateLimiter.Charge(key: "ip a", limit: 5), RateLimiter.Charge(key: "search a", limit: 1)]
        #expect(limiter.take(both, now: 0).allowed)
        let refused = limiter.take(both, now: 0)
        #expect(!refused.allowed && refused.limit == 1, "the tightest bucket is reported")
        let global = limiter.take([RateLimiter.Charge(key: "ip a", limit: 5)], now: 0)
        #expect(global.allowed && global.remaining == 3, "the refused search took nothing from the client's bucket")
    }

    /// The table never grows past its bound, whatever number of clients.
    @Test func tableStaysBounded() {
        let limiter = RateLimiter(windowMilliseconds: 1_000, maxBuckets: 100)
        for client in 0..<1_000 {
            _ = limiter.take([RateLimiter.Charge(key: "ip \(client)", limit: 2)], now: UInt64(client) * 1_000)
            #expect(limiter.bucketCount <= 100)
        }
    }

    /// A flood of requests from many addresses evicts idle and unlimited buckets first: a client that is being
    /// limited stays limited (issue 8 §5: 66,000 addresses used to clear the whole table).
    @Test func floodsOfAddressesDoNotResetALimitedClient() {
        let limiter = RateLimiter(windowMilliseconds: 60_000, maxBuckets: 1_000)
        let victim = [RateLimiter.Charge(key: "ip 10.0.0.1", limit: 2)]
        #expect(limiter.take(victim, now: 0).allowed && limiter.take(victim, now: 0).allowed)
        #expect(!limiter.take(victim, now: 0).allowed)
        for client in 0..<66_000 {
            _ = limiter.take([RateLimiter.Charge(key: "ip 127.\(client >> 16).\((client >> 8) & 255).\(client & 255)", limit: 2)],
                             now: UInt64(client))
            #expect(limiter.bucketCount <= 1_000)
        }
        #expect(!limiter.take(victim, now: 70_000).allowed, "the limited client is still limited after the flood")
    }

    /// IPv6 clients are bucketed by their /64; IPv4-mapped addresses count as IPv4.
    @Test func ipv6ClientsShareTheirSlash64() {
        #expect(RateLimiter.clientKey("2001:db8:1:2:aaaa::1") == RateLimiter.clientKey("2001:db8:1:2:bbbb:cccc:dddd:eeee"))
        #expect(RateLimiter.clientKey("2001:db8:1:2::1") == "2001:db8:1:2::/64")
        #expect(RateLimiter.clientKey("2001:db8:1:3::1") != RateLimiter.clientKey("2001:db8:1:2::1"))
        #expect(RateLimiter.clientKey("::1") == "0:0:0:0::/64")
        #expect(RateLimiter.clientKey("::ffff:10.1.2.3") == "10.1.2.3")
        #expect(RateLimiter.clientKey("10.1.2.3") == "10.1.2.3")
    }

    /// Over HTTP: allowed answers carry RateLimit-* headers; the limited one is 429 `rate_limited` with Retry-After,
    /// changes nothing, and is counted in /metrics; /health stays exempt; search has its own lower limit.
    @Test func serverAnswers429AndChangesNothing() async throws {
        try await withServer(configure: {
            $0.defaultDimension = 2
            $0.rateLimitPerClient = 4
            $0.searchRateLimitPerClient = 1
            // A day's window: 4 tokens refill one per 6 h, so a loaded machine's slow calls earn none back mid-test
            // (with the 60 s default one came back every 15 s and the limited call passed in CI).
            $0.rateLimitWindowMilliseconds = 86_400_000
        }) { server in
            let first = try await server.call("POST", "/v1/collections/default/vectors", #"{"vectors":[{"id":"a","values":[1,0]}]}"#)
            #expect(first.status == 200 && first.headers["ratelimit-limit"] == "4" && first.headers["ratelimit-remaining"] == "3")
            let search = try await server.call("POST", "/v1/collections/default/search", #"{"vector":[1,0],"k":1}"#)
            #expect(search.status == 200)
            let secondSearch = try await server.call("POST", "/v1/collections/default/search", #"{"vector":[1,0],"k":1}"#)
            #expect(secondSearch.status == 429 && secondSearch["error"] == .string("rate_limited"))
            #expect(secondSearch.headers["retry-after"].flatMap { Int($0) }.map { $0 >= 1 } == true)
            #expect(try await server.call("GET", "/v1/collections/default").headers["ratelimit-remaining"] == "1",
                    "the refused search took no token from the client's bucket")
            _ = try await server.call("GET", "/v1/collections")
            let limited = try await server.call("POST", "/v1/collections/default/vectors", #"{"vectors":[{"id":"b","values":[0,1]}]}"#)
            #expect(limited.status == 429 && limited["status"] == .string("error"))
            #expect(limited.headers["ratelimit-remaining"] == "0" && limited.headers["retry-after"] != nil)
            for _ in 0..<5 { #expect(try await server.call("GET", "/health").status == 200) }
            #expect(try server.database.count("default", filter: nil) == 1, "the limited upsert changed nothing")
            let metrics = try await server.call("GET", "/metrics")
            #expect(metrics.text.contains(#"vectorlogic_rate_limited_total{class="search"} 1"#))
            #expect(metrics.text.contains(#"vectorlogic_rate_limited_total{class="other"} 1"#))
        }
    }
}

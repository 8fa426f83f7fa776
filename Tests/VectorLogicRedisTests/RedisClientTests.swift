import Foundation
import NIOCore
import Testing
import VectorLogicRedis
import VectorLogicTestSupport

/// The client against a real `redis-server`: commands and error replies, the URL's database, pipelining under
/// concurrency, the timeout (a late reply is dropped, not handed to the next command), and reconnection after an outage.
@Suite(.serialized) struct RedisClientTests {
    static func connected(_ url: String, timeout: TimeAmount = .seconds(5), events: EventLog? = nil) async throws -> RedisClient {
        let client = RedisClient(url: try #require(RedisURL(url)), timeout: timeout, initialBackoff: .milliseconds(50),
                                 maxBackoff: .milliseconds(400)) { event in events?.append(event) }
        client.start()
        for _ in 0..<400 where !client.isConnected { try await Task.sleep(for: .milliseconds(25)) }
        #expect(client.isConnected)
        return client
    }

    final class EventLog: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [RedisClient.Event] = []
        func append(_ event: RedisClient.Event) { lock.withLock { events.append(event) } }
        var all: [RedisClient.Event] { lock.withLock { events } }
    }

    @Test func commandsRepliesAndDatabases() async throws {
        let redis = try RedisTestServer()
        let client = try await Self.connected(redis.url + "/3")
        #expect(try await client.send(["PING"]) == .simpleString("PONG"))
        #expect(try await client.send(["SET", "k", "v"]) == .simpleString("OK"))
        #expect(try await client.send(["GET", "k"]) == .bulkString(Array("v".utf8)))
        guard case .error(let message) = try await client.send(["NOSUCHCOMMAND"]) else { Issue.record("no error reply"); return }
        #expect(message.hasPrefix("ERR"))
        let other = try await Self.connected(redis.url)
        #expect(try await other.send(["GET", "k"]) == .bulkString(nil), "the URL's /3 selected database 3")
        await client.close()
        await other.close()
        await #expect(throws: RedisError.shutdown) { try await client.send(["PING"]) }
    }

    /// 200 concurrent commands on one pipelined connection each get their own reply.
    @Test func pipelinedRepliesMatchTheirCommands() async throws {
        let redis = try RedisTestServer()
        let client = try await Self.connected(redis.url)
        let replies = try await withThrowingTaskGroup(of: RESPValue.self) { group in
            for index in 0..<200 { group.addTask { try await client.send(["ECHO", "m\(index)"]) } }
            var all: [RESPValue] = []
            for try await reply in group { all.append(reply) }
            return all
        }
        #expect(Set(replies.compactMap(\.string)) == Set((0..<200).map { "m\($0)" }))
        await client.close()
    }

    /// A command stuck behind a slow script times out within its bound; its late reply is dropped and the next
    /// command gets its own.
    @Test func timeoutsBoundTheWaitAndLateRepliesAreDropped() async throws {
        let redis = try RedisTestServer()
        let client = try await Self.connected(redis.url, timeout: .milliseconds(150))
        let busy = "local t = redis.call('TIME'); local s = t[1] * 1000000 + t[2]; repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - s > 600000; return 'slow'"
        let start = ContinuousClock.now
        await #expect(throws: RedisError.timedOut(milliseconds: 150)) { try await client.send(["EVAL", busy, "0"]) }
        #expect(ContinuousClock.now - start < .milliseconds(1_500))
        try await Task.sleep(for: .milliseconds(900))  // the script ends; its reply arrives and is dropped
        #expect(try await client.send(["ECHO", "after"]) == .bulkString(Array("after".utf8)))
        await client.close()
    }

    /// While Redis is down, commands fail at once (no waiting); after it comes back the client reconnects by itself.
    @Test func reconnectsAfterAnOutage() async throws {
        let redis = try RedisTestServer()
        let events = EventLog()
        let client = try await Self.connected(redis.url, timeout: .milliseconds(500), events: events)
        redis.stop()
        var failed = false
        for _ in 0..<100 where !failed {
            do { _ = try await client.send(["PING"]) } catch { failed = true }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(failed)
        let start = ContinuousClock.now
        await #expect(throws: RedisError.self) { try await client.send(["PING"]) }
        #expect(ContinuousClock.now - start < .milliseconds(100), "a down store fails fast")
        try redis.start()
        var back = false
        for _ in 0..<400 where !back {
            back = (try? await client.send(["PING"])) == .simpleString("PONG")
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(back)
        #expect(events.all.first == .connected && events.all.contains { if case .disconnected = $0 { return true } else { return false } })
        #expect(events.all.last == .connected)
        await client.close()
    }
}

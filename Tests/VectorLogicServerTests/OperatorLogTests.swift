import Foundation
import Testing
import VectorLogicJSON
@testable import VectorLogicServer

/// Request log lines an operator can use: who (client address, user agent, key id — never the secret) and how much
/// (bytes in and out); `X-Forwarded-For` believed only from `--trusted-proxies`.
@Suite struct OperatorLogTests {
    static let admin = "operator-test-admin-key-0123456789"

    static func requestLine(_ server: TestServer, _ requestID: String) throws -> JSONValue {
        // A request slower than `slowRequestMilliseconds` (a crowded test machine) is logged as "slow request": same fields.
        let line = try #require(server.logs.all.first {
            $0.contains(requestID) && ($0.contains(#""msg":"request""#) || $0.contains(#""msg":"slow request""#))
        })
        return try #require(try? JSONParser.parse(Array(line.utf8)))
    }

    /// A keyed upsert's line names the client, the user agent cut to 200 characters, the key id, and the exact body
    /// bytes both ways; the key's secret appears in no line.
    @Test func requestLinesSayWhoAndHowMuch() async throws {
        try await withServer(configure: { $0.defaultDimension = 2; $0.authEnabled = true; $0.adminKey = Self.admin }) { server in
            let body = #"{"vectors":[{"id":"a","values":[1,0]}]}"#
            let agent = "test-agent/1.0 (" + String(repeating: "x", count: 300) + ")"
            let answer = try await server.call("POST", "/v1/collections/default/vectors", body, headers: [
                ("X-API-Key", Self.admin), ("User-Agent", agent), ("X-Request-Id", "oplog-1")])
            #expect(answer.status == 200)
            let line = try Self.requestLine(server, "oplog-1")
            let keyID = try #require(server.keys.list().first?.id)
            #expect(line["client"]?.string == "127.0.0.1")
            #expect(line["user_agent"]?.string == String(agent.prefix(200)))
            #expect(line["key_id"]?.string == keyID)
            #expect(line["bytes_in"]?.number == Double(body.utf8.count))
            #expect(line["bytes_out"]?.number == Double(answer.body.count))
            #expect(!server.logs.all.joined().contains(Self.admin))
            // A request with no key checked (an open route) has no key_id.
            _ = try await server.call("GET", "/health", headers: [("X-Request-Id", "oplog-2")])
            #expect(try Self.requestLine(server, "oplog-2")["key_id"] == nil)
        }
    }

    /// A chunked body declares no length: the bytes the handler read are counted.
    @Test func chunkedBodiesAreCounted() async throws {
        try await withServer(configure: { $0.defaultDimension = 2 }) { server in
            let body = #"{"vectors":[{"id":"c","values":[0,1]}]}"#
            let half = body.utf8.count / 2
            let chunks = [String(body.prefix(half)), String(body.dropFirst(half))]
                .map { String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n" }.joined() + "0\r\n\r\n"
            let head = "POST /v1/collections/default/vectors HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nX-Request-Id: oplog-chunked\r\n\r\n"
            let answer = try HTTPTestClient.parse(try await HTTPTestClient.exchange(port: server.port, Array((head + chunks).utf8)))
            #expect(answer.status == 200)
            #expect(try Self.requestLine(server, "oplog-chunked")["bytes_in"]?.number == Double(body.utf8.count))
        }
    }

    /// By default `X-Forwarded-For` is ignored (a client cannot pick its own bucket). With the peer trusted, the
    /// rightmost untrusted hop is the client: forged hops to its left are ignored, and rate limits follow it.
    @Test func forwardedForOnlyFromTrustedProxies() async throws {
        try await withServer(configure: { $0.defaultDimension = 2; $0.rateLimitPerClient = 1 }) { server in
            _ = try await server.call("GET", "/v1/collections", headers: [("X-Forwarded-For", "203.0.113.9"), ("X-Request-Id", "xff-1")])
            #expect(try Self.requestLine(server, "xff-1")["client"]?.string == "127.0.0.1")
            let second = try await server.call("GET", "/v1/collections", headers: [("X-Forwarded-For", "203.0.113.10")])
            #expect(second.status == 429, "a forged header does not buy a new bucket")
        }
        try await withServer(configure: {
            $0.defaultDimension = 2
            $0.rateLimitPerClient = 1
            $0.trustedProxies = ["127.0.0.0/8", "10.0.0.0/8"].compactMap(IPNetwork.init)
        }) { server in
            let first = try await server.call("GET", "/v1/collections", headers: [
                ("X-Forwarded-For", "198.51.100.7, 203.0.113.9, 10.1.2.3"), ("X-Request-Id", "xff-2")])
            #expect(first.status == 200)
            #expect(try Self.requestLine(server, "xff-2")["client"]?.string == "203.0.113.9")
            #expect(try await server.call("GET", "/v1/collections", headers: [("X-Forwarded-For", "203.0.113.9")]).status == 429)
            #expect(try await server.call("GET", "/v1/collections", headers: [("X-Forwarded-For", "203.0.113.10")]).status == 200)
        }
    }

    /// CIDR blocks of both families, IPv4-mapped peers, and the right-to-left walk.
    @Test func trustedProxyMatching() throws {
        let trusted = try ["10.0.0.0/8", "2001:db8::/32", "192.168.1.1"].map { try #require(IPNetwork($0)) }
        func client(_ peer: String, _ header: [String]) -> String {
            ForwardedClient.address(peer: peer, forwardedFor: header, trusted: trusted)
        }
        #expect(client("10.9.9.9", ["1.2.3.4"]) == "1.2.3.4")
        #expect(client("::ffff:10.9.9.9", ["1.2.3.4"]) == "1.2.3.4")
        #expect(client("2001:db8:1::5", ["2001:db9::1"]) == "2001:db9::1")
        #expect(client("192.168.1.2", ["1.2.3.4"]) == "192.168.1.2", "an untrusted peer's header is ignored")
        #expect(client("10.0.0.1", ["6.6.6.6, 1.2.3.4", "10.0.0.2"]) == "1.2.3.4", "several header lines, forged left hop")
        #expect(client("10.0.0.1", ["garbage, 1.2.3.4"]) == "1.2.3.4")
        #expect(client("10.0.0.1", ["1.2.3.4, garbage"]) == "10.0.0.1", "an unparsable hop ends the walk")
        #expect(client("10.0.0.1", ["10.0.0.3"]) == "10.0.0.3", "all hops trusted: the leftmost")
        for bad in ["10.0.0.0/33", "300.1.1.1", "1.2.3", "::1/129", "1::2::3", "10.0.0.0/", "abc", "fe80::1/x"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.resolve(arguments: ["--trusted-proxies", "10.0.0.0/8,nope"], environment: [:]) }
        #expect(try ServerConfiguration.resolve(arguments: [], environment: [:]).trustedProxies.isEmpty)
    }

    /// Log levels accept the names other tools use; text lines quote values that hold spaces.
    @Test func logLevelNamesAndTextQuoting() throws {
        for (given, level) in [("warn", "warning"), ("WARNING", "warning"), ("err", "error"), ("fatal", "critical"), ("debug", "debug")] {
            #expect(try ServerConfiguration.resolve(arguments: ["--log-level", given], environment: [:]).logLevel == level)
        }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.resolve(arguments: ["--log-level", "loud"], environment: [:]) }
        #expect(LineLogHandler.textValue("curl/8.5.0") == "curl/8.5.0")
        #expect(LineLogHandler.textValue("Mozilla/5.0 (X11; Linux)") == #""Mozilla/5.0 (X11; Linux)""#)
        #expect(LineLogHandler.textValue("a=b") == #""a=b""#)
    }
}

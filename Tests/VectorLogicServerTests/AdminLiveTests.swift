import Foundation
import Testing
import VectorLogicJSON
#if canImport(Glibc)
import Glibc
#endif

/// The admin console's push channel (`GET /v1/admin/live`) over real sockets: it needs a key, it is capped, a client
/// that stops reading is dropped, its frames carry the figures of /metrics, and nothing ticks while nobody watches.
@Suite struct AdminLiveTests {
    static let admin = "admin-live-admin-key-0123456789"

    /// A live stream on a raw socket, read incrementally (a blocking socket, used off the cooperative pool).
    final class Stream: @unchecked Sendable {
        let fd: Int32
        private(set) var received: [UInt8] = []

        /// Connects and sends the request; `receiveBuffer` shrinks SO_RCVBUF first (a client that reads slowly).
        init(port: Int, key: String?, accept: String = "text/event-stream", receiveBuffer: Int32? = nil) throws {
            fd = try HTTPTestClient.connectedSocket(port: port, timeoutSeconds: 30, receiveBuffer: receiveBuffer)
            var head = "GET /v1/admin/live HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: \(accept)\r\n"
            if let key { head += "X-API-Key: \(key)\r\n" }
            head += "\r\n"
            let bytes = Array(head.utf8)
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
        }

        deinit { close(fd) }

        /// Hangs up (both directions), as a closed browser tab does.
        func hangUp() { shutdown(fd, Int32(SHUT_RDWR)) }

        /// Runs blocking socket work on a thread of its own: the cooperative pool must stay free for the server.
        private func offPool(_ work: @escaping @Sendable () -> Bool) async -> Bool {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: work()) }
            }
        }

        /// Reads until `text` has arrived `times` times in all; false on EOF, error or timeout first.
        func read(until text: String, times: Int = 1) async -> Bool {
            await offPool { [self] in
                var chunk = [UInt8](repeating: 0, count: 16_384)
                while self.count(text) < times {
                    let count = chunk.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress!, $0.count, 0) }
                    if count <= 0 { return false }
                    self.received.append(contentsOf: chunk[0..<count])
                }
                return true
            }
        }

        /// Reads until the server closes the connection (true) or 30 s pass (false).
        func readToEnd() async -> Bool {
            await offPool { [self] in
                var chunk = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = chunk.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress!, $0.count, 0) }
                    if count == 0 { return true }
                    if count < 0 { return errno == ECONNRESET }
                }
            }
        }

        func count(_ text: String) -> Int {
            String(decoding: received, as: UTF8.self).components(separatedBy: text).count - 1
        }

        var text: String { String(decoding: received, as: UTF8.self) }

        /// The status code of the answer's head.
        var status: Int? {
            text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
        }

        /// The JSON of the last complete `figures` event.
        var lastFigures: JSONValue? {
            let events = text.components(separatedBy: "event: figures\ndata: ").dropFirst()
            guard let line = events.last(where: { $0.contains("\n\n") })?.components(separatedBy: "\n").first else { return nil }
            return try? JSONParser.parse(Array(line.utf8))
        }
    }

    /// The sum of a /metrics series over its labels.
    static func metric(_ server: TestServer, _ name: String) async throws -> Double {
        let text = try await server.call("GET", "/metrics").text
        return text.split(separator: "\n").filter { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    /// Polls `condition` every 50 ms for up to `seconds`.
    static func eventually(seconds: Double = 20, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// No key: 401 and no stream; a read key streams; a request that does not accept event streams gets 406.
    @Test func theStreamNeedsAKeyAndAnEventStreamAccept() async throws {
        try await withServer(configure: {
            $0.adminKey = Self.admin
            $0.authEnabled = true
            $0.adminFrameIntervalMilliseconds = 50
        }) { server in
            let anonymous = try Stream(port: server.port, key: nil)
            _ = await anonymous.read(until: "}")
            #expect(anonymous.status == 401, "\(anonymous.text)")
            #expect(anonymous.count("event:") == 0)
            #expect(try await server.call("GET", "/v1/admin/live", headers: [("X-API-Key", Self.admin)]).status == 406)
            let made = try await server.call("POST", "/v1/keys", #"{"name":"viewer","permissions":["read"]}"#,
                                             headers: [("X-API-Key", Self.admin)])
            let reader = try #require(made.data?["key"]?.string)
            let stream = try Stream(port: server.port, key: reader)
            #expect(await stream.read(until: "event: figures", times: 2))
            #expect(stream.status == 200 && stream.text.lowercased().contains("content-type: text/event-stream"))
            #expect(stream.text.contains("event: hello"))
        }
    }

    /// At most `adminMaxStreams` streams: one more gets 503 `overloaded`; when one closes, a new one is served.
    @Test func streamsAreCappedBySetting() async throws {
        try await withServer(configure: { $0.adminMaxStreams = 2; $0.adminFrameIntervalMilliseconds = 50 }) { server in
            let open = [try Stream(port: server.port, key: nil), try Stream(port: server.port, key: nil)]
            for stream in open { #expect(await stream.read(until: "event: hello")) }
            let third = try Stream(port: server.port, key: nil)
            _ = await third.read(until: "\r\n\r\n")
            #expect(third.status == 503 && third.text.contains("overloaded"), "\(third.text)")
            open[0].hangUp()
            #expect(try await Self.eventually { try await Self.metric(server, "vectorlogic_admin_streams") == 1 })
            let fourth = try Stream(port: server.port, key: nil)
            #expect(await fourth.read(until: "event: figures"))
            #expect(fourth.status == 200)
        }
    }

    /// A client that stops reading fills its socket buffers; its pending write then exceeds five intervals and the
    /// server closes the connection (counted in `vectorlogic_admin_streams_dropped_total`) instead of buffering more.
    @Test func aStalledClientIsDropped() async throws {
        try await withServer(configure: { $0.adminFrameIntervalMilliseconds = 10 }) { server in
            let stalled = try Stream(port: server.port, key: nil, receiveBuffer: 4_096)
            #expect(try await Self.eventually(seconds: 60) {
                try await Self.metric(server, "vectorlogic_admin_streams_dropped_total") == 1
            })
            #expect(try await Self.eventually { try await Self.metric(server, "vectorlogic_admin_streams") == 0 })
            #expect(await stalled.readToEnd(), "the server closed the stalled stream")
        }
    }

    /// Frames carry the figures of /metrics (requests counted there show up as requests/s), and once the last stream
    /// closes no frame is made: the frame counter stands still.
    @Test func framesCarryTheMetricsAndStopWhenNobodyWatches() async throws {
        try await withServer(configure: { $0.adminFrameIntervalMilliseconds = 200 }) { server in
            let stream = try Stream(port: server.port, key: nil)
            #expect(await stream.read(until: "event: figures"))
            for _ in 0..<20 { _ = try await server.call("POST", "/v1/collections/default/search", #"{"vector":[1,0,0,0],"k":1}"#) }
            let seen = await stream.read(until: "event: figures", times: 3)
            #expect(seen)
            let figures = try #require(stream.lastFigures, "\(stream.text)")
            let keys = ["connections", "requests_per_s", "searches_per_s", "p50_ms", "p99_ms", "ingest_vectors_per_s", "cpu_percent",
                        "rss_bytes", "memory_percent", "disk_bytes", "fsyncs_per_s", "memtable_rows", "segments", "flushes_running",
                        "compactions_running", "rate_limited_per_s", "auth_failed_per_s"]
            guard case .object(let object) = figures else { Issue.record("not an object"); return }
            for key in keys { #expect(object[key] != nil, "\(key)") }
            #expect((figures["connections"]?.number ?? 0) >= 1)
            let frames = stream.text.components(separatedBy: "event: figures\ndata: ").dropFirst().compactMap {
                try? JSONParser.parse(Array(($0.components(separatedBy: "\n").first ?? "").utf8))
            }
            #expect(frames.contains { ($0["searches_per_s"]?.number ?? 0) > 0 && $0["p99_ms"]?.number != nil },
                    "the searches appear in a frame: \(stream.text)")
            #expect((figures["disk_bytes"]?.number ?? 0) > 0)
            stream.hangUp()
            #expect(try await Self.eventually { try await Self.metric(server, "vectorlogic_admin_streams") == 0 })
            let before = try await Self.metric(server, "vectorlogic_admin_frames_total")
            try await Task.sleep(for: .milliseconds(800))
            #expect(try await Self.metric(server, "vectorlogic_admin_frames_total") == before, "no frame while nobody watches")
        }
    }

    /// SIGTERM with a dashboard open: the stream ends (it never holds the graceful shutdown open) and the process
    /// exits 0 promptly.
    @Test func openStreamsEndAtGracefulShutdown() async throws {
        let served = try ServeProcessTests.Served(directory: TestServer.temporaryDirectory())
        defer { if served.process.isRunning { kill(served.process.processIdentifier, SIGKILL) } }
        _ = await Task.detached { served.readFirstLine() }.value
        let port = try #require(served.port())
        let stream = try Stream(port: port, key: nil)
        #expect(await stream.read(until: "event: figures"))
        served.process.terminate()
        #expect(await stream.readToEnd(), "the server ended the stream")
        let stopped = await ServeProcessTests.wait(served.process, seconds: 30)
        #expect(stopped && served.process.terminationReason == .exit && served.process.terminationStatus == 0)
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `redis-server` (Debian's package; `tools/setup` installs it) on a free port of 127.0.0.1, with no
/// persistence, for tests of the shared rate-limit store. `stop()` and `start()` again simulate an outage on the
/// same port.
public final class RedisTestServer: @unchecked Sendable {
    /// The port it listens on (kept across restarts).
    public let port: Int
    private var process: Process?

    /// Starts a server on a free port; throws when `redis-server` is missing or does not answer `PING` in 30 s.
    public init() throws {
        port = try RedisTestServer.freePort()
        try start()
    }

    deinit { stopNow() }

    /// `redis://127.0.0.1:PORT`.
    public var url: String { "redis://127.0.0.1:\(port)" }

    /// Starts (again) on `port` and waits until it answers `PING`.
    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--protected-mode", "no", "--loglevel", "warning"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<600 {
            if (try? RedisTestServer.ping(port)) == true { return }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        stopNow()
        throw RedisTestError(description: "redis-server did not start on port \(port) (is the redis-server package installed?)")
    }

    /// Stops the server (SIGKILL: an outage, not a shutdown) and waits for it to exit.
    public func stop() {
        stopNow()
    }

    private func stopNow() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Sends `PING` on a fresh connection; true on `+PONG`.
    public static func ping(_ port: Int) throws -> Bool {
        try command(port, "PING\r\n").hasPrefix("+PONG")
    }

    /// Sends one inline command on a fresh connection and returns the first reply bytes as text.
    public static func command(_ port: Int, _ inline: String) throws -> String {
        guard let fd = LoopbackSocket.connect(port: port, timeoutSeconds: 5) else {
            throw RedisTestError(description: "connect to port \(port) failed")
        }
        defer { close(fd) }
        let bytes = Array(inline.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var reply = [UInt8](repeating: 0, count: 4_096)
        let count = reply.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? String(decoding: reply[0..<count], as: UTF8.self) : ""
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> Int32 in
                guard bind(fd, raw, length) == 0 else { return -1 }
                return getsockname(fd, raw, &length)
            }
        }
        guard bound == 0 else { throw RedisTestError(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A test Redis that could not be started or reached.
public struct RedisTestError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
}

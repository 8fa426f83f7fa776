import Foundation
import Testing

/// The built `vectorlogic serve` executable as a user runs it: the `listening on` line, the lock, SIGTERM.
@Suite struct ServeProcessTests {
    /// The executable sits next to the test bundle.
    static var executable: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [bundle.appendingPathComponent("vectorlogic"),
                          bundle.deletingLastPathComponent().appendingPathComponent("vectorlogic")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// A started server process with its stdout read line by line.
    final class Served: @unchecked Sendable {
        let process = Process()
        let stdout = Pipe()
        let stderr = Pipe()
        var firstLine = ""

        init(directory: String, environment: [String: String] = [:], extraArguments: [String] = []) throws {
            process.executableURL = ServeProcessTests.executable
            process.arguments = ["serve", "--data-dir", directory, "--port", "0", "--default-dimension", "4"] + extraArguments
            var env = ProcessInfo.processInfo.environment
            for (key, value) in environment { env[key] = value }
            process.environment = env
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
        }

        /// Reads stdout until the first full line (the `listening on` line), or EOF.
        func readFirstLine() -> String {
            var bytes: [UInt8] = []
            let handle = stdout.fileHandleForReading
            while true {
                let data = handle.readData(ofLength: 1)
                guard let byte = data.first else { break }
                if byte == 10 { break }
                bytes.append(byte)
            }
            firstLine = String(decoding: bytes, as: UTF8.self)
            return firstLine
        }

        func port() -> Int? {
            firstLine.split(separator: ":").last.flatMap { Int($0) }
        }
    }

    /// Waits for a process to exit; kills it and answers false after `seconds`.
    static func wait(_ process: Process, seconds: Int) async -> Bool {
        for _ in 0..<(seconds * 20) {
            if !process.isRunning { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return false
    }

    /// `listening on` is printed once ready; a second server on the directory exits 3; SIGTERM exits 0; data persists.
    @Test func serveListensLocksAndStopsCleanly() async throws {
        let directory = TestServer.temporaryDirectory()
        let served = try Served(directory: directory)
        defer { if served.process.isRunning { kill(served.process.processIdentifier, SIGKILL) } }
        let line = await Task.detached { served.readFirstLine() }.value
        #expect(line.hasPrefix("listening on http://127.0.0.1:"), "\(line)")
        let port = try #require(served.port())
        let health = try await HTTPTestClient.request(port: port, "GET", "/health")
        #expect(health.status == 200)
        let upsert = try await HTTPTestClient.request(port: port, "POST", "/vectors", json: #"{"id":"p1","vector":[1,2,3,4]}"#)
        #expect(upsert.status == 200)

        // A second server on the same directory exits with 3.
        let second = Process()
        second.executableURL = ServeProcessTests.executable
        second.arguments = ["serve", "--data-dir", directory, "--port", "0"]
        second.standardOutput = Pipe()
        let secondError = Pipe()
        second.standardError = secondError
        try second.run()
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        let exited = await ServeProcessTests.wait(second, seconds: 30)
        #expect(exited && second.terminationStatus == 3)
        let message = String(decoding: secondError.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("locked"))

        // SIGTERM: drain, sync, exit 0.
        served.process.terminate()
        let stopped = await ServeProcessTests.wait(served.process, seconds: 30)
        #expect(stopped && served.process.terminationReason == .exit && served.process.terminationStatus == 0)

        // Restarted, the acknowledged write is there.
        let again = try Served(directory: directory)
        defer { if again.process.isRunning { kill(again.process.processIdentifier, SIGKILL) } }
        _ = await Task.detached { again.readFirstLine() }.value
        let againPort = try #require(again.port())
        let read = try await HTTPTestClient.request(port: againPort, "GET", "/v1/collections/default/vectors/p1?include_values=true")
        #expect(read.text.contains(#""values":[1,2,3,4]"#), "\(read.text)")
        kill(again.process.processIdentifier, SIGINT)
        let againStopped = await ServeProcessTests.wait(again.process, seconds: 30)
        #expect(againStopped && again.process.terminationStatus == 0)
    }

    /// `VECTORLOGIC_AUTH=on` on a first start: one admin key is made and printed once (before `listening on`), it
    /// works, requests without it get 401, and a restart prints no new key.
    @Test func firstStartWithAuthPrintsTheAdminKeyOnce() async throws {
        let directory = TestServer.temporaryDirectory()
        let served = try Served(directory: directory, environment: ["VECTORLOGIC_AUTH": "on"])
        defer { if served.process.isRunning { kill(served.process.processIdentifier, SIGKILL) } }
        let keyLine = await Task.detached { served.readFirstLine() }.value
        #expect(keyLine.hasPrefix("admin API key (shown this once only): vdb_"), "\(keyLine)")
        let key = String(keyLine.split(separator: " ").last ?? "")
        let line = await Task.detached { served.readFirstLine() }.value
        let port = try #require(served.port(), "\(line)")
        #expect(try await HTTPTestClient.request(port: port, "GET", "/v1/stats").status == 401)
        #expect(try await HTTPTestClient.request(port: port, "GET", "/v1/stats", headers: [("X-API-Key", key)]).status == 200)
        served.process.terminate()
        #expect(await ServeProcessTests.wait(served.process, seconds: 30))

        let again = try Served(directory: directory, environment: ["VECTORLOGIC_AUTH": "on"])
        defer { if again.process.isRunning { kill(again.process.processIdentifier, SIGKILL) } }
        let first = await Task.detached { again.readFirstLine() }.value
        #expect(first.hasPrefix("listening on"), "no second key is printed: \(first)")
        let againPort = try #require(again.port())
        #expect(try await HTTPTestClient.request(port: againPort, "GET", "/v1/stats", headers: [("X-API-Key", key)]).status == 200)
        again.process.terminate()
        #expect(await ServeProcessTests.wait(again.process, seconds: 30))
    }

    /// Bad flags or environment values exit 2 with one sentence on stderr.
    @Test func badConfigurationExitsTwo() async throws {
        let process = Process()
        process.executableURL = ServeProcessTests.executable
        process.arguments = ["serve", "--data-dir", TestServer.temporaryDirectory(), "--default-metric", "manhattan"]
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = Pipe()
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let exited = await ServeProcessTests.wait(process, seconds: 30)
        #expect(exited && process.terminationStatus == 2)
        let message = String(decoding: errorPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("manhattan") && !message.contains("Swift"))
    }
}

import Foundation
import Testing

/// `serve --log-file PATH` as logrotate drives it: lines go to the file, not stderr; after the file is renamed and the
/// server gets SIGHUP, new lines go to a new file at PATH and the renamed one keeps the old lines.
@Suite struct LogFileProcessTests {
    @Test func logFileIsReopenedOnHangup() async throws {
        let directory = TestServer.temporaryDirectory()
        let logPath = directory + "-server.log"
        let served = try ServeProcessTests.Served(directory: directory, arguments: ["--log-file", logPath, "--log-format", "json"])
        defer { if served.process.isRunning { kill(served.process.processIdentifier, SIGKILL) } }
        _ = await Task.detached { served.readFirstLine() }.value
        let port = try #require(served.port(), "\(served.firstLine)")
        #expect(try await HTTPTestClient.request(port: port, "GET", "/health", headers: [("X-Request-Id", "before-rotate")]).status == 200)
        try FileManager.default.moveItem(atPath: logPath, toPath: logPath + ".1")
        kill(served.process.processIdentifier, SIGHUP)
        // The reopen is asynchronous: wait for the new file, which the reload's own line creates.
        var reopened = false
        for _ in 0..<200 where !reopened {
            try await Task.sleep(for: .milliseconds(25))
            reopened = (try? String(contentsOfFile: logPath, encoding: .utf8))?.contains("SIGHUP: reloaded") == true
        }
        #expect(reopened)
        #expect(try await HTTPTestClient.request(port: port, "GET", "/health", headers: [("X-Request-Id", "after-rotate")]).status == 200)
        served.process.terminate()
        #expect(await ServeProcessTests.wait(served.process, seconds: 30) && served.process.terminationStatus == 0)
        let old = try String(contentsOfFile: logPath + ".1", encoding: .utf8)
        let new = try String(contentsOfFile: logPath, encoding: .utf8)
        #expect(old.contains("before-rotate") && old.contains("opened database") && !old.contains("after-rotate"))
        #expect(new.contains("after-rotate") && !new.contains("before-rotate"))
        let stderr = String(decoding: served.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(!stderr.contains("before-rotate"), "log lines go to the file only")
    }

    /// A log file that cannot be opened is a bad argument: exit 2 naming the path.
    @Test func unopenableLogFileExitsTwo() async throws {
        let directory = TestServer.temporaryDirectory()
        let served = try ServeProcessTests.Served(directory: directory, arguments: ["--log-file", directory + "/no/such/dir/x.log"])
        defer { if served.process.isRunning { kill(served.process.processIdentifier, SIGKILL) } }
        #expect(await ServeProcessTests.wait(served.process, seconds: 30) && served.process.terminationStatus == 2)
        let stderr = String(decoding: served.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("no/such/dir/x.log"), "\(stderr)")
    }
}

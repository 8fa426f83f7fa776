import Foundation
import Testing
import VectorLogicJSON

/// Disk full for real (issue 11): `vectorlogic serve` on a 64 MiB tmpfs (`tools/reliability/small-disk`: a private
/// mount namespace, as root or through a user namespace, so it runs on CI without skipping) whose 40 MiB ballast leaves
/// ~24 MiB. An HTTP ingest fills it: writes get 503 `insufficient_storage` with Retry-After, nothing acknowledged is
/// lost, reads keep answering; once the ballast is deleted writes resume by themselves; after a SIGKILL and restart on
/// the same file system every acknowledged vector is there.
@Suite(.serialized) struct ServerDiskFullTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let dimension = 384

    /// The helper and the server inside it, with stdout read line by line.
    final class SmallDiskServer: @unchecked Sendable {
        let process = Process()
        let output = Pipe()
        let errors = Pipe()
        let control: String

        init(mountpoint: String, control: String) throws {
            self.control = control
            process.executableURL = ServerDiskFullTests.root.appendingPathComponent("tools/reliability/small-disk")
            process.arguments = ["64", "40", mountpoint, control, "--", ServeProcessTests.executable.path, "serve",
                                 "--data-dir", mountpoint + "/data", "--port", "0", "--default-dimension", "\(ServerDiskFullTests.dimension)",
                                 "--min-free-mb", "8"]
            process.standardOutput = output
            process.standardError = errors
            try process.run()
        }

        /// The port of the next `listening on` line (each start of the server prints one).
        func nextPort() -> Int? {
            let handle = output.fileHandleForReading
            while true {
                var line: [UInt8] = []
                while let byte = handle.readData(ofLength: 1).first, byte != 10 { line.append(byte) }
                let text = String(decoding: line, as: UTF8.self)
                if text.hasPrefix("listening on ") { return text.split(separator: ":").last.flatMap { Int($0) } }
                if line.isEmpty, !process.isRunning { return nil }
            }
        }

        func serverPID() -> Int32? {
            (try? String(contentsOfFile: control + "/pid", encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }

        func touch(_ name: String) { #expect(FileManager.default.createFile(atPath: control + "/" + name, contents: Data()), "control file \(name)") }
        func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: control + "/" + name) }
    }

    static func batch(_ index: Int, size: Int = 100) -> (ids: [String], body: String) {
        var ids: [String] = []
        var items: [String] = []
        for row in 0..<size {
            let id = "d\(index)-\(row)"
            ids.append(id)
            let values = (0..<dimension).map { String(Float(((index * size + row) * 31 + $0 * 7) % 97) / 97 - 0.5) }
            items.append(#"{"id":"\#(id)","values":[\#(values.joined(separator: ","))]}"#)
        }
        return (ids, #"{"vectors":[\#(items.joined(separator: ","))]}"#)
    }

    @Test func fullDiskRefusesWritesKeepsReadsAndResumes() async throws {
        let base = NSTemporaryDirectory() + "vl-small-disk-" + UUID().uuidString
        let server = try SmallDiskServer(mountpoint: base + "/mnt", control: base + "/control")
        defer {
            if let pid = server.serverPID() { kill(pid, SIGKILL) }
            server.process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: base)
        }
        let first = await Task.detached { server.nextPort() }.value
        let stderr = { String(decoding: server.errors.fileHandleForReading.availableData, as: UTF8.self) }
        var port = try #require(first, "the server did not start on the small disk: \(stderr())")
        let path = "/v1/collections/default/vectors"

        var acknowledged: [String] = []
        var refused = 0
        for index in 0..<400 where refused < 3 {
            let (ids, body) = Self.batch(index)
            let answer = try await HTTPTestClient.request(port: port, "POST", path, json: body)
            if answer.status == 200 {
                acknowledged += ids
            } else {
                #expect(answer.status == 503 && answer["error"] == .string("insufficient_storage"), "\(answer.status) \(answer.text)")
                #expect(answer.headers["retry-after"] != nil)
                refused += 1
            }
        }
        #expect(refused == 3, "the ingest filled the disk")
        print("small disk: \(acknowledged.count) vectors acknowledged before writes were refused")
        #expect(acknowledged.count >= 1_000, "\(acknowledged.count) acknowledged before the disk was full")

        let get = try await HTTPTestClient.request(port: port, "GET", path + "/" + acknowledged[17])
        #expect(get.status == 200, "reads keep working")
        let count = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/default/count", json: "{}")
        #expect(count["data"].flatMap { if case .object(let o) = $0 { return o["count"] } else { return nil } } == .number(Double(acknowledged.count)),
                "nothing refused was applied: \(count.text)")
        let search = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/default/search",
                                                      json: #"{"vector":[\#(Array(repeating: "0.1", count: Self.dimension).joined(separator: ","))],"k":3}"#)
        #expect(search.status == 200)

        server.touch("free")
        for _ in 0..<100 where !server.exists("freed") { try await Task.sleep(for: .milliseconds(100)) }
        #expect(server.exists("freed"))
        let (resumedIDs, resumedBody) = Self.batch(10_000)
        let resumed = try await HTTPTestClient.request(port: port, "POST", path, json: resumedBody)
        #expect(resumed.status == 200, "writes resume by themselves once space is freed: \(resumed.text)")
        if resumed.status == 200 { acknowledged += resumedIDs }

        server.touch("restart")
        kill(try #require(server.serverPID()), SIGKILL)
        port = try #require(await Task.detached { server.nextPort() }.value, "restart failed: \(stderr())")
        var found = Set<String>()
        var cursor: String?
        repeat {
            let body = cursor.map { #"{"limit":10000,"cursor":"\#($0)"}"# } ?? #"{"limit":10000}"#
            let page = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/default/scroll", json: body)
            guard case .object(let data)? = page["data"], case .array(let vectors)? = data["vectors"] else {
                Issue.record("scroll failed: \(page.text)")
                break
            }
            for case .object(let vector) in vectors { if case .string(let id)? = vector["id"] { found.insert(id) } }
            if case .string(let next)? = data["next_cursor"] { cursor = next } else { cursor = nil }
        } while cursor != nil
        #expect(found == Set(acknowledged), "after SIGKILL and restart: \(found.count) ids, \(acknowledged.count) acknowledged")
        kill(try #require(server.serverPID()), SIGTERM)
        server.process.waitUntilExit()
    }
}

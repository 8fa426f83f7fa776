import Foundation
import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicFormat
import VectorLogicIO
import VectorLogicAccess

extension ToolsSuite {
    /// `vectorlogic snapshot create|inspect|restore` and `inspect FILE` end to end through the built executable.
    @Suite struct ToolsSnapshotCLITests {
        /// Offline create → inspect (text and JSON) → restore → verify exits 0 and the data is all there.
        @Test func createInspectRestoreVerify() async throws {
            let directory = ToolsTempDirectory("snapshot")
            defer { directory.remove() }
            let data = directory.path + "/data", file = directory.path + "/copy.vlsnap", restored = directory.path + "/restored"
            try await ToolsFixture.twoSegmentDatabase(at: data)
            try FileManager.default.createDirectory(atPath: data + "/snapshots", withIntermediateDirectories: true)
            let keys = try KeyStore(dataDirectory: data)
            _ = try keys.create(name: "admin", permissions: [.admin], rateLimitPerMinute: 10, expiresInDays: nil, id: "k1")
            keys.close()
            let store = try ToolsFixture.read(data + "/keys.sqlite")
            let create = try VectorLogicProcess.run(["snapshot", "create", "--data-dir", data, "--out", file])
            #expect(create.status == 0, "\(create.stderr)")
            #expect(create.stdout.contains("sha256"))

            let inspect = try VectorLogicProcess.run(["snapshot", "inspect", file, "--json"])
            #expect(inspect.status == 0)
            // The tools print snake_case keys (like the HTTP API).
            let report = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any] ?? [:]
            let entries = report["entries"] as? [[String: Any]] ?? []
            let names = entries.compactMap { $0["name"] as? String }
            #expect(entries.contains { $0["name"] as? String == "MANIFEST" && $0["checksum_ok"] as? Bool == true })
            #expect(names.filter { $0.hasSuffix(".seg") }.count == 2)
            #expect(!names.contains { $0 == "LOCK" || $0.hasPrefix("snapshots") })
            let generic = try VectorLogicProcess.run(["inspect", file])
            #expect(generic.status == 0 && generic.stdout.contains("all checksums ok"))

            try Self.expectLZ4ToolReadsEntry(file, name: "MANIFEST", original: try ToolsFixture.read(data + "/MANIFEST"), in: directory.path)

            let restore = try VectorLogicProcess.run(["snapshot", "restore", file, "--data-dir", restored])
            #expect(restore.status == 0, "\(restore.stderr)")
            #expect(try VectorLogicProcess.run(["verify", "--data-dir", restored]).status == 0)
            #expect(try ToolsFixture.read(restored + "/keys.sqlite") == store)
            #expect(try VectorLogicProcess.run(["verify", "--data-dir", data]).status == 0)
            #expect(try VectorLogicProcess.run(["inspect", data]).status == 0)
            #expect(try VectorLogicProcess.run(["repair", "--data-dir", data, "--dry-run"]).stdout.contains("nothing to repair"))
            let database = try Database.open(at: restored)
            #expect(try database.count(ToolsFixture.collection, filter: nil) == 65)
            try await database.close()
        }

        /// The `lz4` tool (installed by tools/setup; skipped when absent) decompresses an entry's frame cut from the file.
        static func expectLZ4ToolReadsEntry(_ file: String, name: String, original: [UInt8], in directory: String) throws {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/lz4") else { return }
            let bytes = try ToolsFixture.read(file)
            let catalog = try SnapshotReader.catalog(of: SnapshotMemorySource(bytes))
            let entry = try #require(catalog.entries.first { $0.name == name })
            let start = Int(entry.offset) + 18 + name.utf8.count
            try ToolsFixture.write(Array(bytes[start..<(start + Int(entry.compressedLength))]), to: directory + "/entry.lz4")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/lz4")
            process.arguments = ["-d", "-f", directory + "/entry.lz4", directory + "/entry.out"]
            process.standardError = Pipe()
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(try ToolsFixture.read(directory + "/entry.out") == original)
        }

        /// Restore refuses a non-empty directory (1), a damaged snapshot (1, nothing written), bad usage (2);
        /// create refuses a directory a server holds (3).
        @Test func refusalsAndExitCodes() async throws {
            let directory = ToolsTempDirectory("snapshot-refuse")
            defer { directory.remove() }
            let data = directory.path + "/data", file = directory.path + "/copy.vlsnap"
            try await ToolsFixture.twoSegmentDatabase(at: data)
            #expect(try VectorLogicProcess.run(["snapshot", "create", "--data-dir", data, "--out", file]).status == 0)

            let nonEmpty = try VectorLogicProcess.run(["snapshot", "restore", file, "--data-dir", data])
            #expect(nonEmpty.status == 1)
            #expect(nonEmpty.stderr.contains("not empty") && nonEmpty.stderr.split(separator: "\n").count == 1)

            let damaged = directory.path + "/damaged.vlsnap"
            var bytes = try ToolsFixture.read(file)
            bytes[bytes.count / 2] ^= 0x5A
            try ToolsFixture.write(bytes, to: damaged)
            let target = directory.path + "/never"
            let refused = try VectorLogicProcess.run(["snapshot", "restore", damaged, "--data-dir", target])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("damaged"))
            #expect(!FileManager.default.fileExists(atPath: target))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { !$0.contains("restore") })
            #expect(try VectorLogicProcess.run(["snapshot", "inspect", damaged]).status == 1)
            #expect(try VectorLogicProcess.run(["inspect", damaged]).status == 1)

            #expect(try VectorLogicProcess.run(["snapshot", "restore", file]).status == 2)
            #expect(try VectorLogicProcess.run(["snapshot", "create", "--out", file]).status == 2)
            #expect(try VectorLogicProcess.run(["snapshot", "create", "--data-dir", data, "--server", "http://x", "--out", file]).status == 2)
            #expect(try VectorLogicProcess.run(["snapshot", "create", "--server", "ftp://x", "--out", file]).status == 2)
            #expect(try VectorLogicProcess.run(["snapshot", "--help"]).status == 0)

            let database = try Database.open(at: data)
            let locked = try VectorLogicProcess.run(["snapshot", "create", "--data-dir", data, "--out", directory.path + "/other.vlsnap"])
            #expect(locked.status == 3)
            #expect(locked.stderr.contains("locked"))
            try await database.close()
        }
    }
}

import Foundation
import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicDistance
import VectorLogicFormat
import VectorLogicIO

extension ToolsSuite {
    /// The built `vectorlogic` executable: exit codes 0/1/2/3 of docs/cli.md and its text/JSON output.
    @Suite struct ToolsCLITests {
        /// verify exits 0 on a healthy directory, 1 with file and offset after damage, and 0 again after `repair`.
        @Test func verifyAndRepairExitCodes() async throws {
            let directory = ToolsTempDirectory("cli")
            defer { directory.remove() }
            try await ToolsFixture.twoSegmentDatabase(at: directory.path)
            #expect(try VectorLogicProcess.run(["verify", "--data-dir", directory.path]).status == 0)

            let segment = try #require(try ToolsFixture.segments(in: directory.path).first)
            let offset = try #require(try ToolsFixture.sectionOffset(directory.path + "/" + segment, kind: .engineVectors))
            try ToolsFixture.flip(directory.path + "/" + segment, at: offset + 8)
            let damaged = try VectorLogicProcess.run(["verify", "--data-dir", directory.path])
            #expect(damaged.status == 1)
            #expect(damaged.stdout.contains("\(segment) @ \(offset)"))
            let json = try VectorLogicProcess.run(["verify", "--data-dir", directory.path, "--json"])
            #expect(json.status == 1)
            let errors = (try jsonObject(json.stdout)["problems"] as? [[String: Any]] ?? []).filter { $0["severity"] as? String == "error" }
            #expect(errors.contains { $0["file"] as? String == segment && ($0["offset"] as? NSNumber)?.intValue == offset })

            let repair = try VectorLogicProcess.run(["repair", "--data-dir", directory.path])
            #expect(repair.status == 0)
            #expect(repair.stdout.contains("lost:"))
            #expect(try VectorLogicProcess.run(["verify", "--data-dir", directory.path]).status == 0)
            let inspect = try VectorLogicProcess.run(["inspect", directory.path, "--json"])
            #expect(inspect.status == 0)
            let collections = try jsonObject(inspect.stdout)["collections"] as? [[String: Any]] ?? []
            #expect((collections.first?["vectors"] as? NSNumber)?.intValue == 30)
            #expect(inspect.stdout.contains(#""counts_include_log""#) && !inspect.stdout.contains(#""countsIncludeLog""#), "keys are snake_case")
        }

        /// A directory held by a running database: every tool exits 3 with one sentence on stderr; inspect and verify
        /// run anyway with --force-read-only.
        @Test func lockedDirectoryExitsWithCode3() async throws {
            let directory = ToolsTempDirectory("locked")
            defer { directory.remove() }
            try await ToolsFixture.twoSegmentDatabase(at: directory.path)
            let database = try Database.open(at: directory.path)
            for arguments in [["verify", "--data-dir", directory.path], ["repair", "--data-dir", directory.path], ["inspect", directory.path]] {
                let result = try VectorLogicProcess.run(arguments)
                #expect(result.status == 3, "\(arguments)")
                #expect(result.stderr.contains("locked"))
                #expect(result.stderr.split(separator: "\n").count == 1)
            }
            #expect(try VectorLogicProcess.run(["verify", "--data-dir", directory.path, "--force-read-only"]).status == 0)
            #expect(try VectorLogicProcess.run(["inspect", directory.path, "--force-read-only"]).status == 0)
            try await database.close()
            #expect(try VectorLogicProcess.run(["verify", "--data-dir", directory.path]).status == 0)
        }

        /// verify, repair and inspect default to `./data` like serve: in a folder without one they exit 1 naming the path
        /// they tried; a path that does not exist exits 1; bad usage exits 2.
        @Test func toolsDefaultToServesDataDirectory() async throws {
            let directory = ToolsTempDirectory("default-dir")
            defer { directory.remove() }
            for command in [["verify"], ["repair"], ["inspect"]] {
                let missing = try VectorLogicProcess.run(command, in: directory.path)
                #expect(missing.status == 1 && missing.stderr.contains("./data"), "\(command): \(missing.stderr)")
            }
            try await ToolsFixture.twoSegmentDatabase(at: directory.path + "/data")
            #expect(try VectorLogicProcess.run(["verify"], in: directory.path).status == 0)
            #expect(try VectorLogicProcess.run(["repair", "--dry-run"], in: directory.path).status == 0)
            let inspect = try VectorLogicProcess.run(["inspect"], in: directory.path)
            #expect(inspect.status == 0 && inspect.stdout.contains("directory ./data"), "\(inspect.stdout)")
            #expect(try VectorLogicProcess.run(["verify", "--data-dir", "/nonexistent/vectorlogic"]).status == 1)
            #expect(try VectorLogicProcess.run(["verify", "--data-dir", ""]).status == 2)
        }

        /// `vectorlogic --version` prints the version and exits 0.
        @Test func versionIsPrinted() throws {
            let version = try VectorLogicProcess.run(["--version"])
            #expect(version.status == 0 && version.stdout.hasPrefix("vectorlogic "), "\(version.stdout)\(version.stderr)")
        }
    }
}

/// The tools print snake_case keys (like the HTTP API), so their JSON is read generically here.
private func jsonObject(_ text: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
}

import Foundation
import Testing
@_spi(Testing) import VectorLogicEngine

extension ToolsSuite {
    /// `vectorlogic keys …` on a stopped server's directory, through the real executable: the secret is printed once,
    /// never listed; revoke and rotate work by id; bad usage exits 2; a live directory exits 3; verify stays clean.
    @Suite struct ToolsKeysCLITests {
        @Test func createListRotateRevoke() async throws {
            let directory = ToolsTempDirectory("keys")
            defer { directory.remove() }
            try await ToolsFixture.twoSegmentDatabase(at: directory.path)
            let create = try VectorLogicProcess.run(["keys", "create", "--data-dir", directory.path, "--name", "ci",
                                                     "--permissions", "read,write", "--rate-limit", "50", "--expires-in-days", "30"])
            #expect(create.status == 0, "\(create.stderr)")
            let secret = create.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(secret.hasPrefix("vdb_") && secret.count == 68)
            let list = try VectorLogicProcess.run(["keys", "list", "--data-dir", directory.path, "--json"])
            #expect(list.status == 0 && !list.stdout.contains(secret))
            let rows = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
            let id = try #require(rows.first?["id"] as? String)
            #expect(rows.first?["permissions"] as? [String] == ["read", "write"] && rows.first?["active"] as? Bool == true)
            // Without --expires-in-days a key expires in 365 days, as POST /v1/keys without expires_in_days; --never-expires
            // is `"expires_in_days": null`.
            for (extra, days) in [([String](), 365), (["--never-expires"], 0)] {
                let made = try VectorLogicProcess.run(["keys", "create", "--data-dir", directory.path, "--name", "d\(days)",
                                                       "--permissions", "read"] + extra)
                #expect(made.status == 0, "\(made.stderr)")
            }
            let all = try JSONSerialization.jsonObject(with: Data(try VectorLogicProcess.run(["keys", "list", "--data-dir", directory.path, "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
            func lifetime(_ name: String) -> Int64? {
                guard let row = all.first(where: { $0["name"] as? String == name }),
                      let created = (row["created_at"] as? NSNumber)?.int64Value else { return -1 }
                return (row["expires_at"] as? NSNumber).map { $0.int64Value - created }
            }
            #expect(lifetime("d365") == 365 * 86_400_000 && lifetime("d0") == nil)

            let rotate = try VectorLogicProcess.run(["keys", "rotate", id, "--data-dir", directory.path])
            let rotated = rotate.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(rotate.status == 0 && rotated.hasPrefix("vdb_") && rotated != secret)
            let revoke = try VectorLogicProcess.run(["keys", "revoke", id, "--data-dir", directory.path])
            #expect(revoke.status == 0 && revoke.stdout.contains("revoked"))
            #expect(try VectorLogicProcess.run(["keys", "revoke", "no-such-id", "--data-dir", directory.path]).status == 1)
            #expect(try VectorLogicProcess.run(["keys", "create", "--data-dir", directory.path, "--name", "x",
                                                "--permissions", "root"]).status == 2)
            #expect(try VectorLogicProcess.run(["verify", "--data-dir", directory.path]).status == 0, "keys.sqlite is not engine data")

            let database = try Database.open(at: directory.path)
            let locked = try VectorLogicProcess.run(["keys", "list", "--data-dir", directory.path])
            #expect(locked.status == 3 && locked.stderr.contains("locked"))
            try await database.close()
        }
    }
}

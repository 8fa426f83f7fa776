import Foundation
import Testing
import VectorLogicEngine
import VectorLogicIO

/// Nothing the server lists or serves from `snapshots/` can be a link to a file elsewhere.
@Suite struct ServerSnapshotLinkTests {
    /// A symbolic link placed in `snapshots/` (to a file outside, here a stand-in for /etc/hostname) is never listed,
    /// downloaded or deleted through: GET and DELETE answer 404, the list leaves it out, the target is untouched.
    @Test func linksInSnapshotsAreNeverFollowed() async throws {
        let outside = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let secret = outside + "/secret.vlsnap"
        try Data("not for download\n".utf8).write(to: URL(fileURLWithPath: secret))
        try await withServer { server in
            let created = try await server.call("POST", "/v1/snapshots")
            #expect(created.status == 201)
            let real = try #require(created.data?["name"]?.string)
            let snapshots = server.directory + "/snapshots"
            let linkNames = ["evil.vlsnap", "snapshot-20260101T000000Z-0bad.vlsnap"]
            for name in linkNames { try FileManager.default.createSymbolicLink(atPath: snapshots + "/" + name, withDestinationPath: secret) }
            try FileManager.default.createSymbolicLink(atPath: snapshots + "/hostname.vlsnap", withDestinationPath: "/etc/hostname")
            // A link to a real snapshot is refused as well: only regular files are snapshots.
            try FileManager.default.createSymbolicLink(atPath: snapshots + "/alias.vlsnap", withDestinationPath: snapshots + "/" + real)

            let list = try await server.call("GET", "/v1/snapshots")
            #expect(list.status == 200 && list["meta"]?["count"]?.number == 1, "\(list.text)")
            #expect(list.data?[0]?["name"]?.string == real)
            for name in linkNames + ["hostname.vlsnap", "alias.vlsnap"] {
                let download = try await server.call("GET", "/v1/snapshots/\(name)")
                #expect(download.status == 404 && download.errorCode == "not_found", "\(name): \(download.status) \(download.text)")
                #expect(!download.text.contains("not for download"))
                let delete = try await server.call("DELETE", "/v1/snapshots/\(name)")
                #expect(delete.status == 404, "\(name): \(delete.status)")
            }
            #expect(try await server.call("GET", "/v1/snapshots/\(real)").status == 200)

            // The engine's own API: the same answers without HTTP.
            #expect(try server.database.listStoredSnapshots().map(\.name) == [real])
            for name in linkNames { #expect(try server.database.openStoredSnapshot(name) == nil) }
            #expect(try server.database.deleteStoredSnapshot("evil.vlsnap") == false)
        }
        #expect(try String(contentsOfFile: secret, encoding: .utf8) == "not for download\n")
    }

    /// The FileSystem seam: `openRegularFile` refuses a link (even to a regular file) and a directory as `.notFound`;
    /// `entryKind` reports links without following them.
    @Test func openRegularFileNeverFollowsALink() throws {
        let directory = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fileSystem = PosixFileSystem()
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: directory + "/file"))
        try FileManager.default.createSymbolicLink(atPath: directory + "/link", withDestinationPath: directory + "/file")
        #expect(fileSystem.entryKind(directory + "/file") == .regular)
        #expect(fileSystem.entryKind(directory + "/link") == .symbolicLink)
        #expect(fileSystem.entryKind(directory) == .directory)
        #expect(fileSystem.entryKind(directory + "/absent") == nil)
        let handle = try fileSystem.openRegularFile(directory + "/file")
        #expect(try handle.read(at: 0, count: 3) == [1, 2, 3])
        handle.close()
        for path in [directory + "/link", directory, directory + "/absent"] {
            #expect(throws: IOError.notFound(path: path)) { _ = try fileSystem.openRegularFile(path) }
        }
    }
}

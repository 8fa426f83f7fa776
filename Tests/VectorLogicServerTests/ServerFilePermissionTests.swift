import Foundation
import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicFormat
import VectorLogicIO

/// What the server leaves on disk is private to its user: files 0600, directories 0700, whatever the umask.
@Suite(.serialized) struct ServerFilePermissionTests {
    /// Every entry under `root` (itself included) with its permission bits and whether it is a directory; links are not
    /// followed.
    static func modes(under root: String) throws -> [(path: String, mode: UInt16, isDirectory: Bool)] {
        var result: [(String, UInt16, Bool)] = []
        var pending = [root]
        while let path = pending.popLast() {
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let isDirectory = info.st_mode & S_IFMT == S_IFDIR
            result.append((path, UInt16(info.st_mode & 0o777), isDirectory))
            if isDirectory {
                pending += try FileManager.default.contentsOfDirectory(atPath: path).map { path + "/" + $0 }
            }
        }
        return result
    }

    static func expectPrivate(under root: String, _ label: String) throws {
        let entries = try modes(under: root)
        #expect(entries.count > 1, "\(label): nothing found under \(root)")
        for entry in entries {
            let expected: UInt16 = entry.isDirectory ? 0o700 : 0o600
            #expect(entry.mode == expected, "\(label): \(entry.path) is \(String(entry.mode, radix: 8)), expected \(String(expected, radix: 8))")
        }
    }

    /// Under the usual umask 022, a server started on a new data directory creates it 0700 and every file in it 0600:
    /// the engine's files, LOCK, personas.sqlite and keys.sqlite with their -wal and -shm, snapshots/ and the snapshots
    /// in it; a snapshot restored from them, and `lost/` made by repair, too.
    @Test func everythingCreatedIsPrivateToTheOwner() async throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let parent = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let directory = parent + "/data"
        var snapshotName = ""
        try await withServer(directory: directory) { server in
            let upsert = try await server.call("POST", "/v1/collections/default/vectors",
                                               #"{"vectors":[{"id":"a","values":[1,0,0,0]},{"id":"b","values":[0,1,0,0]}]}"#)
            #expect(upsert.status == 200)
            let persona = try await server.call("POST", "/personas", #"{"name":"Ada","system_prompt":"Be brief."}"#)
            #expect(persona.status == 201, "\(persona.text)")
            try await server.database.checkpointNow(compact: false)
            let more = try await server.call("POST", "/v1/collections/default/vectors", #"{"vectors":[{"id":"c","values":[0,0,1,0]}]}"#)
            #expect(more.status == 200)
            let created = try await server.call("POST", "/v1/snapshots")
            #expect(created.status == 201, "\(created.text)")
            snapshotName = created.data?["name"]?.string ?? ""
            let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            for expected in ["LOCK", "MANIFEST", "personas.sqlite", "personas.sqlite-wal", "personas.sqlite-shm", "keys.sqlite", "snapshots"] {
                #expect(names.contains(expected), "\(expected) missing from \(names)")
            }
            #expect(names.contains { $0.hasSuffix(".seg") }, "\(names)")
            try Self.expectPrivate(under: directory, "running server")
        }
        try Self.expectPrivate(under: directory, "stopped server")

        let restored = parent + "/restored"
        _ = try SnapshotTool.restore(snapshot: directory + "/snapshots/" + snapshotName, into: restored)
        try Self.expectPrivate(under: restored, "restored snapshot")

        // repair's lost/: a damaged log middle is cut and its tail saved there.
        let damaged = parent + "/damaged"
        try FileManager.default.createDirectory(atPath: damaged, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        var log = LogFraming.encodeFileHeader(logNumber: 1)
        for lsn in 1...3 { LogFraming.encode(LogRecord(type: 2, lsn: UInt64(lsn), payload: [UInt8](repeating: 7, count: 8)), into: &log) }
        log[LogFraming.fileHeaderSize + 20] ^= 1
        try Data(log).write(to: URL(fileURLWithPath: damaged + "/0000000000000001.log"))
        chmod(damaged + "/0000000000000001.log", 0o600)
        _ = try Repairer.repair(directory: damaged)
        #expect(FileManager.default.fileExists(atPath: damaged + "/lost"))
        try Self.expectPrivate(under: damaged, "repaired directory")
    }
}

import Glibc
import Testing
import VectorLogicIO

/// PosixFileSystem against real files in /tmp.
struct PosixFileSystemTests {
    let fs = PosixFileSystem()

    /// Bytes written at offsets read back, the file grows with a zero-filled gap, and sync succeeds.
    @Test func writeSyncAndReadBack() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let file = try fs.open(dir.path + "/a.log", create: true)
        defer { file.close() }
        try ([1, 2, 3] as [UInt8]).withUnsafeBytes { try file.write($0, at: 0) }
        try ([9] as [UInt8]).withUnsafeBytes { try file.write($0, at: 5) }
        try file.sync()
        #expect(try file.size() == 6)
        #expect(try file.read(at: 0, count: 100) == [1, 2, 3, 0, 0, 9])
        #expect(try file.read(at: 4, count: 2) == [0, 9])
        #expect(try file.read(at: 50, count: 2) == [])
        try file.truncate(to: 2)
        #expect(try fs.size(of: dir.path + "/a.log") == 2)
    }

    /// A file opened to be created is never reached through a symbolic link: the open fails and the link's target
    /// keeps its bytes (a link planted under a snapshot's `.tmp` name used to receive the snapshot).
    @Test func createNeverFollowsALink() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let target = try fs.open(dir.path + "/target", create: true)
        try ([7, 7] as [UInt8]).withUnsafeBytes { try target.write($0, at: 0) }
        target.close()
        #expect(symlink(dir.path + "/target", dir.path + "/planted.tmp") == 0)
        #expect(throws: (any Error).self) { try fs.open(dir.path + "/planted.tmp", create: true) }
        let reread = try fs.open(dir.path + "/target", create: false)
        defer { reread.close() }
        #expect(try reread.read(at: 0, count: 10) == [7, 7])
    }

    /// Opening a missing file without create is `.notFound`; a closed handle fails.
    @Test func missingFileAndClosedHandleFail() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        #expect(throws: IOError.notFound(path: dir.path + "/nope")) { try fs.open(dir.path + "/nope", create: false) }
        let file = try fs.open(dir.path + "/x", create: true)
        file.close()
        #expect(throws: IOError.self) { try file.size() }
    }

    /// rename replaces the destination; directory listing, createDirectory -p, syncDirectory and remove work.
    @Test func renameListAndSyncDirectory() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        try fs.createDirectory(dir.path + "/wal/deep")
        try fs.createDirectory(dir.path + "/wal/deep")  // idempotent
        for name in ["MANIFEST", "MANIFEST.tmp"] {
            let file = try fs.open(dir.path + "/" + name, create: true)
            try Array(name.utf8).withUnsafeBytes { try file.write($0, at: 0) }
            try file.sync()
            file.close()
        }
        try fs.rename(dir.path + "/MANIFEST.tmp", to: dir.path + "/MANIFEST")
        try fs.syncDirectory(dir.path)
        #expect(try fs.contents(ofDirectory: dir.path) == ["MANIFEST", "wal"])
        #expect(try fs.size(of: dir.path + "/MANIFEST") == 12)
        try fs.remove(dir.path + "/wal/deep")
        #expect(!fs.exists(dir.path + "/wal/deep"))
        #expect(fs.exists(dir.path + "/wal"))
        #expect(throws: IOError.notFound(path: dir.path + "/missing")) { try fs.syncDirectory(dir.path + "/missing") }
    }

    /// A second lock on the same file fails with `.locked` while the first is held, and succeeds after release.
    @Test func secondLockHolderFails() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let first = try fs.lock(dir.path + "/LOCK")
        #expect(throws: IOError.locked(path: dir.path + "/LOCK")) { try fs.lock(dir.path + "/LOCK") }
        first.release()
        let second = try fs.lock(dir.path + "/LOCK")
        second.release()
    }

    /// A mapping shows the file's bytes and stays valid after the file is closed and renamed; empty files map.
    @Test func mapOutlivesCloseAndRename() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let payload = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 * 31) }
        let file = try fs.open(dir.path + "/seg", create: true)
        try payload.withUnsafeBytes { try file.write($0, at: 0) }
        file.close()
        let mapped = try fs.map(dir.path + "/seg")
        try fs.rename(dir.path + "/seg", to: dir.path + "/seg2")
        #expect(Array(mapped.bytes) == payload)
        _ = try fs.open(dir.path + "/empty", create: true)
        let empty = try fs.map(dir.path + "/empty")
        #expect(empty.bytes.count == 0)
    }
}

import Testing
import VectorLogicIO

/// SimulatedFileSystem: what a crash keeps and drops, and exactly-placed fault injection.
struct SimulatedFileSystemTests {
    static func write(_ file: any FileHandle, _ bytes: [UInt8], at offset: Int64) throws {
        try bytes.withUnsafeBytes { try file.write($0, at: offset) }
    }

    /// A durable file: created, synced, directory synced.
    static func makeDurable(_ fs: SimulatedFileSystem, _ path: String, _ bytes: [UInt8]) throws -> any FileHandle {
        let file = try fs.open(path, create: true)
        try write(file, bytes, at: 0)
        try file.sync()
        try fs.syncDirectory("db")
        return file
    }

    /// Bytes written after the last sync are gone after a crash; synced bytes stay.
    @Test func unsyncedDataIsLostOnCrash() throws {
        let fs = SimulatedFileSystem(seed: 1)
        try fs.createDirectory("db")
        try fs.syncDirectory("")
        let file = try Self.makeDurable(fs, "db/wal.log", [1, 2, 3])
        try Self.write(file, [4, 5, 6], at: 3)
        #expect(try file.read(at: 0, count: 10) == [1, 2, 3, 4, 5, 6])
        fs.crash()
        let reopened = try fs.open("db/wal.log", create: false)
        #expect(try reopened.read(at: 0, count: 10) == [1, 2, 3])
        #expect(throws: IOError.self) { try file.size() }  // handles from before the crash are dead
    }

    /// A synced file whose directory entry was never synced disappears on crash.
    @Test func unsyncedCreateIsForgotten() throws {
        let fs = SimulatedFileSystem(seed: 1)
        try fs.createDirectory("db")
        try fs.syncDirectory("")
        let file = try fs.open("db/new.seg", create: true)
        try Self.write(file, [7], at: 0)
        try file.sync()
        fs.crash()
        #expect(!fs.exists("db/new.seg"))
        #expect(fs.exists("db"))
    }

    /// A rename not followed by syncDirectory is undone by a crash; after syncDirectory it sticks.
    @Test func unsyncedRenameIsForgotten() throws {
        let fs = SimulatedFileSystem(seed: 1)
        try fs.createDirectory("db")
        try fs.syncDirectory("")
        _ = try Self.makeDurable(fs, "db/MANIFEST", [1])
        _ = try Self.makeDurable(fs, "db/MANIFEST.tmp", [2])
        try fs.rename("db/MANIFEST.tmp", to: "db/MANIFEST")
        fs.crash()
        #expect(fs.durableContents(of: "db/MANIFEST") == [1])
        #expect(try fs.contents(ofDirectory: "db") == ["MANIFEST", "MANIFEST.tmp"])
        try fs.rename("db/MANIFEST.tmp", to: "db/MANIFEST")
        try fs.syncDirectory("db")
        fs.crash()
        #expect(try fs.contents(ofDirectory: "db") == ["MANIFEST"])
        #expect(try fs.open("db/MANIFEST", create: false).read(at: 0, count: 4) == [2])
    }

    /// An unsynced remove comes back after a crash with its durable content.
    @Test func unsyncedRemoveIsUndone() throws {
        let fs = SimulatedFileSystem(seed: 1)
        try fs.createDirectory("db")
        try fs.syncDirectory("")
        _ = try Self.makeDurable(fs, "db/old.log", [5, 5])
        try fs.remove("db/old.log")
        #expect(!fs.exists("db/old.log"))
        fs.crash()
        #expect(fs.durableContents(of: "db/old.log") == [5, 5])
    }

    /// With a torn prefix, a crash keeps an in-order prefix of the unsynced writes: the result is always the synced
    /// content extended by a prefix of the unsynced bytes, and different seeds give different cuts.
    @Test func tornCrashKeepsAPrefixOfTheUnsyncedTail() throws {
        var lengths: Set<Int> = []
        for seed in UInt64(0)..<20 {
            let fs = SimulatedFileSystem(seed: seed)
            try fs.createDirectory("db")
            try fs.syncDirectory("")
            let file = try Self.makeDurable(fs, "db/wal.log", [0xAA])
            let tail = (1...50).map { UInt8($0) }
            try Self.write(file, Array(tail[0..<20]), at: 1)
            try Self.write(file, Array(tail[20...]), at: 21)
            fs.crash(keepingTornPrefix: true)
            let survived = try fs.open("db/wal.log", create: false).read(at: 0, count: 100)
            #expect(Array(([0xAA] + tail).prefix(survived.count)) == survived, "seed \(seed)")
            lengths.insert(survived.count)
        }
        #expect(lengths.count > 3)
    }

    /// failAfter(operations: n) lets n matching operations succeed and fails exactly the next one, once.
    @Test func faultFiresAtExactlyN() throws {
        let fs = SimulatedFileSystem(seed: 1)
        try fs.createDirectory("db")
        let file = try fs.open("db/f", create: true)
        fs.failAfter(operations: 3, kind: .ioError, on: [.write])
        for i in 0..<3 { try Self.write(file, [UInt8(i)], at: Int64(i)) }
        try file.sync()  // not a write: not counted by this fault
        #expect(throws: IOError.self) { try Self.write(file, [9], at: 3) }
        #expect(try file.size() == 3)  // the failed write did nothing
        try Self.write(file, [9], at: 3)  // one-shot
        fs.failAfter(operations: 0, kind: .noSpace, on: [.sync])
        #expect(throws: IOError.noSpace(path: "db/f")) { try file.sync() }
    }

    /// A crash fault stops the world at operation N: it and every later call fail until crash(), which then
    /// restores the durable state; operationCount and the log number the operations.
    @Test func crashFaultKillsAtOperationN() throws {
        let fs = SimulatedFileSystem(seed: 1)
        try fs.createDirectory("db")  // op 1
        try fs.syncDirectory("")  // op 2
        let file = try fs.open("db/f", create: true)  // op 3
        #expect(fs.operationCount == 3)
        fs.failAfter(operations: 1, kind: .crash)
        try Self.write(file, [1], at: 0)  // op 4
        #expect(throws: IOError.self) { try file.sync() }  // op 5: the crash point, the sync does not happen
        #expect(fs.isCrashed)
        #expect(throws: IOError.self) { try fs.syncDirectory("db") }
        #expect(throws: IOError.self) { try file.read(at: 0, count: 1) }
        #expect(fs.operationLog.last?.kind == .sync)
        #expect(fs.operationLog.last?.number == 5)
        fs.crash()
        #expect(!fs.isCrashed)
        #expect(!fs.exists("db/f"))  // its directory entry was never synced
        #expect(fs.exists("db"))
    }

    /// A lock is exclusive until released, and a crash releases it.
    @Test func lockIsExclusiveAndReleasedByCrash() throws {
        let fs = SimulatedFileSystem(seed: 1)
        try fs.createDirectory("db")
        try fs.syncDirectory("")
        let lock = try fs.lock("db/LOCK")
        #expect(throws: IOError.locked(path: "db/LOCK")) { try fs.lock("db/LOCK") }
        lock.release()
        _ = try fs.lock("db/LOCK")
        fs.crash()
        _ = try fs.lock("db/LOCK")
    }

    /// Concurrent writers on separate files through one file system neither race nor lose writes.
    @Test func concurrentUseIsSafe() async throws {
        let fs = SimulatedFileSystem(seed: 1)
        try fs.createDirectory("db")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    let file = try fs.open("db/f\(worker)", create: true)
                    for i in 0..<200 { try Self.write(file, [UInt8(truncatingIfNeeded: i)], at: Int64(i)) }
                    try file.sync()
                }
            }
            try await group.waitForAll()
        }
        for worker in 0..<4 { #expect(try fs.size(of: "db/f\(worker)") == 200) }
        #expect(fs.operationCount == 1 + 4 * 202)
    }
}

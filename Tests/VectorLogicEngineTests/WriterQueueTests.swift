import Foundation
import Synchronization
import Testing
@testable import VectorLogicEngine
import VectorLogicFormat
import VectorLogicIO
import VectorLogicSync

/// Writers held back by the memory bounds go on first come, first served (`WriterQueue`, `Database.appendHeldBack`).
@Suite struct WriterQueueTests {
    @Test func anArrivalWithNobodyWaitingAndRoomGoesOnAtOnce() {
        var queue = WriterQueue()
        do { let ticket = queue.arrive(overBounds: false); #expect(ticket == nil) }
        #expect(queue.waiting == 0)
    }

    @Test func ticketsGoOnInArrivalOrderOnly() {
        var queue = WriterQueue()
        let first = queue.arrive(overBounds: true)
        let second = queue.arrive(overBounds: true)
        #expect(first == 0 && second == 1)
        // A newcomer queues behind the waiting writers even when the bounds would let it pass.
        let third = queue.arrive(overBounds: false)
        #expect(third == 2)
        #expect(queue.waiting == 3)
        do { let went = queue.admit(1, overBounds: false); #expect(!went, "the second may not pass the first") }
        do { let went = queue.admit(0, overBounds: true); #expect(!went, "nobody goes on while over the bounds") }
        do { let went = queue.admit(0, overBounds: false); #expect(went) }
        do { let went = queue.admit(2, overBounds: false); #expect(!went) }
        do { let went = queue.admit(1, overBounds: false); #expect(went) }
        do { let went = queue.admit(2, overBounds: false); #expect(went) }
        #expect(queue.waiting == 0)
        do { let ticket = queue.arrive(overBounds: false); #expect(ticket == nil) }
    }

    @Test func aTicketGivenBackIsSkipped() {
        var queue = WriterQueue()
        for _ in 0..<4 { _ = queue.arrive(overBounds: true) }
        queue.giveBack(1)  // not its turn yet: remembered
        queue.giveBack(2)
        #expect(queue.waiting == 2)
        do { let went = queue.admit(0, overBounds: false); #expect(went) }
        #expect(queue.serving == 3, "1 and 2 were given back: 3 is next")
        queue.giveBack(3)  // its turn: handed on at once
        #expect(queue.serving == 4 && queue.waiting == 0)
        do { let ticket = queue.arrive(overBounds: false); #expect(ticket == nil) }
    }

    /// Eight writers arrive one after another while a flush is held and the active memtable is at twice the flush
    /// trigger; once the flush may finish they go on in the order they came (their log records, in LSN order, say).
    /// Before, each polled the bounds on its own every 2 ms and whoever polled first went on: the order was random
    /// (and all eight passed within one poll, each adding its batch past the bound).
    @Test func heldWritersGoOnInArrivalOrder() async throws {
        let (database, fileSystem) = try await databaseAtItsBound()
        let writers = 8
        let order = Locked<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    _ = try await database.upsert("c", [VectorRecord(id: "w\(writer)", values: [0, Float(writer)])])
                    order.withLock { $0.append(writer) }
                }
                // Each one queued before the next starts (a queued writer has its ticket on its first try).
                try await waitUntil("writer \(writer) queued") { database.core.withLock { $0.writerQueue.waiting } == writer + 1 }
            }
            try await Task.sleep(for: .milliseconds(50))
            #expect(order.withLock { $0.isEmpty }, "no writer goes on while the bounds hold")
            #expect(try database.count("c", filter: nil) == 300)
            fileSystem.release()
            try await group.waitForAll()
        }
        #expect(try database.count("c", filter: nil) == 300 + writers)
        // Only the head polled; each of the others was handed its turn by the writer before it.
        #expect(database.core.withLock { $0.writerQueue.handOffs } == writers - 1)

        var logged: [String] = []
        for name in try fileSystem.contents(ofDirectory: "/db") where name.hasSuffix(".log") {
            // A log the last flush's checkpoint has just removed held only rows before it (not the writers').
            guard let bytes = fileSystem.inner.currentContents(of: "/db/" + name) else { continue }
            for record in bytes.withUnsafeBytes({ LogFraming.scan($0) }).records {
                if case .upsert(_, let upserted) = try EngineLogPayload.decode(type: record.type, payload: record.payload) {
                    logged += upserted.map(\.id).filter { $0.hasPrefix("w") }
                }
            }
        }
        #expect(logged == (0..<writers).map { "w\($0)" }, "the writers' records, in LSN order")
        try await database.close()  // after reading the logs: its last checkpoint removes them
    }

    /// A writer whose task is cancelled while it waits gives its turn back: the one behind it goes on.
    @Test func aCancelledWaiterHandsItsTurnOn() async throws {
        let (database, fileSystem) = try await databaseAtItsBound()
        let first = Task { try await database.upsert("c", [VectorRecord(id: "first", values: [0, 0])]) }
        try await waitUntil("the first writer queued") { database.core.withLock { $0.writerQueue.waiting } == 1 }
        let second = Task { try await database.upsert("c", [VectorRecord(id: "second", values: [0, 1])]) }
        try await waitUntil("the second writer queued") { database.core.withLock { $0.writerQueue.waiting } == 2 }
        first.cancel()
        await #expect(throws: CancellationError.self) { try await first.value }
        #expect(database.core.withLock { $0.writerQueue.waiting } == 1)
        fileSystem.release()
        #expect(try await second.value == 1)
        #expect(try database.get("c", id: "first", includeValues: false) == nil)
        #expect(database.core.withLock { $0.writerQueue.waiting } == 0)
        try await database.close()
    }

    /// The bounds slow writers, they never fail them: past `maxWriterWaitSeconds` (wall clock) a writer goes on while
    /// the flush is still held. Before, the cap counted nominal 2 ms sleeps, which a busy machine stretches.
    @Test func aWriterGoesOnAfterTheWaitCap() async throws {
        let (database, fileSystem) = try await databaseAtItsBound(maxWriterWaitSeconds: 1)
        let started = ContinuousClock.now
        #expect(try await database.upsert("c", [VectorRecord(id: "late", values: [0, 0])]) == 1)
        let waited = ContinuousClock.now - started
        #expect(waited >= .seconds(1) && waited < .seconds(20), "waited \(waited)")
        #expect(fileSystem.heldWriters == 1, "the flush is still held")
        fileSystem.release()
        try await database.close()
    }

    /// A database whose flush of 100 rows is held at its segment file while the active memtable holds 200 more: twice
    /// `memtableFlushRows`, so the next writer waits.
    private func databaseAtItsBound(maxWriterWaitSeconds: Int = 600) async throws -> (Database, HeldSegmentWrites) {
        let fileSystem = HeldSegmentWrites(SimulatedFileSystem())
        var options = DatabaseOptions(durability: .fsync, memtableFlushRows: 100)
        options.idleFlushSeconds = 0
        options.maxWriterWaitSeconds = maxWriterWaitSeconds
        let database = try Database.open(at: "/db", fileSystem: fileSystem, options: options)
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 2, metric: .euclidean))
        func rows(_ prefix: String, _ count: Int) -> [VectorRecord] {
            (0..<count).map { VectorRecord(id: "\(prefix)\($0)", values: [Float($0), 1]) }
        }
        _ = try await database.upsert("c", rows("a", 100))  // the flush trigger: maintenance starts a flush…
        try await waitUntil("the flush reaches its segment file") { fileSystem.heldWriters > 0 }
        _ = try await database.upsert("c", rows("b", 200))  // …held at its file while the active memtable fills up
        #expect(database.core.withLock { $0.overWriteBounds(options) })
        return (database, fileSystem)
    }

    private func waitUntil(_ what: String, _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try !condition() {
            guard ContinuousClock.now < deadline else { throw EngineError.io("timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

/// A file system whose segment writes (`*.seg.tmp` created by a flush) wait until `release()`: holds a flush
/// mid-way, on the maintenance thread, the way a slow disk or a long graph build would.
final class HeldSegmentWrites: FileSystem {
    let inner: SimulatedFileSystem
    private let released = Atomic<Bool>(false)
    private let held = Atomic<Int>(0)

    init(_ inner: SimulatedFileSystem) { self.inner = inner }

    /// Threads waiting at a segment file now.
    var heldWriters: Int { held.load(ordering: .acquiring) }
    /// Lets every held and later segment write through.
    func release() { released.store(true, ordering: .releasing) }

    func open(_ path: String, create: Bool) throws(IOError) -> any VectorLogicIO.FileHandle {
        if create, path.hasSuffix(".seg.tmp") {
            held.add(1, ordering: .sequentiallyConsistent)
            while !released.load(ordering: .acquiring) { usleep(1_000) }
            held.subtract(1, ordering: .sequentiallyConsistent)
        }
        return try inner.open(path, create: create)
    }
    func exists(_ path: String) -> Bool { inner.exists(path) }
    func contents(ofDirectory path: String) throws(IOError) -> [String] { try inner.contents(ofDirectory: path) }
    func createDirectory(_ path: String) throws(IOError) { try inner.createDirectory(path) }
    func rename(_ from: String, to: String) throws(IOError) { try inner.rename(from, to: to) }
    func remove(_ path: String) throws(IOError) { try inner.remove(path) }
    func syncDirectory(_ path: String) throws(IOError) { try inner.syncDirectory(path) }
    func size(of path: String) throws(IOError) -> Int64 { try inner.size(of: path) }
    func lock(_ path: String) throws(IOError) -> any FileLock { try inner.lock(path) }
    func map(_ path: String) throws(IOError) -> MappedFile { try inner.map(path) }
    func entryKind(_ path: String) -> FileEntryKind? { inner.entryKind(path) }
    func openRegularFile(_ path: String) throws(IOError) -> any VectorLogicIO.FileHandle { try inner.openRegularFile(path) }
    func availableBytes(_ path: String) -> Int64? { inner.availableBytes(path) }
}

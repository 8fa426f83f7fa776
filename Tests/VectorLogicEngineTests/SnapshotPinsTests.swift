import Testing
@_spi(Testing) @testable import VectorLogicEngine
import VectorLogicSync
import VectorLogicTestSupport
import VectorLogicIO

/// The bookkeeping that keeps a compaction from deleting segments a snapshot is copying.
struct SnapshotPinsTests {
    /// A pinned obsolete segment is deferred, and only the last unpin releases it; unpinned ones are not deferred.
    @Test func deletionWaitsForTheLastUnpin() {
        var pins = SnapshotPins()
        pins.pin([1, 2])
        pins.pin([2])
        #expect(pins.deferDeletion(of: [2, 3]) == [2])
        #expect(pins.unpin([1, 2]).isEmpty)  // segment 2 is still pinned by the second snapshot
        #expect(pins.unpin([2]) == [2])
        #expect(pins.deferDeletion(of: [1, 2]).isEmpty)
        #expect(pins.unpin([1]).isEmpty)  // unpinning what is not pinned is harmless
    }
}

/// Pins against a real compaction: the inputs a snapshot pinned stay on disk until it unpins them.
@Suite(.serialized) struct SnapshotPinsCompactionTests {
    @Test func compactionDefersDeletingPinnedSegments() async throws {
        let temporary = EngineTempDirectory("pins")
        defer { temporary.remove() }
        var options = DatabaseOptions(durability: .none, backgroundWork: false)
        options.compactionSegmentCount = 1  // past the limit the smallest merge until one is left: all three here
        options.logger.logLevel = .critical
        let database = try Database.open(at: temporary.path, options: options)
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 2, metric: .euclidean, index: IndexConfig(type: .flat)))
        for round in 0..<3 {
            _ = try await database.upsert("c", [VectorRecord(id: "r\(round)", values: [Float(round), 1], metadata: nil)])
            try await database.checkpointNow(compact: false)
        }
        let segments = try PosixFileSystem().contents(ofDirectory: temporary.path).filter { $0.hasSuffix(".seg") }
        #expect(segments.count == 3)
        let numbers = segments.compactMap { UInt64($0.prefix(16), radix: 16) }
        database.snapshotPins.withLock { $0.pin(numbers) }
        try await database.checkpointNow(compact: true)
        let afterCompaction = try PosixFileSystem().contents(ofDirectory: temporary.path).filter { $0.hasSuffix(".seg") }
        #expect(Set(segments).isSubset(of: Set(afterCompaction)), "a pinned input was deleted")
        #expect(afterCompaction.count == 4)
        database.unpinSnapshot(numbers)
        let afterUnpin = try PosixFileSystem().contents(ofDirectory: temporary.path).filter { $0.hasSuffix(".seg") }
        #expect(afterUnpin.count == 1 && !segments.contains(afterUnpin[0]))
        #expect(try database.count("c", filter: nil) == 3)
        try await database.close()
    }
}

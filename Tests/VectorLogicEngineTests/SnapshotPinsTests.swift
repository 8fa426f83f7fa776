import Testing
@testable import VectorLogicEngine

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

/// Segment numbers that running snapshots are copying (guarded by `Database.snapshotPins`).
///
/// Segments are immutable, so a pinned one can be copied without any lock; the only danger is a checkpoint deleting it
/// after a compaction made it obsolete. Such a deletion is deferred here and done by the last `unpin`. Numbers are
/// never reused, so deleting an obsolete number later can never hit a newer file.
struct SnapshotPins: Sendable {
    private var counts: [UInt64: Int] = [:]
    private var deferred: Set<UInt64> = []

    /// Pins `numbers` (once per snapshot that copies them).
    mutating func pin(_ numbers: [UInt64]) {
        for number in numbers { counts[number, default: 0] += 1 }
    }

    /// Unpins `numbers`; returns the obsolete ones no snapshot needs any more, which the caller now deletes.
    mutating func unpin(_ numbers: [UInt64]) -> [UInt64] {
        var released: [UInt64] = []
        for number in numbers {
            let left = (counts[number] ?? 1) - 1
            counts[number] = left > 0 ? left : nil
            if left <= 0, deferred.remove(number) != nil { released.append(number) }
        }
        return released
    }

    /// Of the obsolete `numbers`, those pinned now: remembered, and left for `unpin` to delete.
    mutating func deferDeletion(of numbers: [UInt64]) -> Set<UInt64> {
        let pinned = Set(numbers.filter { counts[$0] != nil })
        deferred.formUnion(pinned)
        return pinned
    }
}

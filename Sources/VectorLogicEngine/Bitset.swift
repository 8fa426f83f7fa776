import Logging
import Synchronization
/// A growable set of row numbers (tombstones). A value type: snapshots share storage until the next change
/// (copy-on-write), so a reader's view never changes under it.
struct Bitset: Sendable, Hashable {
    private(set) var words: [UInt64] = []
    /// Rows in the set.
    private(set) var count = 0

    init() {}

    /// A set over the rows listed.
    init(rows: some Sequence<UInt32>) {
        for row in rows { insert(row) }
    }

    /// Whether `row` is in the set.
    @inline(__always)
    func contains(_ row: UInt32) -> Bool {
        let word = Int(row >> 6)
        guard word < words.count else { return false }
        return words[word] & (1 << UInt64(row & 63)) != 0
    }

    /// Adds `row`; returns false when it was already there.
    @discardableResult
    mutating func insert(_ row: UInt32) -> Bool {
        let word = Int(row >> 6)
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: word + 1 - words.count)) }
        let mask: UInt64 = 1 << UInt64(row & 63)
        guard words[word] & mask == 0 else { return false }
        words[word] |= mask
        count += 1
        return true
    }

    /// The rows in either set.
    func union(_ other: Bitset) -> Bitset {
        var result = Bitset()
        let count = max(words.count, other.words.count)
        result.words = (0..<count).map { index in
            (index < words.count ? words[index] : 0) | (index < other.words.count ? other.words[index] : 0)
        }
        result.count = result.words.reduce(0) { $0 + $1.nonzeroBitCount }
        return result
    }

    /// Whether no row is in the set.
    var isEmpty: Bool { count == 0 }

    /// The rows in ascending order.
    var rows: [UInt32] { rows(excluding: Bitset()) }

    /// The rows in this set and not in `other`, ascending, found a 64-bit word at a time (a filter's match set less the
    /// tombstones: the rows an exact filtered search measures).
    func rows(excluding other: Bitset) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(count)
        for (index, word) in words.enumerated() where word != 0 {
            var bits = word & ~(index < other.words.count ? other.words[index] : 0)
            while bits != 0 {
                let bit = bits.trailingZeroBitCount
                out.append(UInt32(index * 64 + bit))
                bits &= bits - 1
            }
        }
        return out
    }
}

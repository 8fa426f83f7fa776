/// A row and its distance to the current query, ordered by (distance, row) so ties break deterministically.
struct Candidate {
    var distance: Float
    var row: UInt32

    @inline(__always)
    static func closer(_ a: Candidate, _ b: Candidate) -> Bool {
        a.distance < b.distance || (a.distance == b.distance && a.row < b.row)
    }
}

/// A binary heap of candidates over a manually managed buffer (no ARC, no bounds checks in the hot loop).
/// `farthestOnTop == true` keeps the worst candidate on top (result sets), else the best (frontier).
struct CandidateHeap {
    private(set) var storage: UnsafeMutablePointer<Candidate>
    private(set) var capacity: Int
    private(set) var count = 0
    let farthestOnTop: Bool

    init(capacity: Int, farthestOnTop: Bool) {
        self.capacity = max(capacity, 16)
        self.storage = .allocate(capacity: self.capacity)
        self.farthestOnTop = farthestOnTop
    }

    func deallocate() { storage.deallocate() }

    var isEmpty: Bool { count == 0 }
    var top: Candidate { storage[0] }

    mutating func removeAll() { count = 0 }

    @inline(__always)
    private func above(_ a: Candidate, _ b: Candidate) -> Bool {
        farthestOnTop ? Candidate.closer(b, a) : Candidate.closer(a, b)
    }

    mutating func push(_ c: Candidate) {
        if count == capacity { grow() }
        var i = count
        count += 1
        while i > 0 {
            let parent = (i - 1) >> 1
            if !above(c, storage[parent]) { break }
            storage[i] = storage[parent]
            i = parent
        }
        storage[i] = c
    }

    @discardableResult
    mutating func pop() -> Candidate {
        let result = storage[0]
        count -= 1
        if count > 0 { siftDown(storage[count]) }
        return result
    }

    private mutating func siftDown(_ c: Candidate) {
        var i = 0
        let half = count >> 1
        while i < half {
            var child = 2 * i + 1
            let right = child + 1
            if right < count && above(storage[right], storage[child]) { child = right }
            if !above(storage[child], c) { break }
            storage[i] = storage[child]
            i = child
        }
        storage[i] = c
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Candidate>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity *= 2
    }

    /// Empties the heap into `out` sorted best first.
    mutating func drainSorted(into out: inout [Candidate]) {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(count)
        while count > 0 { out.append(pop()) }
        if farthestOnTop { out.reverse() }
    }
}

import Synchronization
import VectorLogicSync

/// Per-search working memory, reused across searches: a generation-stamped visited array (one byte per row,
/// so 100k rows fit in L2), the two heaps, a neighbour buffer and a query buffer. Owned by one thread at a time.
final class SearchScratch: @unchecked Sendable {
    private(set) var visited: UnsafeMutablePointer<UInt8>
    private(set) var visitedCapacity: Int
    private var generation: UInt8 = 0
    var frontier: CandidateHeap
    var results: CandidateHeap
    var neighbors: UnsafeMutablePointer<UInt32>
    let neighborCapacity: Int
    var query: UnsafeMutablePointer<Float>
    /// Per-dimension query terms for SQ8 traversal (`QuantizedRows.prepare`).
    let quantizedTerms: UnsafeMutablePointer<Float>
    /// The same terms as int16 weights (`QuantizedRows.widen`).
    let quantizedWide: UnsafeMutablePointer<Int16>
    /// One row read with `RowRead` for the re-rank (`FrozenHNSW.rerankReads`).
    let row: UnsafeMutablePointer<Float>
    let dimension: Int
    var sorted: [Candidate] = []
    var selected: [Candidate] = []

    init(rows: Int, maxDegree: Int, dimension: Int) {
        visitedCapacity = max(rows, 64)
        visited = .allocate(capacity: visitedCapacity)
        visited.initialize(repeating: 0, count: visitedCapacity)
        frontier = CandidateHeap(capacity: 256, farthestOnTop: false)
        results = CandidateHeap(capacity: 256, farthestOnTop: true)
        neighborCapacity = max(maxDegree, 1) + 1
        neighbors = .allocate(capacity: neighborCapacity)
        self.dimension = dimension
        query = .allocate(capacity: max(dimension, 1))
        quantizedTerms = .allocate(capacity: max(dimension, 1))
        quantizedWide = .allocate(capacity: max(dimension, 1))
        row = .allocate(capacity: max(dimension, 1))
    }

    deinit {
        visited.deallocate()
        frontier.deallocate()
        results.deallocate()
        neighbors.deallocate()
        query.deallocate()
        quantizedTerms.deallocate()
        quantizedWide.deallocate()
        row.deallocate()
    }

    /// The stamp that marks rows visited in the current search.
    var currentGeneration: UInt8 { generation }

    /// Starts a new search: bumps the generation; every 255 searches the array is cleared once.
    func beginVisit(rows: Int) {
        if rows > visitedCapacity { growVisited(to: rows) }
        if generation == UInt8.max {
            visited.update(repeating: 0, count: visitedCapacity)
            generation = 0
        }
        generation &+= 1
        frontier.removeAll()
        results.removeAll()
    }

    /// Marks `row` visited; returns true when it already was.
    @inline(__always)
    func testAndSetVisited(_ row: UInt32) -> Bool {
        let i = Int(row)
        if i >= visitedCapacity { growVisited(to: i + 1) }
        if visited[i] == generation { return true }
        visited[i] = generation
        return false
    }

    func growVisited(to rows: Int) {
        let newCapacity = max(rows, visitedCapacity * 2)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.initialize(from: visited, count: visitedCapacity)
        (bigger + visitedCapacity).initialize(repeating: 0, count: newCapacity - visitedCapacity)
        visited.deallocate()
        visited = bigger
        visitedCapacity = newCapacity
    }
}

/// A small lock-protected free list of scratch objects, so concurrent searches each get their own.
final class ScratchPool: Sendable {
    private let free = Locked<[SearchScratch]>([])
    let maxDegree: Int
    let dimension: Int

    init(maxDegree: Int, dimension: Int) {
        self.maxDegree = maxDegree
        self.dimension = dimension
    }

    func withScratch<R>(rows: Int, _ body: (SearchScratch) -> R) -> R {
        let scratch = free.withLock { list -> SearchScratch? in list.popLast() }
            ?? SearchScratch(rows: rows, maxDegree: maxDegree, dimension: dimension)
        let result = body(scratch)
        free.withLock { list in
            if list.count < 64 { list.append(scratch) }
        }
        return result
    }
}

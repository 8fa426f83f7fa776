import Logging
import Synchronization
import VectorLogicDistance

/// The background-built HNSW graph over a memtable's rows: rows `0..<indexedCount` are in it, later rows are searched
/// exactly, so acknowledging a write never waits for the graph.
///
/// Seam: until `VectorLogicIndex.MutableHNSW` is on main, no rows are indexed (`indexedCount` stays 0) and every
/// memtable row is searched exactly — same results, slower for large memtables.
final class MemtableGraph: Sendable {
    let table: Memtable
    let metric: DistanceMetric
    let index: IndexConfig
    private let indexed = Atomic<Int>(0)
    /// Serialises inserts (the indexer thread and a checkpoint finishing the graph).
    private let insertLock = Mutex<Void>(())

    init(table: Memtable, metric: DistanceMetric, index: IndexConfig) {
        self.table = table
        self.metric = metric
        self.index = index
    }

    /// Rows already in the graph (a prefix of the table).
    var indexedCount: Int { indexed.load(ordering: .acquiring) }

    /// Whether this collection builds a graph at all.
    var usesGraph: Bool { false }

    /// Inserts rows `indexedCount..<min(count, indexedCount + budget)`; returns how many were inserted.
    /// `count` must come from a snapshot (rows below it are fully written).
    @discardableResult
    func indexPending(upTo count: Int, budget: Int) -> Int {
        guard usesGraph else { return 0 }
        return insertLock.withLock { _ in 0 }
    }

    /// Graph search over rows `0..<limit` (limit ≤ indexedCount), best first.
    func search(query: UnsafePointer<Float>, k: Int, ef: Int, limit: Int, accept: (UInt32) -> Bool) -> [(row: UInt32, distance: Float)] {
        []
    }

    /// The graph section bytes for a segment of all rows (every row must be indexed); nil without a graph.
    func serialized() -> [UInt8]? { nil }
}

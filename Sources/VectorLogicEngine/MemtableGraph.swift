import Dispatch
import Logging
import Synchronization
import VectorLogicSync
import VectorLogicDistance
import VectorLogicIndex

/// The background-built HNSW graph over a memtable's rows: rows `0..<indexedCount` are in it, later rows are searched
/// exactly, so acknowledging a write never waits for the graph. Flat collections have no graph.
final class MemtableGraph: Sendable {
    let table: Memtable
    let metric: DistanceMetric
    let index: IndexConfig
    private let graph: MutableHNSW?
    private let indexed = Atomic<Int>(0)
    /// Serialises inserts (the indexer thread and a checkpoint finishing the graph), so rows go in once, in order.
    private let insertLock = Locked<Void>(())
    /// Whether searches read this graph while it is built (a memtable's); a compaction's is only serialized, whose
    /// connect pass links every row, so it skips the check after each batch (`MutableHNSW.linkOrphans`).
    let searchedWhileBuilt: Bool

    init(table: Memtable, metric: DistanceMetric, index: IndexConfig, searchedWhileBuilt: Bool = true) {
        self.table = table
        self.metric = metric
        self.index = index
        self.searchedWhileBuilt = searchedWhileBuilt
        if index.type == .hnsw {
            let parameters = HNSWParameters(m: index.m, efConstruction: index.efConstruction)
            graph = MutableHNSW(source: table, metric: metric, parameters: parameters, expectedCount: 4096)
        } else {
            graph = nil
        }
    }

    /// Rows already in the graph (a prefix of the table).
    var indexedCount: Int { indexed.load(ordering: .acquiring) }

    /// Whether this collection builds a graph at all.
    var usesGraph: Bool { graph != nil }

    /// Inserts rows `indexedCount..<min(count, indexedCount + budget)`; returns how many were inserted.
    /// `count` must come from a snapshot taken under the core lock (rows below it are fully written).
    ///
    /// With `threads > 1` and a batch of at least `parallelMinimumRows`, the rows are inserted concurrently (the graph
    /// takes concurrent inserts). Either way `indexedCount` moves to the batch's end once all are in and no row is left
    /// without a level-0 in-link (`MutableHNSW.linkOrphans`): searches keep scanning the batch exactly until then and
    /// ignore its rows in graph answers, so nothing is missed or returned twice.
    /// The graph's links then depend on thread timing (levels stay seeded); the rows and answers do not.
    @discardableResult
    func indexPending(upTo count: Int, budget: Int, threads: Int = 1) -> Int {
        guard let graph else { return 0 }
        return insertLock.withLock { _ in
            let start = indexed.load(ordering: .relaxed)
            let end = min(count, start + min(budget, count))
            guard end > start else { return 0 }
            if threads > 1 && end - start >= MemtableGraph.parallelMinimumRows {
                let next = ClaimCounter(start)
                DispatchQueue.concurrentPerform(iterations: threads) { _ in
                    while true {
                        let row = next.claim()
                        if row >= end { break }
                        graph.insert(UInt32(row))
                    }
                }
            } else {
                for row in start..<end { graph.insert(UInt32(row)) }
            }
            // Searches walk only what is published: first link back any row the batch's pruning left without an
            // in-link (on one thread too), which no walk could reach until the flush's full pass.
            if searchedWhileBuilt { graph.linkOrphans() }
            indexed.store(end, ordering: .releasing)
            return end - start
        }
    }

    /// Smallest batch worth spreading over several threads.
    static let parallelMinimumRows = 512

    /// Rows a flush or compaction inserts between looks at `indexedCount`'s watchers: ~2 s of work at 1M rows on 2
    /// cores (~2,300 inserts/s). Short enough that `close` is heard soon and that writers held back by the unindexed
    /// backlog go on as the graph grows; long enough that the threads' join at each chunk's end costs nothing.
    static let finishChunk = 4_096

    /// Inserts every row below `count` on all cores, `finishChunk` rows at a time, calling `beforeChunk` before each
    /// (it throws to stop, e.g. `.cancelled` when the database closes). `indexedCount` moves at every chunk, so the
    /// unindexed backlog writers are throttled on (`Database.appendHeldBack`) shrinks while a flush finishes its graph: in
    /// one call it stayed whole for the ~70 s of a 200,000-row flush, and every writer waited it out (1M ingest over
    /// HTTP: upsert p99 65–95 s, p50 0.09–0.14 s).
    func finish(upTo count: Int, threads: Int,
                beforeChunk: () throws(EngineError) -> Void = {}) throws(EngineError) {
        while indexedCount < count {  // a flat collection has no graph: the first call inserts nothing
            try beforeChunk()
            guard indexPending(upTo: count, budget: MemtableGraph.finishChunk, threads: threads) > 0 else { break }
        }
    }

    /// Hands out row numbers to the inserting threads.
    /// Makes the inserts of rows `0..<rows` walk SQ8 codes (`MutableHNSW.prepareQuantizedBuild`): for a table whose rows
    /// are all written before the graph is built (a compaction), ~25% less build time at equal recall (BENCHMARKS.md),
    /// for codes worth a quarter of the rows' float bytes held until the graph is dropped.
    func prepareQuantizedBuild(rows: Int) {
        graph?.prepareQuantizedBuild(rows: rows)
    }

    /// Graph search; the caller's `accept` limits results to its snapshot's indexed rows.
    func search(query: UnsafePointer<Float>, k: Int, ef: Int, accept: @escaping RowPredicate) -> [Neighbor] {
        graph?.search(query, k: k, ef: ef, accept: accept) ?? []
    }

    /// Rows below `indexedCount` that no level-0 walk from the entry point reaches (tests).
    var unreachableIndexedRows: Int {
        guard let graph else { return 0 }
        return insertLock.withLock { _ in graph.reachability().unreachable }
    }

    /// The graph section bytes for a segment of all rows (every row must be indexed); nil without a graph.
    /// Holds the insert lock: serialising first links unreachable rows back in, which needs no insert running.
    func serialized() -> [UInt8]? {
        guard let graph else { return nil }
        return insertLock.withLock { _ in graph.serialized() }
    }
}

extension Memtable: VectorSource {}

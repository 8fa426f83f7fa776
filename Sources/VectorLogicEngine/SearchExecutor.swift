import Dispatch
import Logging
import Synchronization
import VectorLogicDistance
import VectorLogicFilter
import VectorLogicIndex
import VectorLogicJSON
import VectorLogicSync

/// One search over a snapshot: each segment by its graph (or exactly: flat collections, segments without a graph,
/// selective filters), each memtable by its graph over the indexed prefix plus an exact scan of the unindexed tail;
/// merged into one top-k by internal distance (the index module's distances, identical for graph and exact hits).
///
/// The budget is checked between sources, every `RequestBudget.checkInterval` rows of exact search (in chunks) and
/// inside the filter predicate of graph walks (`BudgetGate`), so a search stops soon after its budget runs out.
struct SearchExecutor {
    let view: CollectionView
    let request: SearchRequest
    let budget: RequestBudget
    /// The request's filter, compiled once for all sources.
    let filter: CompiledFilter?
    let gate: BudgetGate

    /// Rows per exact-search call, so the budget is checked between chunks.
    static let exactChunk = 8_192

    init(view: CollectionView, request: SearchRequest, budget: RequestBudget) {
        self.view = view
        self.request = request
        self.budget = budget
        self.filter = request.filter.map(CompiledFilter.init).flatMap { $0.matchesEverything ? nil : $0 }
        self.gate = BudgetGate(budget)
    }

    /// Segments of at least this many rows in all before a search is worth sharing with other cores (`run(helpers:)`):
    /// handing a segment to a GCD thread and waiting for it costs ~10–20 µs here, and a walk of a 100,000-row segment
    /// at ef 32 ~40–50 µs (BENCHMARKS.md "Segments on both cores").
    static let sharedSegmentRows = 100_000

    /// Runs the search. With `helpers` > 0 and segments worth it (`sharedSegmentRows`), up to that many GCD threads
    /// take segments too, each its own walk, and this thread merges their hits: `Database.search` asks for that when
    /// its query is the only one running, so a lone query uses the idle cores and concurrent queries still take one each.
    func run(helpers: Int = 0, sharedRows: Int = SearchExecutor.sharedSegmentRows) throws(EngineError) -> [SearchMatch] {
        let metric = view.config.metric
        let ef = max(request.ef ?? view.config.index.efSearch, request.k)
        var top = TopK(k: request.k)
        let shared = helpers > 0 && view.segments.count >= 2
            && view.segments.reduce(0, { $0 + $1.segment.rows }) >= sharedRows
            ? SharedSegments(count: view.segments.count, k: request.k) : nil
        if let shared {
            for _ in 0..<min(helpers, view.segments.count - 1) {
                let (view, request, budget) = (view, request, budget)
                DispatchQueue.global(qos: .userInitiated).async {
                    let helper = SearchExecutor(view: view, request: request, budget: budget)
                    request.vector.withUnsafeBufferPointer { buffer in
                        guard let query = buffer.baseAddress else { return }
                        helper.searchSegments(shared, query: query, ef: ef, metric: metric)
                    }
                }
            }
        }
        let result = request.vector.withUnsafeBufferPointer { buffer -> Result<Void, EngineError> in
            guard let query = buffer.baseAddress else { return .success(()) }
            do throws(EngineError) {
                if let shared {
                    // This thread takes segments too, so a helper that starts late only finds less (or no) work.
                    searchSegments(shared, query: query, ef: ef, metric: metric)
                    for (index, hits) in shared.waitForAll().enumerated() {
                        for hit in try hits.get() {
                            top.insert(Candidate(source: index, row: hit.row, distance: hit.distance))
                        }
                    }
                } else {
                    for (index, state) in view.segments.enumerated() {
                        try budget.check()
                        for hit in try searchSegment(state, query: query, ef: ef, metric: metric, within: top.bound) {
                            top.insert(Candidate(source: index, row: hit.row, distance: hit.distance))
                        }
                    }
                }
                for (index, memtable) in view.memtables.enumerated() {
                    try budget.check()
                    for hit in try searchMemtable(memtable, query: query, ef: ef, metric: metric) {
                        top.insert(Candidate(source: view.segments.count + index, row: hit.row, distance: hit.distance))
                    }
                }
                try budget.check()
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        return top.items.compactMap { candidate in match(candidate, metric: metric) }
    }

    /// Takes segments from `shared` until none is left, storing each one's hits (or error) in its slot.
    private func searchSegments(_ shared: SharedSegments, query: UnsafePointer<Float>, ef: Int, metric: DistanceMetric) {
        while let (index, bound) = shared.claim() {
            let hits = Result { () throws(EngineError) -> [Neighbor] in
                try budget.check()
                return try searchSegment(view.segments[index], query: query, ef: ef, metric: metric, within: bound)
            }
            shared.finish(index, hits)
        }
    }

    /// Exact search over `rows` in chunks of `exactChunk`, checking the budget between chunks; best first, ties by row.
    private func chunkedExactSearch(_ query: UnsafePointer<Float>, source: any VectorSource, rows: Range<UInt32>,
                                    metric: DistanceMetric, accept: RowPredicate?) throws(EngineError) -> [Neighbor] {
        try inChunks(count: rows.count) { part in
            let first = rows.lowerBound + UInt32(part.lowerBound)
            return exactSearch(query, source: source, rows: first..<(first + UInt32(part.count)), metric: metric,
                               k: request.k, accept: accept)
        }
    }

    /// Exact search over the rows listed, in chunks of `exactChunk` as above.
    private func chunkedExactSearch(_ query: UnsafePointer<Float>, source: any VectorSource, listed rows: [UInt32],
                                    metric: DistanceMetric) throws(EngineError) -> [Neighbor] {
        try inChunks(count: rows.count) { part in
            exactSearch(query, source: source, listed: rows[part], metric: metric, k: request.k)
        }
    }

    /// Runs `search` over positions [0, count) in chunks of `exactChunk`, checking the budget between chunks, and keeps
    /// the k best of their hits; best first, ties by row.
    private func inChunks(count: Int, _ search: (Range<Int>) -> [Neighbor]) throws(EngineError) -> [Neighbor] {
        guard count > SearchExecutor.exactChunk else { return search(0..<count) }
        var hits: [Neighbor] = []
        var start = 0
        while start < count {
            try budget.check()
            let end = min(count, start + SearchExecutor.exactChunk)
            hits += search(start..<end)
            if hits.count >= 4 * request.k {
                hits.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.row < $1.row }
                hits.removeLast(hits.count - request.k)
            }
            start = end
        }
        hits.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.row < $1.row }
        return Array(hits.prefix(request.k))
    }

    /// A segment's hits. `bound`: the k-th best distance of the segments searched before it (+inf while fewer than k
    /// hits are in): its graph search need not re-measure candidates that cannot come within it (`FrozenHNSW.search`).
    private func searchSegment(_ state: SegmentView, query: UnsafePointer<Float>, ef: Int, metric: DistanceMetric,
                               within bound: Float) throws(EngineError) -> [Neighbor] {
        let segment = state.segment
        guard segment.rows > 0 else { return [] }
        let dead = state.dead
        let gate = self.gate
        // The segment's match set for this filter (computed once, then cached: FilterMatchCache).
        var matching: Bitset?
        if let filter, let definition = request.filter {
            matching = try segment.rows(matching: definition, compiled: filter, budget: budget)
        }
        let accept: RowPredicate = { [matching] row in
            // Past the budget every row passes, so a filtered graph walk ends at once; `run` then throws.
            if gate.isExpired() { return true }
            guard !dead.contains(row) else { return false }
            return matching?.contains(row) ?? true
        }
        let rows = 0..<UInt32(segment.rows)
        if let graph = segment.graph, !prefersExact(rows: rows, ef: ef, accept: accept) {
            let hits = graph.search(query, k: request.k, ef: ef, accept: dead.count == 0 && filter == nil ? nil : accept,
                                    within: bound)
            try budget.check()
            return hits
        }
        if let matching {
            // The filter's match set is known: measure its live rows only, found a word at a time, rather than ask
            // every row of the segment (at 1M rows and a 1% filter that was half of a query's time).
            return try chunkedExactSearch(query, source: segment.source, listed: matching.rows(excluding: dead), metric: metric)
        }
        return try chunkedExactSearch(query, source: segment.source, rows: rows, metric: metric,
                                      accept: dead.count == 0 && filter == nil ? nil : accept)
    }

    private func searchMemtable(_ memtable: MemtableView, query: UnsafePointer<Float>, ef: Int,
                                metric: DistanceMetric) throws(EngineError) -> [Neighbor] {
        let dead = memtable.dead
        let filter = self.filter
        let gate = self.gate
        let table = memtable.table
        let count = memtable.count
        guard count > 0 else { return [] }
        let accept: RowPredicate = { row in
            guard Int(row) < count else { return false }
            if gate.isExpired() { return true }
            guard !dead.contains(row) else { return false }
            guard let filter else { return true }
            return filter.matches(stored: table.row(row).metadata)
        }
        var hits: [Neighbor] = []
        var exactFrom: UInt32 = 0
        let indexed = UInt32(min(memtable.graph.indexedCount, count))
        if indexed > 0, !prefersExact(rows: 0..<indexed, ef: ef, accept: accept) {
            hits = memtable.graph.search(query: query, k: request.k, ef: ef) { row in row < indexed && accept(row) }
            try budget.check()
            exactFrom = indexed
        }
        hits += try chunkedExactSearch(query, source: table, rows: exactFrom..<UInt32(count), metric: metric, accept: accept)
        return hits
    }

    /// With a filter, whether an exact scan of the matching rows beats a filtered graph walk (the index module's planner).
    private func prefersExact(rows: Range<UInt32>, ef: Int, accept: RowPredicate) -> Bool {
        guard filter != nil else { return false }
        let selectivity = FilteredSearchPlanner.estimatedSelectivity(rows: rows, accept: accept)
        return FilteredSearchPlanner.prefersExactSearch(selectivity: selectivity, rowCount: rows.count, ef: ef)
    }

    private func match(_ candidate: Candidate, metric: DistanceMetric) -> SearchMatch? {
        let score = metric.score(fromDistance: candidate.distance)
        // Never emit a null score: TopK admits finite distances only, and each score of a finite distance is finite;
        // this guard keeps that true if either changes.
        guard score.isFinite, SearchScores.passes(metric, score: score, threshold: request.threshold) else { return nil }
        let location: RowLocation
        if candidate.source < view.segments.count {
            location = .segment(view.segments[candidate.source].segment, candidate.row)
        } else {
            location = .memtable(view.memtables[candidate.source - view.segments.count].table, candidate.row)
        }
        let stored = location.stored(includeValues: request.includeValues, includeMetadata: request.includeMetadata)
        return SearchMatch(id: stored.id, score: score, metadata: stored.metadata, values: stored.values)
    }
}

/// One search's segments shared between its thread and helper threads (`SearchExecutor.run(helpers:)`): each segment
/// is claimed once; the search's thread waits until every claimed segment has its hits. The k best distances of the
/// segments finished so far give each newly claimed segment its re-rank bound.
final class SharedSegments: Sendable {
    private let next = ClaimCounter(0)
    private let count: Int
    private let results: Locked<(hits: [Result<[Neighbor], EngineError>?], finished: Int, best: TopK)>
    private let done = ConditionLock()

    init(count: Int, k: Int) {
        self.count = count
        results = Locked((Array(repeating: nil, count: count), 0, TopK(k: k)))
    }

    /// The next unclaimed segment and the k-th best distance found so far (+inf while fewer than k), or nil when all
    /// are taken.
    func claim() -> (index: Int, bound: Float)? {
        let index = next.claim()
        guard index < count else { return nil }
        return (index, results.withLock { $0.best.bound })
    }

    /// Stores a claimed segment's hits; the last one wakes the waiting thread.
    func finish(_ index: Int, _ hits: Result<[Neighbor], EngineError>) {
        let all = results.withLock { state in
            state.hits[index] = hits
            state.finished += 1
            if case .success(let found) = hits {
                for hit in found { state.best.insert(Candidate(source: index, row: hit.row, distance: hit.distance)) }
            }
            return state.finished == count
        }
        if all { done.withLock { done.broadcast() } }
    }

    /// Every segment's hits, in segment order, once all are finished (a segment still being walked by a helper takes
    /// at most that one walk: the waiting thread claimed all the others itself).
    func waitForAll() -> [Result<[Neighbor], EngineError>] {
        done.withLock {
            while results.withLock({ $0.finished }) < count { done.wait() }
        }
        return results.withLock { state in state.hits.map { $0 ?? .failure(EngineError.io("segment not searched")) } }
    }
}

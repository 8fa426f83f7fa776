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
/// A segment with SQ8 codes is walked first and re-measured last, once every source has given its candidates: the
/// k-th smallest upper bound over all of them spares the float32 reads of candidates that cannot make the top k
/// (1M rows in 6 segments, ef 32: 114 rows read a query when each segment re-ranked on its own, 21 now).
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
            ? SharedSegments(count: view.segments.count) : nil
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
                var passes: [SegmentPass] = []
                if let shared {
                    // This thread takes segments too, so a helper that starts late only finds less (or no) work.
                    searchSegments(shared, query: query, ef: ef, metric: metric)
                    for pass in shared.waitForAll() { passes.append(try pass.get()) }
                } else {
                    for state in view.segments {
                        try budget.check()
                        passes.append(try firstPass(state, query: query, ef: ef, metric: metric))
                    }
                }
                var memtableHits: [[Neighbor]] = []
                for memtable in view.memtables {
                    try budget.check()
                    memtableHits.append(try searchMemtable(memtable, query: query, ef: ef, metric: metric))
                }
                // One re-rank for all segments: the k-th smallest of every exact hit and every walked candidate's upper
                // bound is a distance k hits are provably within, so a candidate that cannot come within it is not read.
                var bounds = TopK(k: request.k)
                for pass in passes { pass.offerBounds(to: &bounds) }
                for hits in memtableHits { SegmentPass.hits(hits).offerBounds(to: &bounds) }
                func merged(within bound: Float) throws(EngineError) -> (top: TopK, cut: Bool) {
                    var top = TopK(k: request.k)
                    var cut = false
                    for (index, pass) in passes.enumerated() {
                        let hits: [Neighbor]
                        switch pass {
                        case .hits(let exact):
                            hits = exact
                        case .walked(let graph, let walked):
                            try budget.check()
                            cut = cut || walked.count(within: bound) < walked.candidates.count
                            hits = graph.remeasure(walked, query: query, k: request.k, within: bound)
                        }
                        for hit in hits { top.insert(Candidate(source: index, row: hit.row, distance: hit.distance)) }
                    }
                    for (index, hits) in memtableHits.enumerated() {
                        for hit in hits {
                            top.insert(Candidate(source: view.segments.count + index, row: hit.row, distance: hit.distance))
                        }
                    }
                    return (top, cut)
                }
                var result = try merged(within: bounds.bound)
                if result.cut && result.top.items.count < request.k {
                    // Fewer than k hits, though the bound promised k within it: a row whose float32 distance is not
                    // finite (stored before such vectors were refused; `TopK` drops it) gave a finite upper bound.
                    // Re-measure everything, as each segment on its own would have.
                    result = try merged(within: .infinity)
                }
                top = result.top
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
        while let index = shared.claim() {
            let pass = Result { () throws(EngineError) -> SegmentPass in
                try budget.check()
                return try firstPass(view.segments[index], query: query, ef: ef, metric: metric)
            }
            shared.finish(index, pass)
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

    /// A segment's first pass: its SQ8 walk's candidates, re-measured once every segment is walked (`run`), or its
    /// exact hits (no codes: a small or flat segment, or a selective filter's exact search).
    private func firstPass(_ state: SegmentView, query: UnsafePointer<Float>, ef: Int,
                           metric: DistanceMetric) throws(EngineError) -> SegmentPass {
        let segment = state.segment
        guard segment.rows > 0 else { return .hits([]) }
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
            let walkAccept = dead.count == 0 && filter == nil ? nil : accept
            if let walked = graph.walk(query, k: request.k, ef: ef, accept: walkAccept) {
                try budget.check()
                return .walked(graph, walked)
            }
            let hits = graph.search(query, k: request.k, ef: ef, accept: walkAccept)
            try budget.check()
            return .hits(hits)
        }
        if let matching {
            // The filter's match set is known: measure its live rows only, found a word at a time, rather than ask
            // every row of the segment (at 1M rows and a 1% filter that was half of a query's time).
            return .hits(try chunkedExactSearch(query, source: segment.source, listed: matching.rows(excluding: dead),
                                                metric: metric))
        }
        return .hits(try chunkedExactSearch(query, source: segment.source, rows: rows, metric: metric,
                                            accept: dead.count == 0 && filter == nil ? nil : accept))
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

/// What one segment gave a search's first pass (`SearchExecutor.firstPass`); a memtable's hits offer their bounds as
/// `.hits` too.
enum SegmentPass: Sendable {
    /// SQ8 candidates of the segment's graph, to re-measure once all segments are walked.
    case walked(FrozenHNSW, WalkedCandidates)
    /// Exact hits, best first.
    case hits([Neighbor])

    /// Offers the distances k hits of this segment are provably within: exact ones, or the first k candidates'
    /// upper bounds (later candidates' bounds are no smaller).
    func offerBounds(to bounds: inout TopK) {
        switch self {
        case .hits(let hits):
            for hit in hits { bounds.insert(Candidate(source: 0, row: hit.row, distance: hit.distance)) }
        case .walked(_, let walked):
            for i in 0..<min(bounds.k, walked.candidates.count) {
                bounds.insert(Candidate(source: 0, row: walked.candidates[i].row, distance: walked.upperBound(i)))
            }
        }
    }
}

/// One search's segments shared between its thread and helper threads (`SearchExecutor.run(helpers:)`): each segment
/// is claimed once; the search's thread waits until every claimed segment has its first pass.
final class SharedSegments: Sendable {
    private let next = ClaimCounter(0)
    private let count: Int
    private let results: Locked<(passes: [Result<SegmentPass, EngineError>?], finished: Int)>
    private let done = ConditionLock()

    init(count: Int) {
        self.count = count
        results = Locked((Array(repeating: nil, count: count), 0))
    }

    /// The next unclaimed segment, or nil when all are taken.
    func claim() -> Int? {
        let index = next.claim()
        return index < count ? index : nil
    }

    /// Stores a claimed segment's first pass; the last one wakes the waiting thread.
    func finish(_ index: Int, _ pass: Result<SegmentPass, EngineError>) {
        let all = results.withLock { state in
            state.passes[index] = pass
            state.finished += 1
            return state.finished == count
        }
        if all { done.withLock { done.broadcast() } }
    }

    /// Every segment's first pass, in segment order, once all are finished (a segment still being walked by a helper
    /// takes at most that one walk: the waiting thread claimed all the others itself).
    func waitForAll() -> [Result<SegmentPass, EngineError>] {
        done.withLock {
            while results.withLock({ $0.finished }) < count { done.wait() }
        }
        return results.withLock { state in state.passes.map { $0 ?? .failure(EngineError.io("segment not searched")) } }
    }
}

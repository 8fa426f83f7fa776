import Logging
import Synchronization
import VectorLogicDistance
import VectorLogicFilter
import VectorLogicIndex
import VectorLogicJSON

/// One search over a snapshot: each segment by its graph (or exactly: flat collections, segments without a graph,
/// selective filters), each memtable by its graph over the indexed prefix plus an exact scan of the unindexed tail;
/// merged into one top-k by internal distance (the index module's distances, identical for graph and exact hits).
struct SearchExecutor {
    let view: CollectionView
    let request: SearchRequest

    func run() -> [SearchMatch] {
        let metric = view.config.metric
        let ef = max(request.ef ?? view.config.index.efSearch, request.k)
        var top = TopK(k: request.k)
        request.vector.withUnsafeBufferPointer { buffer in
            guard let query = buffer.baseAddress else { return }
            for (index, state) in view.segments.enumerated() {
                for hit in searchSegment(state, query: query, ef: ef, metric: metric) {
                    top.insert(Candidate(source: index, row: hit.row, distance: hit.distance))
                }
            }
            for (index, memtable) in view.memtables.enumerated() {
                for hit in searchMemtable(memtable, query: query, ef: ef, metric: metric) {
                    top.insert(Candidate(source: view.segments.count + index, row: hit.row, distance: hit.distance))
                }
            }
        }
        return top.items.compactMap { candidate in match(candidate, metric: metric) }
    }

    private func searchSegment(_ state: SegmentView, query: UnsafePointer<Float>, ef: Int, metric: DistanceMetric) -> [Neighbor] {
        let segment = state.segment
        guard segment.rows > 0 else { return [] }
        let dead = state.dead
        let metadata = request.filter == nil ? nil : segment.allMetadata()
        let filter = request.filter
        let accept: RowPredicate = { row in
            guard !dead.contains(row) else { return false }
            guard let filter, let metadata else { return true }
            return filter.matches(metadata[Int(row)])
        }
        let rows = 0..<UInt32(segment.rows)
        if let graph = segment.graph, !prefersExact(rows: rows, ef: ef, accept: accept) {
            return graph.search(query, k: request.k, ef: ef, accept: dead.count == 0 && filter == nil ? nil : accept)
        }
        return exactSearch(query, source: segment.source, rows: rows, metric: metric, k: request.k,
                           accept: dead.count == 0 && filter == nil ? nil : accept)
    }

    private func searchMemtable(_ memtable: MemtableView, query: UnsafePointer<Float>, ef: Int, metric: DistanceMetric) -> [Neighbor] {
        let dead = memtable.dead
        let filter = request.filter
        let table = memtable.table
        let count = memtable.count
        guard count > 0 else { return [] }
        let accept: RowPredicate = { row in
            guard Int(row) < count, !dead.contains(row) else { return false }
            guard let filter else { return true }
            return filter.matches(table.row(row).metadata)
        }
        var hits: [Neighbor] = []
        var exactFrom: UInt32 = 0
        let indexed = UInt32(min(memtable.graph.indexedCount, count))
        if indexed > 0, !prefersExact(rows: 0..<indexed, ef: ef, accept: accept) {
            hits = memtable.graph.search(query: query, k: request.k, ef: ef) { row in row < indexed && accept(row) }
            exactFrom = indexed
        }
        hits += exactSearch(query, source: table, rows: exactFrom..<UInt32(count), metric: metric, k: request.k, accept: accept)
        return hits
    }

    /// With a filter, whether an exact scan of the matching rows beats a filtered graph walk (the index module's planner).
    private func prefersExact(rows: Range<UInt32>, ef: Int, accept: RowPredicate) -> Bool {
        guard request.filter != nil else { return false }
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
        let stored = location.stored(includeValues: request.includeValues)
        return SearchMatch(id: stored.id, score: score, metadata: request.includeMetadata ? stored.metadata : nil,
                           values: stored.values)
    }
}

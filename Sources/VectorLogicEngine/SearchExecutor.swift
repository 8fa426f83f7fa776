import Logging
import Synchronization
import VectorLogicDistance
import VectorLogicFilter
import VectorLogicJSON

/// One search over a snapshot: each segment by its graph (or exactly), each memtable by its graph over the indexed
/// prefix plus an exact scan of the unindexed tail; merged into one top-k by internal distance.
struct SearchExecutor {
    let view: CollectionView
    let request: SearchRequest

    /// Filters this selective or more are answered by an exact scan of the matching rows: a graph walk would starve.
    static let exactFilterSelectivity = 0.05

    func run() -> [SearchMatch] {
        let metric = view.config.metric
        let dimension = view.config.dimension
        let query = SearchKernels.prepare(request.vector, metric: metric)
        let ef = max(request.ef ?? view.config.index.efSearch, request.k)
        var top = TopK(k: request.k)
        query.withUnsafeBufferPointer { buffer in
            guard let pointer = buffer.baseAddress else { return }
            for (index, state) in view.segments.enumerated() {
                searchSegment(state, source: index, query: pointer, ef: ef, metric: metric, dimension: dimension, into: &top)
            }
            for (index, memtable) in view.memtables.enumerated() {
                searchMemtable(memtable, source: view.segments.count + index, query: pointer, ef: ef, metric: metric,
                               dimension: dimension, into: &top)
            }
        }
        return top.items.compactMap { candidate in match(candidate, metric: metric) }
    }

    private func searchSegment(_ state: SegmentView, source: Int, query: UnsafePointer<Float>, ef: Int, metric: DistanceMetric,
                               dimension: Int, into top: inout TopK) {
        let segment = state.segment
        let dead = state.dead
        let metadata = request.filter == nil ? nil : segment.allMetadata()
        let filter = request.filter
        let accept: (UInt32) -> Bool = { row in
            guard !dead.contains(row) else { return false }
            guard let filter, let metadata else { return true }
            return filter.matches(metadata[Int(row)])
        }
        if let graph = SegmentGraphs.graph(for: segment, metric: metric), !filterIsSelective(rows: segment.rows, accept: accept) {
            for hit in graph.search(query: query, k: request.k, ef: ef, accept: accept) {
                top.insert(Candidate(source: source, row: hit.row, distance: hit.distance))
            }
            return
        }
        SearchKernels.scan(query: query, metric: metric, dimension: dimension, rows: 0..<UInt32(segment.rows), source: source,
                           vector: { segment.vector($0) }, accept: accept, into: &top)
    }

    private func searchMemtable(_ memtable: MemtableView, source: Int, query: UnsafePointer<Float>, ef: Int, metric: DistanceMetric,
                                dimension: Int, into top: inout TopK) {
        let dead = memtable.dead
        let filter = request.filter
        let table = memtable.table
        let count = memtable.count
        let accept: (UInt32) -> Bool = { row in
            guard Int(row) < count, !dead.contains(row) else { return false }
            guard let filter else { return true }
            return filter.matches(table.row(row).metadata)
        }
        var exactFrom = 0
        let indexed = min(memtable.graph.indexedCount, count)
        if indexed > 0, !filterIsSelective(rows: indexed, accept: accept) {
            let hits = memtable.graph.search(query: query, k: request.k, ef: ef, limit: indexed) { row in
                Int(row) < indexed && accept(row)
            }
            for hit in hits { top.insert(Candidate(source: source, row: hit.row, distance: hit.distance)) }
            exactFrom = indexed
        }
        SearchKernels.scan(query: query, metric: metric, dimension: dimension, rows: UInt32(exactFrom)..<UInt32(count),
                           source: source, vector: { table.vector($0) }, accept: accept, into: &top)
    }

    /// Estimates the filter's selectivity from up to 64 evenly spaced rows.
    private func filterIsSelective(rows: Int, accept: (UInt32) -> Bool) -> Bool {
        guard request.filter != nil, rows > 0 else { return false }
        let samples = min(64, rows)
        var hits = 0
        for index in 0..<samples where accept(UInt32(index * rows / samples)) { hits += 1 }
        return Double(hits) / Double(samples) < Self.exactFilterSelectivity
    }

    private func match(_ candidate: Candidate, metric: DistanceMetric) -> SearchMatch? {
        let score = SearchKernels.score(metric, distance: candidate.distance)
        guard SearchKernels.passes(metric, score: score, threshold: request.threshold) else { return nil }
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

/// The graph of a segment, read in place from its graph section.
///
/// Seam: until `VectorLogicIndex.FrozenHNSW` is on main, there is no graph reader and segments are searched exactly.
enum SegmentGraphs {
    static func graph(for segment: Segment, metric: DistanceMetric) -> SegmentGraph? { nil }
}

/// A read-only graph over a segment's rows.
struct SegmentGraph {
    func search(query: UnsafePointer<Float>, k: Int, ef: Int, accept: (UInt32) -> Bool) -> [(row: UInt32, distance: Float)] { [] }
}

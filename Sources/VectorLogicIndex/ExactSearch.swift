public import VectorLogicDistance
import CVectorLogicKernels

/// Exact k-NN over rows [0, count) of a source (flat index, small segments, unindexed tail, selective filters).
///
/// Distances are the same internal distances as the HNSW search (cosine uses the normalised query and `1/|v|`
/// computed with the same kernels), so hits from exact and graph search merge consistently. Best first; ties by row.
public func exactSearch(_ query: UnsafePointer<Float>, source: any VectorSource, rows: Range<UInt32>, metric: DistanceMetric,
                        k: Int, accept: RowPredicate?) -> [Neighbor] {
    exactSearch(query, source: source, rowList: rows, metric: metric, k: k, accept: accept, prefetchAhead: 0)
}

/// The k nearest of the rows listed (ascending or not), best first, ties by row: a filter's known match set, so the
/// search measures those rows only instead of asking a predicate about every row of the segment (at 1M rows and a 1%
/// filter the per-row predicate calls were half of a query's time, BENCHMARKS.md "A 1% filter").
public func exactSearch(_ query: UnsafePointer<Float>, source: any VectorSource, listed rows: ArraySlice<UInt32>,
                        metric: DistanceMetric, k: Int) -> [Neighbor] {
    // Listed rows are scattered (1 in 100 at a 1% filter), so the hardware prefetcher cannot follow them; a hint
    // `listedPrefetchRows` rows ahead overlaps their cache misses with the distances.
    exactSearch(query, source: source, rowList: rows, metric: metric, k: k, accept: nil, prefetchAhead: listedPrefetchRows)
}

/// Rows an exact search over listed rows prefetches ahead (BENCHMARKS.md "A 1% filter").
let listedPrefetchRows = 8

private func exactSearch<Rows: Collection<UInt32>>(_ query: UnsafePointer<Float>, source: any VectorSource, rowList rows: Rows,
                                                   metric: DistanceMetric, k: Int, accept: RowPredicate?,
                                                   prefetchAhead: Int) -> [Neighbor] {
    guard k > 0, !rows.isEmpty else { return [] }
    let dimension = source.dimension
    let kind = MetricKind(metric)
    let prepared = UnsafeMutablePointer<Float>.allocate(capacity: max(dimension, 1))
    defer { prepared.deallocate() }
    kind.prepare(query, dimension: dimension, into: prepared)
    var heap = CandidateHeap(capacity: k + 1, farthestOnTop: true)
    defer { heap.deallocate() }
    var ahead = rows.makeIterator()
    for _ in 0..<prefetchAhead { if let next = ahead.next() { vl_prefetch(source.vector(next), dimension * 4) } }
    for row in rows {
        if prefetchAhead > 0, let next = ahead.next() { vl_prefetch(source.vector(next), dimension * 4) }
        if let accept, !accept(row) { continue }
        let v = source.vector(row)
        let inv = kind == .cosine ? Distance.inverseNorm(v, count: dimension) : 1
        let candidate = Candidate(distance: kind.distance(prepared, v, dimension: dimension, inverseNorm: inv), row: row)
        if heap.count < k {
            heap.push(candidate)
        } else if Candidate.closer(candidate, heap.top) {
            heap.pop()
            heap.push(candidate)
        }
    }
    var sorted: [Candidate] = []
    heap.drainSorted(into: &sorted)
    return sorted.map { Neighbor(row: $0.row, distance: $0.distance) }
}

public import VectorLogicDistance

/// Exact k-NN over rows [0, count) of a source (flat index, small segments, unindexed tail, selective filters).
///
/// Distances are the same internal distances as the HNSW search (cosine uses the normalised query and `1/|v|`
/// computed with the same kernels), so hits from exact and graph search merge consistently. Best first; ties by row.
public func exactSearch(_ query: UnsafePointer<Float>, source: any VectorSource, rows: Range<UInt32>, metric: DistanceMetric,
                        k: Int, accept: RowPredicate?) -> [Neighbor] {
    guard k > 0, !rows.isEmpty else { return [] }
    let dimension = source.dimension
    let kind = MetricKind(metric)
    let prepared = UnsafeMutablePointer<Float>.allocate(capacity: max(dimension, 1))
    defer { prepared.deallocate() }
    kind.prepare(query, dimension: dimension, into: prepared)
    var heap = CandidateHeap(capacity: k + 1, farthestOnTop: true)
    defer { heap.deallocate() }
    for row in rows {
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

import CVectorLogicKernels

/// What the shared HNSW search needs from a graph: neighbour lists per layer, vectors and inverse norms.
/// Implemented by value types over raw pointers (`MutableGraphReader`, `FrozenGraphReader`) so every call inlines.
protocol GraphReader {
    associatedtype Vectors: RowVectors
    var vectors: Vectors { get }
    var dimension: Int { get }
    var kind: MetricKind { get }
    /// Exclusive upper bound of row numbers (sizes the visited set).
    var rowBound: Int { get }
    /// `1/|v|` of a row (only read for cosine).
    func inverseNorm(_ row: UInt32) -> Float
    /// Copies the row's neighbours at `level` into `out` (capacity ≥ max degree); every copied id is < rowBound.
    func neighbors(of row: UInt32, level: Int, into out: UnsafeMutablePointer<UInt32>) -> Int
    /// Starts loading the row's layer-0 list (the next frontier candidate's, while this one is processed).
    func prefetchLinks(_ row: UInt32)
    /// Distance from the prepared query to a row (float32 rows by default; `QuantizedGraphReader` reads codes).
    func distance(_ query: UnsafePointer<Float>, _ row: UInt32) -> Float
    /// Starts loading the first lines of a row that will be measured soon (all of it when it is small).
    func prefetchRow(_ row: UInt32)
    /// Starts loading the rest of a row (called one row ahead of its distance).
    func prefetchRowTail(_ row: UInt32)
}

extension GraphReader {
    /// Lines of a float32 row loaded when it is first seen; the rest is loaded one row ahead of its distance.
    @inline(__always)
    private var rowHeadBytes: Int { min(dimension * 4, 256) }

    @inline(__always)
    func distance(_ query: UnsafePointer<Float>, _ row: UInt32) -> Float {
        let inv = kind == .cosine ? inverseNorm(row) : 1
        return kind.distance(query, vectors.pointer(row), dimension: dimension, inverseNorm: inv)
    }

    @inline(__always)
    func prefetchRow(_ row: UInt32) { vl_prefetch(vectors.pointer(row), rowHeadBytes) }

    @inline(__always)
    func prefetchRowTail(_ row: UInt32) {
        let tail = dimension * 4 - rowHeadBytes
        if tail > 0 { vl_prefetch(UnsafeRawPointer(vectors.pointer(row)) + rowHeadBytes, tail) }
    }

    /// Distance between two rows (neighbour selection while building).
    @inline(__always)
    func distance(row a: UInt32, row b: UInt32) -> Float {
        let pa = vectors.pointer(a), pb = vectors.pointer(b)
        switch kind {
        case .cosine: return 1 - vl_dot_f32(pa, pb, dimension) * inverseNorm(a) * inverseNorm(b)
        case .dot: return -vl_dot_f32(pa, pb, dimension)
        case .euclidean: return vl_l2sq_f32(pa, pb, dimension)
        }
    }

    /// Greedy walk (ef = 1) from `entry` down to layer `targetLevel + 1`; returns the closest row found.
    func greedyDescend(_ query: UnsafePointer<Float>, entry: UInt32, fromLevel top: Int, toLevel targetLevel: Int,
                       scratch: SearchScratch) -> Candidate {
        var current = Candidate(distance: distance(query, entry), row: entry)
        var level = top
        while level > targetLevel {
            var changed = true
            while changed {
                changed = false
                let n = neighbors(of: current.row, level: level, into: scratch.neighbors)
                for i in 0..<n {
                    let row = scratch.neighbors[i]
                    let d = distance(query, row)
                    if d < current.distance {
                        current = Candidate(distance: d, row: row)
                        changed = true
                    }
                }
            }
            level -= 1
        }
        return current
    }

    /// Best-first search of one layer (Malkov & Yashunin, algorithm 2). Leaves up to `ef` accepted rows in
    /// `scratch.results`. Rejected rows (`accept` false) are expanded but never enter the results.
    ///
    /// The heaps and the visited array are copied into locals for the loop (a class's stored properties would cost
    /// a dynamic exclusivity check per access) and written back at the end.
    func searchLayer(_ query: UnsafePointer<Float>, entry: Candidate, ef: Int, level: Int,
                     accept: RowPredicate?, scratch: SearchScratch) {
        scratch.beginVisit(rows: rowBound)
        _ = scratch.testAndSetVisited(entry.row)
        var frontier = scratch.frontier
        var results = scratch.results
        defer {
            scratch.frontier = frontier
            scratch.results = results
        }
        var visited = scratch.visited
        var visitedCapacity = scratch.visitedCapacity
        let mark = scratch.currentGeneration
        frontier.push(entry)
        if accept?(entry.row) ?? true { results.push(entry) }
        var bound = results.isEmpty ? Float.infinity : results.top.distance
        let buffer = scratch.neighbors
        while !frontier.isEmpty {
            let current = frontier.pop()
            if current.distance > bound && results.count >= ef { break }
            if level == 0 && !frontier.isEmpty { prefetchLinks(frontier.top.row) }
            let n = neighbors(of: current.row, level: level, into: buffer)
            // First pass: drop visited rows and start loading the others' vectors, so the misses overlap.
            var fresh = 0
            for i in 0..<n {
                let row = buffer[i]
                let slot = Int(row)
                if slot >= visitedCapacity {
                    _ = scratch.testAndSetVisited(row)  // grows the array (rows added by concurrent inserts)
                    visited = scratch.visited
                    visitedCapacity = scratch.visitedCapacity
                } else if visited[slot] == mark {
                    continue
                }
                visited[slot] = mark
                buffer[fresh] = row
                fresh += 1
                prefetchRow(row)
            }
            for i in 0..<fresh {
                let row = buffer[i]
                if i + 1 < fresh { prefetchRowTail(buffer[i + 1]) }
                let d = distance(query, row)
                if results.count < ef || d < bound {
                    frontier.push(Candidate(distance: d, row: row))
                    if accept?(row) ?? true {
                        results.push(Candidate(distance: d, row: row))
                        if results.count > ef { results.pop() }
                    }
                    if !results.isEmpty { bound = results.top.distance }
                }
            }
        }
    }

    /// Gives `candidates` this reader's distances from the prepared `query` and sorts them best first. All loads are
    /// started before the arithmetic, so the misses of up to ef_construction random rows overlap.
    func remeasure(_ candidates: inout [Candidate], query: UnsafePointer<Float>) {
        for candidate in candidates {
            prefetchRow(candidate.row)
            prefetchRowTail(candidate.row)
        }
        for i in candidates.indices { candidates[i].distance = distance(query, candidates[i].row) }
        candidates.sort(by: Candidate.closer)
    }

    /// k-NN query: greedy descent through the upper layers, then `searchLayer` on layer 0 with the filter.
    func knn(_ rawQuery: UnsafePointer<Float>, k: Int, ef: Int, accept: RowPredicate?,
             entry: UInt32, maxLevel: Int, scratch: SearchScratch) -> [Neighbor] {
        kind.prepare(rawQuery, dimension: dimension, into: scratch.query)
        let query = UnsafePointer(scratch.query)
        let start = greedyDescend(query, entry: entry, fromLevel: maxLevel, toLevel: 0, scratch: scratch)
        searchLayer(query, entry: start, ef: max(ef, k), level: 0, accept: accept, scratch: scratch)
        scratch.results.drainSorted(into: &scratch.sorted)
        let n = min(k, scratch.sorted.count)
        var out: [Neighbor] = []
        out.reserveCapacity(n)
        for i in 0..<n { out.append(Neighbor(row: scratch.sorted[i].row, distance: scratch.sorted[i].distance)) }
        return out
    }
}

extension FrozenGraphReader where Vectors == ContiguousVectors {
    /// `remeasure` with each row read by `read` into `buffer` (`dimension` floats) rather than through the mapping:
    /// one `pread` per candidate; a failed read measures the mapped row instead.
    func remeasure(_ candidates: inout [Candidate], query: UnsafePointer<Float>, reading read: RowRead,
                   buffer: UnsafeMutablePointer<Float>) {
        let bytes = UnsafeMutableRawBufferPointer(start: buffer, count: dimension * 4)
        for i in candidates.indices {
            let row = candidates[i].row
            if read(row, bytes) {
                let inv = kind == .cosine ? inverseNorm(row) : 1
                candidates[i].distance = kind.distance(query, UnsafePointer(buffer), dimension: dimension, inverseNorm: inv)
            } else {
                candidates[i].distance = distance(query, row)
            }
        }
        candidates.sort(by: Candidate.closer)
    }

    /// The first half of an SQ8 search: walks the graph over the codes and leaves in `scratch.sorted` the `ef`
    /// candidates it kept that could be among the k nearest (`QuantizedRows.rerankCount`; all with `rerankAll`), by
    /// code distance, best first; returns the code distances' error bound. `scratch.query` holds the prepared query.
    private func walkInPlace(_ rawQuery: UnsafePointer<Float>, k: Int, ef: Int, accept: RowPredicate?, entry: UInt32,
                             maxLevel: Int, quantized: QuantizedRows, rerankAll: Bool, scratch: SearchScratch) -> CodeError {
        kind.prepare(rawQuery, dimension: dimension, into: scratch.query)
        let query = UnsafePointer(scratch.query)
        let approximate = quantized.walker(over: self, query: query, scratch: scratch)
        let start = approximate.greedyDescend(query, entry: entry, fromLevel: maxLevel, toLevel: 0, scratch: scratch)
        approximate.searchLayer(query, entry: start, ef: max(ef, k), level: 0, accept: accept, scratch: scratch)
        scratch.results.drainSorted(into: &scratch.sorted)
        let error = quantized.codeError(terms: approximate.terms, walkError: approximate.walkError)
        // Candidates past `rerankCount` cannot be among the k nearest whatever their float32 distance: not kept.
        let kept = rerankAll ? scratch.sorted.count : quantized.rerankCount(scratch.sorted, k: k, error: error)
        scratch.sorted.removeSubrange(kept...)
        return error
    }

    /// The second half: re-measures `scratch.sorted` with float32 rows (read by `reads` when set, else through the
    /// mapping) against the prepared query in `scratch.query`; returns the k nearest, best first, exact distances.
    private func remeasureSorted(k: Int, reads: RowRead?, scratch: SearchScratch) -> [Neighbor] {
        let query = UnsafePointer(scratch.query)
        if let reads {
            remeasure(&scratch.sorted, query: query, reading: reads, buffer: scratch.row)
        } else {
            remeasure(&scratch.sorted, query: query)
        }
        let n = min(k, scratch.sorted.count)
        var out: [Neighbor] = []
        out.reserveCapacity(n)
        for i in 0..<n { out.append(Neighbor(row: scratch.sorted[i].row, distance: scratch.sorted[i].distance)) }
        return out
    }

    /// k-NN query that walks the graph over SQ8 codes, then re-measures with the float32 rows those of the `ef`
    /// candidates it kept that could be among the k nearest: returned distances are exact, only the choice of
    /// candidates is approximate. Both halves in one scratch (a search of one graph).
    func knnReranked(_ rawQuery: UnsafePointer<Float>, k: Int, ef: Int, accept: RowPredicate?, entry: UInt32,
                     maxLevel: Int, quantized: QuantizedRows, rerankAll: Bool, reads: RowRead?,
                     scratch: SearchScratch) -> [Neighbor] {
        _ = walkInPlace(rawQuery, k: k, ef: ef, accept: accept, entry: entry, maxLevel: maxLevel, quantized: quantized,
                        rerankAll: rerankAll, scratch: scratch)
        return remeasureSorted(k: k, reads: reads, scratch: scratch)
    }

    /// The first half on its own, its candidates copied out (`FrozenHNSW.walk`): a caller holding several segments'
    /// walks can find a bound that spares most of their float32 reads before `remeasure(_:query:k:within:reads:scratch:)`.
    func walkQuantized(_ rawQuery: UnsafePointer<Float>, k: Int, ef: Int, accept: RowPredicate?, entry: UInt32,
                       maxLevel: Int, quantized: QuantizedRows, rerankAll: Bool, scratch: SearchScratch) -> WalkedCandidates {
        let error = walkInPlace(rawQuery, k: k, ef: ef, accept: accept, entry: entry, maxLevel: maxLevel,
                                quantized: quantized, rerankAll: rerankAll, scratch: scratch)
        return WalkedCandidates(candidates: scratch.sorted.map { Neighbor(row: $0.row, distance: $0.distance) }, error: error)
    }

    /// The second half for copied-out candidates: re-measures those that could come within `bound` and returns the k
    /// nearest of them, best first, exact distances.
    func remeasure(_ walked: WalkedCandidates, query rawQuery: UnsafePointer<Float>, k: Int, within bound: Float,
                   reads: RowRead?, scratch: SearchScratch) -> [Neighbor] {
        kind.prepare(rawQuery, dimension: dimension, into: scratch.query)
        scratch.sorted.removeAll(keepingCapacity: true)
        for hit in walked.candidates[..<walked.count(within: bound)] {
            scratch.sorted.append(Candidate(distance: hit.distance, row: hit.row))
        }
        return remeasureSorted(k: k, reads: reads, scratch: scratch)
    }
}

/// One SQ8 walk's candidates before re-measuring (`FrozenHNSW.walk`): rows with their code distances, best first,
/// only those that could be among the walk's k nearest, and how far a code distance may be from the true one.
public struct WalkedCandidates: Sendable {
    /// Rows and code distances (not exact), best first.
    public let candidates: [Neighbor]
    let error: CodeError

    /// A distance the i-th candidate's true distance is provably within (its code distance plus the error bound):
    /// the k-th smallest of these over several walks bounds those walks' k-th best true distance.
    public func upperBound(_ i: Int) -> Float { error.limit(candidates[i].distance) }

    /// How many of the candidates (a prefix) could have a true distance within `bound`: all when it is not finite.
    public func count(within bound: Float) -> Int {
        guard bound.isFinite else { return candidates.count }
        let limit = error.limit(bound)
        guard limit.isFinite else { return candidates.count }
        var n = 0
        while n < candidates.count && candidates[n].distance <= limit { n += 1 }
        return n
    }
}

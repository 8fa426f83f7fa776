/// Decides between filtered graph search and exact search over the matching rows.
///
/// Rule: a filtered HNSW search keeps expanding until it holds `ef` accepted rows, so its time grows like `ef / s`
/// for selectivity `s`, while exact search over the matches costs `s · n` float32 distances plus `n` predicate calls.
/// In units of one exact distance the graph costs about `graphCostFactor · ef / s`; exact search wins when
/// `s · n ≤ graphCostFactor · ef / s`, and is also used whenever fewer than `minimumMatches` rows are expected, where
/// a graph walk would starve.
///
/// Calibration (100,000 × 384 MiniLM rows, SQ8 traversal, `vectorlogic bench --filter-selectivity 0.1,0.01`, see
/// BENCHMARKS.md): one unit of `ef / s` cost 1.1–1.4 µs of graph search, one exact distance 0.34 µs, so the factor is
/// ≈ 4 with SQ8 traversal; 8 is used to also cover float32 traversal (memtables, small segments). With 8 the planner
/// picks the faster side in every measured row (s = 0.1: graph at ef 32/64/128, 2.3–4.7× faster than exact;
/// s = 0.01: exact, 3.7× faster than the graph at ef 32).
public enum FilteredSearchPlanner {
    /// Cost of one unit of `ef / s` of filtered graph search, in exact float32 distances (empirical, see above).
    public static let graphCostFactor = 8.0
    /// Below this many expected matches exact search is always used.
    public static let minimumMatches = 2_000.0

    /// Fraction of `rows` accepted by `accept`, estimated from `samples` evenly spread rows (deterministic, cheap).
    public static func estimatedSelectivity(rows: Range<UInt32>, samples: Int = 256, accept: RowPredicate) -> Double {
        let n = rows.count
        guard n > 0 else { return 0 }
        let s = min(max(samples, 1), n)
        var hits = 0
        for i in 0..<s {
            let row = rows.lowerBound + UInt32(truncatingIfNeeded: i * n / s)
            if accept(row) { hits += 1 }
        }
        return Double(hits) / Double(s)
    }

    /// True when exact search over the matching rows should replace the filtered graph search.
    public static func prefersExactSearch(selectivity: Double, rowCount: Int, ef: Int) -> Bool {
        let n = Double(rowCount)
        let s = max(selectivity, 1e-9)
        if s * n < minimumMatches { return true }
        return s * n <= graphCostFactor * Double(max(ef, 1)) / s
    }
}

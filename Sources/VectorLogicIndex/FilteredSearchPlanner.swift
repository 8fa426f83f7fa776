/// Decides between filtered graph search and exact search over the matching rows.
///
/// Rule: a filtered HNSW search keeps expanding until it holds `ef` accepted rows, so it costs about
/// `graphCostFactor · ef / s` distance computations for selectivity `s` (measured ≈ 40 per ef on 100k × 384), while
/// exact search over the matches costs `s · n` distances plus `n` predicate calls. Exact search wins when
/// `s · n ≤ graphCostFactor · ef / s`, and is also used whenever fewer than `minimumMatches` rows are expected, where
/// a graph walk would starve.
public enum FilteredSearchPlanner {
    /// Distance computations per unit of ef of an unfiltered layer-0 search (empirical; see BENCHMARKS.md).
    public static let graphCostFactor = 40.0
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

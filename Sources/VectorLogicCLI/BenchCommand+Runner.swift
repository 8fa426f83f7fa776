import Dispatch
import Foundation
import Synchronization
import VectorLogicDistance
import VectorLogicIndex

/// The measuring parts of `vectorlogic bench`.
enum BenchRunner {
    typealias Searcher = @Sendable (UnsafePointer<Float>, Int, Int, RowPredicate?) -> [Neighbor]

    /// Recall and median single-thread QPS at one ef.
    struct EfResult {
        var ef: Int
        var recall: Double
        var qps: Double
        /// Total QPS with `--search-threads` threads searching at once (nil with one search thread).
        var parallelQPS: Double?
        /// The median over repeats of (that pass's total QPS with `--search-threads` threads ÷ the one-thread pass just
        /// before it); nil with one search thread.
        var scaling: Double?
    }

    /// Filtered search at one selectivity and ef, against the exact filtered answer.
    struct FilteredResult {
        var selectivity: Double
        var ef: Int
        var recall: Double
        var qps: Double
        var exactQPS: Double
        var plannerPrefersExact: Bool
    }

    final class Counter: Sendable {
        let next = Atomic<Int>(0)
    }

    /// Inserts every row on `threads` threads (rows handed out in order from a shared counter); with `quantizedWalk`
    /// the inserts walk SQ8 codes of all rows, made inside the timed span (`MutableHNSW.prepareQuantizedBuild`).
    static func build(_ source: FlatVectorSource, metric: DistanceMetric, parameters: HNSWParameters,
                      threads: Int, quantizedWalk: Bool) -> (MutableHNSW, Double) {
        let index = MutableHNSW(source: source, metric: metric, parameters: parameters, expectedCount: source.count)
        let counter = Counter()
        let n = source.count
        let clock = ContinuousClock()
        let start = clock.now
        if quantizedWalk { index.prepareQuantizedBuild(rows: n) }
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let row = counter.next.add(1, ordering: .relaxed).oldValue
                if row >= n { break }
                index.insert(UInt32(row))
            }
        }
        return (index, seconds(clock.now - start))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// One untimed pass for recall@k, then `repeats` timed passes; QPS is the median pass. With `threads` > 1 each
    /// one-thread pass is followed by a pass of `threads` threads at once, and the scaling is the median of the
    /// pairs' ratios: this VM's speed drifts by up to 20% over seconds, so a ratio of two medians taken minutes apart
    /// (one thread at every ef, then many threads at every ef, as before) measured the drift as much as the scaling.
    static func measure(_ search: Searcher, queries: FlatVectorSource, truth: [[Int32]], k: Int, ef: Int,
                        repeats: Int, threads: Int = 1) -> EfResult {
        var hits = 0
        for q in 0..<queries.count {
            let found = search(queries.vector(UInt32(q)), k, ef, nil)
            let expected = Set(truth[q].prefix(k).map { UInt32(bitPattern: $0) })
            hits += found.filter { expected.contains($0.row) }.count
        }
        let recall = Double(hits) / Double(queries.count * min(k, truth.first?.count ?? k))
        var rates: [Double] = []
        var parallelRates: [Double] = []
        var sink = 0
        let clock = ContinuousClock()
        for _ in 0..<repeats {
            let start = clock.now
            for q in 0..<queries.count { sink &+= search(queries.vector(UInt32(q)), k, ef, nil).count }
            rates.append(Double(queries.count) / seconds(clock.now - start))
            if threads > 1 {
                parallelRates.append(measureParallel(search, queries: queries, k: k, ef: ef, threads: threads, repeats: 1))
            }
        }
        if sink == -1 { print("") }  // keeps the searches observable to the optimiser
        guard threads > 1 else { return EfResult(ef: ef, recall: recall, qps: median(rates)) }
        let ratios = zip(parallelRates, rates).map { $0 / max($1, 1e-9) }
        return EfResult(ef: ef, recall: recall, qps: median(rates), parallelQPS: median(parallelRates), scaling: median(ratios))
    }

    /// Total QPS of `threads` threads searching the same index at once, each running every query (from its own
    /// starting point, so the threads do not walk the same nodes in step); the median of `repeats` passes.
    static func measureParallel(_ search: Searcher, queries: FlatVectorSource, k: Int, ef: Int, threads: Int,
                                repeats: Int) -> Double {
        let nq = queries.count
        let clock = ContinuousClock()
        var rates: [Double] = []
        let sink = Counter()
        for _ in 0..<repeats {
            let start = clock.now
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                var found = 0
                for q in 0..<nq {
                    found &+= search(queries.vector(UInt32((q + thread * nq / threads) % nq)), k, ef, nil).count
                }
                sink.next.add(found, ordering: .relaxed)
            }
            rates.append(Double(nq * threads) / seconds(clock.now - start))
        }
        if sink.next.load(ordering: .relaxed) == -1 { print("") }  // keeps the searches observable to the optimiser
        return median(rates)
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? 0 : s[s.count / 2]
    }

    /// A deterministic pseudo-random subset of rows holding about `selectivity` of them.
    static func predicate(selectivity: Double) -> RowPredicate {
        let threshold = UInt32(min(selectivity, 1) * Double(UInt32.max))
        return { row in (row &* 2_654_435_761) ^ ((row &* 2_654_435_761) >> 15) <= threshold }
    }

    /// Filtered graph search vs the exact filtered answer (`exactSearch` with the same predicate), on ≤ 200 queries.
    static func measureFiltered(_ search: Searcher, source: FlatVectorSource, queries: FlatVectorSource,
                                metric: DistanceMetric, k: Int, ef: Int, selectivity: Double) -> FilteredResult {
        let accept = predicate(selectivity: selectivity)
        let nq = min(queries.count, 200)
        let clock = ContinuousClock()
        var exact: [[Neighbor]] = []
        let exactStart = clock.now
        for q in 0..<nq {
            exact.append(exactSearch(queries.vector(UInt32(q)), source: source, rows: 0..<UInt32(source.count),
                                     metric: metric, k: k, accept: accept))
        }
        let exactQPS = Double(nq) / seconds(clock.now - exactStart)
        var hits = 0
        var expectedTotal = 0
        let start = clock.now
        for q in 0..<nq {
            let found = search(queries.vector(UInt32(q)), k, ef, accept)
            let expected = Set(exact[q].map(\.row))
            expectedTotal += expected.count
            hits += found.filter { expected.contains($0.row) }.count
        }
        let qps = Double(nq) / seconds(clock.now - start)
        let estimate = FilteredSearchPlanner.estimatedSelectivity(rows: 0..<UInt32(source.count), accept: accept)
        return FilteredResult(
            selectivity: selectivity, ef: ef, recall: expectedTotal == 0 ? 1 : Double(hits) / Double(expectedTotal),
            qps: qps, exactQPS: exactQPS,
            plannerPrefersExact: FilteredSearchPlanner.prefersExactSearch(selectivity: estimate, rowCount: source.count, ef: ef))
    }

    /// Resident set size from /proc/self/statm (second field, in pages); 0 where unavailable.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

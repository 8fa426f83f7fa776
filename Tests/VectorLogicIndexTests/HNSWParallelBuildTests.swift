import Dispatch
import Synchronization
import Testing
import VectorLogicDistance
@testable import VectorLogicIndex

/// Issue 8, section 3: graphs built on several threads lost rows — 0.02–0.2% of them were never returned, whatever
/// the ef, because a row's own-list write erased back-links that concurrent inserts had already added to it. On one
/// thread every row was found. (Not named for the ThreadSanitizer filter: too slow there; `HNSWConcurrencyTests`
/// runs a small build of the same check under it.)
@Suite struct HNSWParallelBuildTests {
    /// 15 graphs of 2,000 clustered rows built on 4 threads, with a small ef_construction so that a lost link is
    /// often a row's only in-link. Before the fix this lost 56–67 rows per run (in 10–14 of the 15 graphs); the same
    /// builds on one thread lost none. After it the raw builds lose almost nothing, but not always nothing: the
    /// neighbour heuristic can still prune a row's last in-link (one clean-clone CI run saw 1 row of 30,000; 1 in
    /// 600,000 in a 300-build probe, 0 on one thread). So the raw builds may lose at most 3 rows in all; after
    /// `linkOrphans()` (what a memtable runs before publishing a batch) and in every serialized graph (what a segment
    /// stores) every row must be reachable — checked for each build by `ParallelBuildCheck.run`.
    @Test func parallelBuildsFindEveryRow() throws {
        let losses = try ParallelBuildCheck.run(builds: 15, rows: 2_000, threads: 4, seed: 0xB11D_0000)
        #expect(losses.unreachable <= 3, "before the fix: 56–67")
        #expect(losses.notFound <= 3, "before the fix: 56–67")
    }
}

/// Builds graphs on several threads and counts the rows no search returns.
enum ParallelBuildCheck {
    struct Losses {
        /// Rows with no level-0 path from the entry point, summed over the builds.
        var unreachable = 0
        /// Rows whose own vector does not return them at k = 1 even with ef = rows.
        var notFound = 0
        /// Builds with at least one loss.
        var graphs = 0
    }

    static func run(builds: Int, rows n: Int, threads: Int, seed base: UInt64, dimension: Int = 8) throws -> Losses {
        var losses = Losses()
        for build in 0..<builds {
            let seed = base + UInt64(build)
            let data = IndexTestData.clustered(count: n, dimension: dimension, clusters: 12, seed: seed)
            let source = FlatVectorSource(dimension: dimension, vectors: data)
            let index = MutableHNSW(source: source, metric: .euclidean,
                                    parameters: HNSWParameters(m: 16, efConstruction: 32, seed: seed), expectedCount: n)
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while true {
                    let row = next.add(1, ordering: .relaxed).oldValue
                    if row >= n { break }
                    index.insert(UInt32(row))
                }
            }
            #expect(index.count == n)
            let reach = index.reachability()
            var missing = 0
            for row in 0..<n {
                let q = Array(data[(row * dimension)..<((row + 1) * dimension)])
                var found = q.withUnsafeBufferPointer { index.search($0.baseAddress!, k: 1, ef: 32, accept: nil) }
                if found.first?.row != UInt32(row) {
                    // ef ≥ rows never stops early: it visits every row reachable from where the descent lands.
                    found = q.withUnsafeBufferPointer { index.search($0.baseAddress!, k: 1, ef: n, accept: nil) }
                }
                if found.first?.row != UInt32(row) { missing += 1 }
            }
            losses.unreachable += reach.unreachable
            losses.notFound += missing
            if missing > 0 || reach.unreachable > 0 { losses.graphs += 1 }
            // What a memtable publishes after each batch: no row left without a level-0 in-link.
            #expect(index.inLinkCounters() == index.countedInLinks(), "build \(build)")
            index.linkOrphans()
            #expect(index.reachability().unreachable == 0, "build \(build) after linkOrphans()")
            let bytes = index.serialized()
            try bytes.withUnsafeBytes { raw in
                let frozen = try FrozenHNSW(graph: raw, source: source, metric: .euclidean, count: n)
                #expect(frozen.checkInvariants() == [], "build \(build)")
                // serialized() links any unreachable row back in first.
                #expect(frozen.reachability().unreachable == 0, "build \(build)")
            }
        }
        print("parallel builds: \(builds) × \(n) rows on \(threads) threads: \(losses.unreachable) unreachable, "
              + "\(losses.notFound) rows not finding themselves, \(losses.graphs) graphs with losses")
        return losses
    }
}

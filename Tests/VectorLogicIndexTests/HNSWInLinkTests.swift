import Dispatch
import Synchronization
import Testing
import VectorLogicDistance
@testable import VectorLogicIndex

/// The level-0 in-link counters behind `MutableHNSW.linkOrphans()`: a memtable's live graph is searched while it is
/// built, and the neighbour heuristic can leave a row in no level-0 list (on one thread or several), so no search
/// reaches it until the flush's full connect pass. `linkOrphans()` finds such rows from the counters after each batch.
@Suite struct HNSWInLinkTests {
    static let rows = 3_000, dimension = 32

    static func data(seed: UInt64) -> (FlatVectorSource, MutableHNSW) {
        let data = IndexTestData.clustered(count: rows, dimension: dimension, clusters: 40, seed: seed)
        let source = FlatVectorSource(dimension: dimension, vectors: data)
        let index = MutableHNSW(source: source, metric: .euclidean,
                                parameters: HNSWParameters(m: 8, efConstruction: 40, seed: seed), expectedCount: rows)
        return (source, index)
    }

    /// After one-thread and four-thread builds, and after the full connect pass, every counter equals the number of
    /// level-0 lists holding its row.
    @Test(arguments: [1, 4])
    func countersMatchTheLists(threads: Int) {
        for build in 0..<3 {
            let (_, index) = Self.data(seed: 0xC0_0000 + UInt64(build))
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while true {
                    let row = next.add(1, ordering: .relaxed).oldValue
                    if row >= Self.rows { break }
                    index.insert(UInt32(row))
                }
            }
            #expect(index.inLinkCounters() == index.countedInLinks(), "build \(build), \(threads) threads")
            index.connectUnreachable()
            #expect(index.inLinkCounters() == index.countedInLinks(), "build \(build) after the pass")
        }
    }

    /// One-thread inserts in batches of 256 (a memtable's indexing step), with `linkOrphans()` after each batch: no
    /// batch ends with a row the entry point cannot reach. Without the call these builds end with 6 unreachable rows
    /// in 4 of the 6 graphs (`HNSWConnectTests`); some batches must have needed the pass.
    @Test func linkingOrphansAfterEachBatchLeavesNoRowUnreachable() {
        var passes = 0, linked = 0
        for build in 0..<6 {
            let (_, index) = Self.data(seed: 0xC0_0000 + UInt64(build))
            for start in stride(from: 0, to: Self.rows, by: 256) {
                for row in start..<min(start + 256, Self.rows) { index.insert(UInt32(row)) }
                if let report = index.linkOrphans() {
                    passes += 1
                    linked += report.unreachableBefore
                    #expect(report.unreachableAfter == 0)
                }
                #expect(index.reachability().unreachable == 0, "build \(build), rows below \(start + 256)")
            }
            #expect(index.inLinkCounters() == index.countedInLinks(), "build \(build)")
        }
        print("linkOrphans: 6 builds × \(Self.rows) rows in batches of 256: \(passes) passes linked \(linked) rows back")
        #expect(passes > 0, "no batch orphaned a row: the test no longer exercises linkOrphans()")
    }

    /// A graph whose every row has an in-link is left alone without a walk.
    @Test func healthyGraphNeedsNoPass() {
        let n = 500
        let data = IndexTestData.uniform(count: n, dimension: 12, seed: 0x5A)
        let index = IndexTestData.build(FlatVectorSource(dimension: 12, vectors: data), count: n, metric: .cosine)
        #expect(index.reachability().unreachable == 0)
        #expect(index.linkOrphans() == nil)
    }
}

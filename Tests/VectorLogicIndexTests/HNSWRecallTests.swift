import Testing
import VectorLogicDistance
import VectorLogicIndex

@Suite struct HNSWRecallTests {
    static let n = 1_200
    static let dimension = 24

    /// recall@10 ≥ 0.99 at high ef against brute force, for every metric, on uniform and clustered data.
    @Test(arguments: DistanceMetric.allCases, [false, true])
    func recallAtHighEfAgainstBruteForce(metric: DistanceMetric, clustered: Bool) {
        let seed: UInt64 = clustered ? 0xC1 : 0xA1
        print("recallAtHighEfAgainstBruteForce seed \(seed) metric \(metric) clustered \(clustered)")
        let data = clustered
            ? IndexTestData.clustered(count: Self.n, dimension: Self.dimension, clusters: 12, seed: seed)
            : IndexTestData.uniform(count: Self.n, dimension: Self.dimension, seed: seed)
        let source = FlatVectorSource(dimension: Self.dimension, vectors: data)
        let index = IndexTestData.build(source, count: Self.n, metric: metric)
        #expect(index.count == Self.n)
        let queries = IndexTestData.uniform(count: 40, dimension: Self.dimension, seed: seed + 1)
        var total = 0.0
        for qi in 0..<40 {
            let q = Array(queries[(qi * Self.dimension)..<((qi + 1) * Self.dimension)])
            let truth = IndexTestData.bruteForce(q, source: source, metric: metric, k: 10)
            let found = q.withUnsafeBufferPointer { index.search($0.baseAddress!, k: 10, ef: 200, accept: nil) }
            #expect(found.count == 10)
            #expect(zip(found, found.dropFirst()).allSatisfy { $0.distance <= $1.distance }, "best first")
            total += IndexTestData.recall(found, truth)
        }
        let recall = total / 40
        print("recall@10 \(metric) clustered=\(clustered): \(recall)")
        #expect(recall >= 0.99)
    }

    /// The exact (flat) search returns exactly the brute-force answer, in order, for every metric.
    @Test(arguments: DistanceMetric.allCases)
    func exactSearchIsExact(metric: DistanceMetric) {
        let seed: UInt64 = 0xE1
        print("exactSearchIsExact seed \(seed)")
        let data = IndexTestData.uniform(count: 500, dimension: 13, seed: seed)
        let source = FlatVectorSource(dimension: 13, vectors: data)
        let queries = IndexTestData.uniform(count: 20, dimension: 13, seed: seed + 1)
        for qi in 0..<20 {
            let q = Array(queries[(qi * 13)..<((qi + 1) * 13)])
            let truth = IndexTestData.bruteForce(q, source: source, metric: metric, k: 10)
            let found = q.withUnsafeBufferPointer {
                exactSearch($0.baseAddress!, source: source, rows: 0..<500, metric: metric, k: 10, accept: nil)
            }
            #expect(found.map(\.row) == truth)
            let expected = IndexTestData.referenceDistance(q, source.vector(found[0].row), metric: metric)
            #expect(abs(Double(found[0].distance) - expected) < 1e-4)
        }
    }

    /// Rows rejected by the predicate are never returned, by the graph or by exact search; with ef ≥ n the filtered
    /// graph search on small data equals the exact filtered answer.
    @Test(arguments: DistanceMetric.allCases)
    func rejectedRowsAreNeverReturnedAndSmallFilteredSearchIsExact(metric: DistanceMetric) {
        let seed: UInt64 = 0xF1
        print("filtered seed \(seed)")
        let n = 600
        let data = IndexTestData.clustered(count: n, dimension: 16, clusters: 8, seed: seed)
        let source = FlatVectorSource(dimension: 16, vectors: data)
        let index = IndexTestData.build(source, count: n, metric: metric)
        let accept: RowPredicate = { $0 % 7 == 3 }
        let queries = IndexTestData.uniform(count: 20, dimension: 16, seed: seed + 1)
        for qi in 0..<20 {
            let q = Array(queries[(qi * 16)..<((qi + 1) * 16)])
            let truth = IndexTestData.bruteForce(q, source: source, metric: metric, k: 10, accept: accept)
            let graph = q.withUnsafeBufferPointer { index.search($0.baseAddress!, k: 10, ef: n, accept: accept) }
            let exact = q.withUnsafeBufferPointer {
                exactSearch($0.baseAddress!, source: source, rows: 0..<UInt32(n), metric: metric, k: 10, accept: accept)
            }
            #expect(graph.allSatisfy { accept($0.row) })
            #expect(exact.map(\.row) == truth)
            #expect(graph.map(\.row) == truth)
        }
    }

    /// A non-contiguous (chunked) source gives the same graph and answers as a contiguous one.
    @Test func chunkedSourceMatchesContiguousSource() {
        let data = IndexTestData.uniform(count: 400, dimension: 10, seed: 0xB1)
        let flat = FlatVectorSource(dimension: 10, vectors: data)
        let chunked = ChunkedTestSource(dimension: 10, vectors: data)
        let a = IndexTestData.build(flat, count: 400, metric: .cosine)
        let b = IndexTestData.build(chunked, count: 400, metric: .cosine)
        #expect(a.serialized() == b.serialized())
        let q = Array(data[0..<10])
        let ra = q.withUnsafeBufferPointer { a.search($0.baseAddress!, k: 5, ef: 50, accept: nil) }
        let rb = q.withUnsafeBufferPointer { b.search($0.baseAddress!, k: 5, ef: 50, accept: nil) }
        #expect(ra == rb)
        #expect(ra.first?.row == 0)
    }

    /// Selectivity sampling finds roughly the true fraction, and the planner picks exact search for rare matches.
    @Test func selectivityEstimateAndPlanner() {
        let s = FilteredSearchPlanner.estimatedSelectivity(rows: 0..<100_000, samples: 512) { $0 % 10 == 0 }
        #expect(abs(s - 0.1) < 0.03)
        #expect(FilteredSearchPlanner.prefersExactSearch(selectivity: 0.001, rowCount: 100_000, ef: 64))
        #expect(!FilteredSearchPlanner.prefersExactSearch(selectivity: 0.9, rowCount: 100_000, ef: 64))
    }
}

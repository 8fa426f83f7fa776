import Dispatch
import Synchronization
import Testing
import VectorLogicDistance
import VectorLogicIO
import VectorLogicIndex

/// Issue 14 (build speed): inserts that walk SQ8 codes of rows known before the build (`prepareQuantizedBuild`) and
/// choose links with float32 distances must give a graph as good as the float32 walk's, on every metric, on a chunked
/// source (a compaction's memtable) and when rows beyond the codes are inserted too.
@Suite struct QuantizedBuildTests {
    static let dimension = 32
    static let rows = 6_000
    static let queries = 150

    /// Mean recall@10 at ef 48 over queries near the data (data rows plus noise), against the exact answer.
    static func recall(_ index: MutableHNSW, source: FlatVectorSource, data: [Float], metric: DistanceMetric) -> Double {
        var rng = SplitMix64(seed: 0x0E_77)
        var total = 0.0
        for q in 0..<queries {
            let base = (q * 37) % rows
            let query = (0..<dimension).map { data[base * dimension + $0] + rng.unit() * 0.2 }
            let truth = IndexTestData.bruteForce(query, source: source, metric: metric, k: 10)
            let found = query.withUnsafeBufferPointer { index.search($0.baseAddress!, k: 10, ef: 48, accept: nil) }
            total += IndexTestData.recall(found, truth)
        }
        return total / Double(queries)
    }

    /// Builds on 2 threads over rows `0..<count` of `source`, codes for the first `codeRows` rows (nil: float walk).
    static func build(_ source: any VectorSource, count: Int, metric: DistanceMetric, codeRows: Int?) -> MutableHNSW {
        let index = MutableHNSW(source: source, metric: metric,
                                parameters: HNSWParameters(m: 12, efConstruction: 64, seed: 7), expectedCount: count)
        if let codeRows { index.prepareQuantizedBuild(rows: codeRows) }
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            while true {
                let row = next.add(1, ordering: .relaxed).oldValue
                if row >= count { break }
                index.insert(UInt32(row))
            }
        }
        return index
    }

    @Test(arguments: [DistanceMetric.cosine, .dot, .euclidean])
    func quantizedWalkBuildsAsGoodAGraph(metric: DistanceMetric) throws {
        let data = IndexTestData.clustered(count: Self.rows, dimension: Self.dimension, clusters: 24, seed: 0x05A8)
        let source = FlatVectorSource(dimension: Self.dimension, vectors: data)
        let float = Self.recall(Self.build(source, count: Self.rows, metric: metric, codeRows: nil), source: source, data: data, metric: metric)
        let quantized = Self.build(source, count: Self.rows, metric: metric, codeRows: Self.rows)
        let sq8 = Self.recall(quantized, source: source, data: data, metric: metric)
        print("\(metric): recall@10 at ef 48, float walk \(float), sq8 walk \(sq8)")
        #expect(sq8 >= float - 0.02, "\(metric): sq8-walk build \(sq8) against float-walk build \(float)")
        #expect(sq8 >= 0.85)
        let bytes = quantized.serialized()
        try bytes.withUnsafeBytes { raw in
            let frozen = try FrozenHNSW(graph: raw, source: source, metric: metric, count: Self.rows)
            #expect(frozen.checkInvariants() == [])
            #expect(frozen.reachability().unreachable == 0)
        }
    }

    /// Codes for the first 4,500 rows of a chunked source, 6,000 rows inserted: the last 1,500 are measured exactly
    /// wherever the walk meets them, and every row still finds itself.
    @Test func rowsBeyondTheCodesAreMeasuredExactly() {
        let data = IndexTestData.clustered(count: Self.rows, dimension: Self.dimension, clusters: 24, seed: 0xBE_70)
        let chunked = ChunkedTestSource(dimension: Self.dimension, vectors: data)
        let flat = FlatVectorSource(dimension: Self.dimension, vectors: data)
        let index = Self.build(chunked, count: Self.rows, metric: .euclidean, codeRows: 4_500)
        #expect(index.count == Self.rows)
        var missing = 0
        for row in stride(from: 4_000, to: Self.rows, by: 7) {
            let q = Array(data[(row * Self.dimension)..<((row + 1) * Self.dimension)])
            let found = q.withUnsafeBufferPointer { index.search($0.baseAddress!, k: 1, ef: 64, accept: nil) }
            if found.first?.row != UInt32(row) { missing += 1 }
        }
        #expect(missing == 0)
        #expect(Self.recall(index, source: flat, data: data, metric: .euclidean) >= 0.85)
    }
}

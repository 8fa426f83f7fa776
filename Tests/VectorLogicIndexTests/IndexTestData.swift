import VectorLogicIO
import VectorLogicDistance
import VectorLogicIndex
import VectorLogicTestSupport

enum IndexTestData {
    /// Uniform random vectors in [-1, 1)^d, row-major.
    static func uniform(count: Int, dimension: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<(count * dimension)).map { _ in rng.unit() }
    }

    /// Gaussian-ish clusters (`TestVectors.clustered`, shared with the engine tests).
    static func clustered(count: Int, dimension: Int, clusters: Int, seed: UInt64) -> [Float] {
        TestVectors.clustered(count: count, dimension: dimension, clusters: clusters, seed: seed)
    }

    /// Reference distance in Double, same convention as the index (cosine 1-cos, dot -ip, euclidean squared).
    static func referenceDistance(_ q: [Float], _ v: UnsafePointer<Float>, metric: DistanceMetric) -> Double {
        q.withUnsafeBufferPointer { qb -> Double in
            let qp = qb.baseAddress!
            let d = q.count
            switch metric {
            case .dot: return -Distance.dotReference(qp, v, count: d)
            case .euclidean: return Distance.squaredL2Reference(qp, v, count: d)
            case .cosine:
                let ip = Distance.dotReference(qp, v, count: d)
                let nq = Distance.dotReference(qp, qp, count: d).squareRoot()
                let nv = Distance.dotReference(v, v, count: d).squareRoot()
                return nq == 0 || nv == 0 ? 1 : 1 - ip / (nq * nv)
            }
        }
    }

    /// Brute-force oracle: the k best accepted rows by the Double reference distance.
    static func bruteForce(_ q: [Float], source: FlatVectorSource, metric: DistanceMetric, k: Int,
                           accept: ((UInt32) -> Bool)? = nil) -> [UInt32] {
        var all: [(Double, UInt32)] = []
        for r in 0..<UInt32(source.count) where accept?(r) ?? true {
            all.append((referenceDistance(q, source.vector(r), metric: metric), r))
        }
        all.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        return all.prefix(k).map(\.1)
    }

    static func build(_ source: any VectorSource, count: Int, metric: DistanceMetric,
                      parameters: HNSWParameters = HNSWParameters(m: 12, efConstruction: 100)) -> MutableHNSW {
        let index = MutableHNSW(source: source, metric: metric, parameters: parameters, expectedCount: count)
        for r in 0..<UInt32(count) { index.insert(r) }
        return index
    }

    static func recall(_ found: [Neighbor], _ truth: [UInt32]) -> Double {
        guard !truth.isEmpty else { return 1 }
        let t = Set(truth)
        return Double(found.filter { t.contains($0.row) }.count) / Double(truth.count)
    }
}

/// A source that is not contiguous (rows in separate allocations), like the engine's chunked memtable.
final class ChunkedTestSource: VectorSource, @unchecked Sendable {
    let dimension: Int
    private var rows: [UnsafeMutablePointer<Float>] = []

    init(dimension: Int, vectors: [Float]) {
        self.dimension = dimension
        for r in 0..<(vectors.count / dimension) {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: dimension)
            for j in 0..<dimension { p[j] = vectors[r * dimension + j] }
            rows.append(p)
        }
    }

    deinit { rows.forEach { $0.deallocate() } }

    func vector(_ row: UInt32) -> UnsafePointer<Float> { UnsafePointer(rows[Int(row)]) }
}

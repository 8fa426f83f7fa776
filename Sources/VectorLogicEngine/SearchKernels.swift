import Logging
import Synchronization
import VectorLogicDistance

/// A scored row of one source (segment or memtable) during a search.
struct Candidate: Sendable {
    /// Which source of the view (segments first, then memtables).
    var source: Int
    /// Row in that source.
    var row: UInt32
    /// Internal distance: smaller is better.
    var distance: Float
}

/// The k best candidates seen so far, kept sorted (k ≤ 1000, so insertion into a sorted array is cheap and simple).
struct TopK {
    let k: Int
    private(set) var items: [Candidate] = []

    init(k: Int) {
        self.k = k
        items.reserveCapacity(k + 1)
    }

    /// The distance a candidate must beat to enter, or +inf while not full.
    var bound: Float { items.count < k ? .infinity : items[items.count - 1].distance }

    mutating func insert(_ candidate: Candidate) {
        guard candidate.distance < bound || items.count < k else { return }
        var low = 0
        var high = items.count
        while low < high {
            let mid = (low + high) / 2
            if items[mid].distance <= candidate.distance { low = mid + 1 } else { high = mid }
        }
        items.insert(candidate, at: low)
        if items.count > k { items.removeLast() }
    }
}

/// Distances for exact search, on the engine's side of the seam to the index module.
///
/// Internal distances follow `DistanceMetric+Score`: cosine `1 − cos`, dot `−a·b`, euclidean squared L2. Vectors are
/// stored as given, so cosine divides by both norms (the query's once per search, the row's per distance).
enum SearchKernels {
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var sum0: Float = 0, sum1: Float = 0, sum2: Float = 0, sum3: Float = 0
        var index = 0
        while index + 4 <= count {
            sum0 += a[index] * b[index]
            sum1 += a[index + 1] * b[index + 1]
            sum2 += a[index + 2] * b[index + 2]
            sum3 += a[index + 3] * b[index + 3]
            index += 4
        }
        while index < count {
            sum0 += a[index] * b[index]
            index += 1
        }
        return (sum0 + sum1) + (sum2 + sum3)
    }

    static func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var sum: Float = 0
        for index in 0..<count {
            let delta = a[index] - b[index]
            sum += delta * delta
        }
        return sum
    }

    /// The internal distance from a prepared query (unit length for cosine) to a stored row.
    @inline(__always)
    static func distance(_ metric: DistanceMetric, query: UnsafePointer<Float>, row: UnsafePointer<Float>, count: Int) -> Float {
        switch metric {
        case .dot: return -dot(query, row, count: count)
        case .euclidean: return squaredL2(query, row, count: count)
        case .cosine:
            let norm = dot(row, row, count: count).squareRoot()
            guard norm > 0, norm.isFinite else { return 1 }
            return 1 - dot(query, row, count: count) / norm
        }
    }

    /// The query as distances expect it: a unit-length copy for cosine (zero stays zero), else as given.
    static func prepare(_ query: [Float], metric: DistanceMetric) -> [Float] {
        guard metric == .cosine else { return query }
        let norm = query.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { dot($0, $0, count: buffer.count).squareRoot() } ?? 0
        }
        guard norm > 0, norm.isFinite else { return query }
        return query.map { $0 / norm }
    }

    /// The API score of an internal distance (cosine similarity, dot product, Euclidean distance).
    static func score(_ metric: DistanceMetric, distance: Float) -> Float {
        switch metric {
        case .cosine: return 1 - distance
        case .dot: return -distance
        case .euclidean: return distance > 0 ? distance.squareRoot() : 0
        }
    }

    /// Whether a score passes a threshold (≥ for similarity metrics, ≤ for euclidean).
    static func passes(_ metric: DistanceMetric, score: Float, threshold: Float?) -> Bool {
        guard let threshold else { return true }
        return metric == .euclidean ? score <= threshold : score >= threshold
    }

    /// Exact scan of `rows` of a source, keeping the best into `top`.
    static func scan(query: UnsafePointer<Float>, metric: DistanceMetric, dimension: Int, rows: Range<UInt32>, source: Int,
                     vector: (UInt32) -> UnsafePointer<Float>, accept: (UInt32) -> Bool, into top: inout TopK) {
        for row in rows where accept(row) {
            let distance = distance(metric, query: query, row: vector(row), count: dimension)
            if distance < top.bound { top.insert(Candidate(source: source, row: row, distance: distance)) }
        }
    }
}

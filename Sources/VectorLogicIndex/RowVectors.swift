import CVectorLogicKernels
import VectorLogicDistance

/// How the search loop reaches a row's vector; specialised per source kind so the hot loop has no existential call
/// when the source is contiguous.
protocol RowVectors {
    func pointer(_ row: UInt32) -> UnsafePointer<Float>
}

/// Rows at `base + row * stride` (mmapped segments, flat sources).
struct ContiguousVectors: RowVectors {
    let base: UnsafePointer<Float>
    let stride: Int

    @inline(__always)
    func pointer(_ row: UInt32) -> UnsafePointer<Float> { base + Int(row) &* stride }
}

/// Rows found through the source's `vector(_:)` (chunked memtable storage).
struct SourceVectors: RowVectors {
    let source: any VectorSource

    @inline(__always)
    func pointer(_ row: UInt32) -> UnsafePointer<Float> { source.vector(row) }
}

/// The internal distance family of a metric (see `DistanceMetric.score(fromDistance:)`).
///
/// Cosine is computed as `1 - (q̂ · v) * invNorm(v)`: the query is normalised once per search, and the index keeps
/// `1/|v|` per row (4 bytes; a flat array that stays in L2) because the engine stores vectors as given. This costs one
/// multiply per distance and no second copy of the vectors.
enum MetricKind: UInt32 {
    case cosine = 0
    case dot = 1
    case euclidean = 2

    init(_ metric: DistanceMetric) {
        switch metric {
        case .cosine: self = .cosine
        case .dot: self = .dot
        case .euclidean: self = .euclidean
        }
    }

    var metric: DistanceMetric {
        switch self {
        case .cosine: return .cosine
        case .dot: return .dot
        case .euclidean: return .euclidean
        }
    }

    /// The distance the graph is *built* with. Inner product is not a metric: building with it makes high-norm rows
    /// hubs and leaves other rows unreachable (recall 0.75 on clustered data in the tests). Dot graphs are therefore
    /// built with squared L2 between vectors — a navigable graph of the point set, on which a linear objective such
    /// as `q · v` has few false local optima — and searched with `-(q · v)`.
    var buildKind: MetricKind { self == .dot ? .euclidean : self }

    /// Distance from a prepared query (unit length for cosine) to a row vector with inverse norm `inv`.
    ///
    /// A non-finite result (NaN or ±inf) becomes +inf, the worst distance: the engine refuses vectors whose norm could
    /// overflow a score (`Distance.maxSquaredNorm`), but rows written before that check may hold such vectors, and a
    /// NaN compares false with everything, which would let it sit first in a heap or stall a greedy walk. The engine
    /// then drops +inf hits (`TopK.insert`), so they are never returned and never take a finite hit's place.
    @inline(__always)
    func distance(_ q: UnsafePointer<Float>, _ v: UnsafePointer<Float>, dimension: Int, inverseNorm inv: Float) -> Float {
        let d: Float
        switch self {
        case .cosine: d = 1 - vl_dot_f32(q, v, dimension) * inv
        case .dot: d = -vl_dot_f32(q, v, dimension)
        case .euclidean: d = vl_l2sq_f32(q, v, dimension)
        }
        return d.isFinite ? d : .infinity
    }

    /// Copies `query` into `out`, normalised for cosine.
    func prepare(_ query: UnsafePointer<Float>, dimension: Int, into out: UnsafeMutablePointer<Float>) {
        out.update(from: query, count: dimension)
        if self == .cosine { Distance.normalize(out, count: dimension) }
    }
}

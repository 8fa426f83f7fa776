import CVectorLogicKernels

/// An 8-bit copy of a segment's rows (SQ8: per dimension, `x ≈ lo[d] + step[d] · code[d]`) that graph traversal reads
/// instead of the float32 rows.
///
/// Why: a 384-d float32 row is 24 cache lines and a random one costs 200–300 ns here (memory-bound); its code is
/// 6 lines, and 100,000 codes (38 MB → 9.6 MB) stay in the 32 MiB L3. The query is not coded (asymmetric
/// distance: float32 terms, rounded to int16 weights with one scale for cosine and dot, `walker`) and the final
/// candidates are re-ranked with the float32 rows, so returned distances are exact.
///
/// For cosine the codes hold the *normalised* rows (`v / |v|`), so `1 - q̂ · decode(code)` approximates the cosine
/// distance without the per-row inverse norm. Dot codes hold the rows as stored; euclidean codes too.
///
/// Built in memory from the mmapped rows (one pass for the ranges, one to encode), not stored in the segment file:
/// it is derived data, rebuilt in about 60 ms per 100,000 × 384 rows, costing 25% of the float rows' memory.
/// A graph build whose rows are all known first walks codes too (`MutableHNSW.prepareQuantizedBuild`).
final class QuantizedRows: @unchecked Sendable {
    let count: Int
    let dimension: Int
    /// Bytes from one row's codes to the next: the dimension rounded up to a 64-byte line.
    let stride: Int
    let codes: UnsafeMutablePointer<UInt8>
    let lo: UnsafeMutablePointer<Float>
    let step: UnsafeMutablePointer<Float>
    let kind: MetricKind
    /// Half the length of the step vector, `0.5 · √(Σ step[d]²)`: the most a row's decoded code is away from the row.
    let halfStepNorm: Float

    /// Encodes `count` rows; `inverseNorm(row)` scales each row for cosine (ignored for the other metrics).
    convenience init(rows: ContiguousRows, count: Int, dimension: Int, kind: MetricKind, inverseNorm: (UInt32) -> Float) {
        self.init(count: count, dimension: dimension, kind: kind, row: { rows.base + Int($0) * rows.stride },
                  inverseNorm: inverseNorm)
    }

    /// Encodes rows `0..<count`, reading row `r` at `row(r)`.
    init(count: Int, dimension: Int, kind: MetricKind, row: (UInt32) -> UnsafePointer<Float>, inverseNorm: (UInt32) -> Float) {
        precondition(count > 0 && dimension > 0, "quantising an empty set of rows")
        self.count = count
        self.dimension = dimension
        self.kind = kind
        stride = (dimension + 63) / 64 * 64
        let (bytes, overflow) = stride.multipliedReportingOverflow(by: count)
        precondition(!overflow, "row codes overflow the address space")
        codes = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64).bindMemory(to: UInt8.self, capacity: bytes)
        codes.initialize(repeating: 0, count: bytes)
        lo = .allocate(capacity: dimension)
        step = .allocate(capacity: dimension)
        let hi = UnsafeMutablePointer<Float>.allocate(capacity: dimension)
        let inverseStep = UnsafeMutablePointer<Float>.allocate(capacity: dimension)
        defer {
            hi.deallocate()
            inverseStep.deallocate()
        }
        lo.initialize(repeating: .infinity, count: dimension)
        hi.initialize(repeating: -.infinity, count: dimension)
        func scale(_ row: UInt32) -> Float {
            guard kind == .cosine else { return 1 }
            let inv = inverseNorm(row)
            return inv.isFinite ? inv : 0
        }
        for index in 0..<UInt32(count) {
            vl_sq8_bounds(row(index), scale(index), lo, hi, dimension)
        }
        for d in 0..<dimension {
            let width = hi[d] - lo[d]
            // A constant (or non-finite) dimension decodes to lo exactly; code 0 everywhere.
            if width.isFinite && width > 0 {
                step[d] = width / 255
                inverseStep[d] = 255 / width
            } else {
                if !lo[d].isFinite { lo[d] = 0 }
                step[d] = 0
                inverseStep[d] = 0
            }
        }
        var stepSquares: Float = 0
        for d in 0..<dimension { stepSquares += step[d] * step[d] }
        halfStepNorm = 0.5 * stepSquares.squareRoot()
        for index in 0..<UInt32(count) {
            vl_sq8_encode(row(index), scale(index), lo, inverseStep,
                          codes + Int(index) * stride, dimension)
        }
    }

    deinit {
        codes.deallocate()
        lo.deallocate()
        step.deallocate()
    }

    /// Bytes held (codes and the two per-dimension tables).
    var byteCount: Int { stride * count + 8 * dimension }

    /// Turns a prepared query (unit length for cosine) into the per-dimension terms the kernels take:
    /// `q · step` for cosine/dot (returns the constant `q · lo`), `q - lo` for euclidean (returns 0).
    func prepare(_ query: UnsafePointer<Float>, into terms: UnsafeMutablePointer<Float>) -> Float {
        var bias: Float = 0
        switch kind {
        case .cosine, .dot:
            for d in 0..<dimension {
                terms[d] = query[d] * step[d]
                bias += query[d] * lo[d]
            }
        case .euclidean:
            for d in 0..<dimension { terms[d] = query[d] - lo[d] }
        }
        return bias
    }
}

extension QuantizedRows {
    /// A reader that walks `exact`'s graph over these codes for the prepared `query`: the float terms of `prepare`,
    /// and for cosine and dot the same terms rounded to int16 weights with one scale, so each distance is an exact
    /// integer dot product (`vl_sq8_dot_i16`: at 384-d 12 AVX-512 VNNI steps of 32 codes, or 24 AVX2 steps of 16,
    /// against 48 float steps of 8).
    func walker<Exact: GraphReader>(over exact: Exact, query: UnsafePointer<Float>, scratch: SearchScratch) -> QuantizedGraphReader<Exact> {
        let bias = prepare(query, into: scratch.quantizedTerms)
        let (inverseScale, walkError) = kind == .euclidean ? (0, 0)
            : QuantizedRows.widen(scratch.quantizedTerms, into: scratch.quantizedWide, count: dimension)
        return QuantizedGraphReader(exact: exact, quantized: self, terms: UnsafePointer(scratch.quantizedTerms),
                                    wide: UnsafePointer(scratch.quantizedWide), bias: bias, inverseScale: inverseScale,
                                    walkError: walkError)
    }

    /// Rounds `terms` to int16 `wide[d] = round(terms[d] · s)` with the largest scale s that keeps |wide| ≤ 32,767 and
    /// Σ |wide| · 255 < 2^31 (no partial sum of the integer kernel can overflow). Returns 1/s and the most the integer
    /// dot product, times 1/s, can differ from the float one: ½ per weight times a code of at most 255, over all
    /// dimensions (at 384-d about 1.5 × max |terms|, a few % of the codes' own error bound `Σ |terms|`).
    static func widen(_ terms: UnsafePointer<Float>, into wide: UnsafeMutablePointer<Int16>, count: Int) -> (inverseScale: Float, error: Float) {
        var maxAbs: Float = 0
        var sumAbs: Float = 0
        for d in 0..<count {
            let a = abs(terms[d])
            maxAbs = max(maxAbs, a)
            sumAbs += a
        }
        guard maxAbs > 0, maxAbs.isFinite, sumAbs.isFinite else {
            wide.initialize(repeating: 0, count: count)
            // All zero: the dot is exactly 0. Non-finite: no bound (every candidate is re-measured).
            return (0, maxAbs == 0 ? 0 : .infinity)
        }
        let scale = min(32_767 / maxAbs, 2_000_000_000 / (255 * sumAbs))
        for d in 0..<count { wide[d] = Int16(max(-32_767, min(32_767, (terms[d] * scale).rounded()))) }
        return (1 / scale, 127.5 * Float(count) / scale)
    }

    /// How far a code distance may be from the true distance for the query whose `terms` (`prepare`) and int16
    /// weights' rounding (`walkError`) are given — see `CodeError`.
    func codeError(terms: UnsafePointer<Float>, walkError: Float) -> CodeError {
        switch kind {
        case .cosine, .dot:
            // `∓ q · decode` is off by at most `½ Σ |q[d] step[d]|` = half the sum of `|terms|`, plus the weights' rounding.
            var spread: Float = 0
            for d in 0..<dimension { spread += abs(terms[d]) }
            return CodeError(kind: kind, slack: spread / 2 + walkError)
        case .euclidean:
            return CodeError(kind: kind, slack: halfStepNorm)
        }
    }

    /// How many of `sorted` (candidates by code distance, best first) must be re-measured with float32 rows so that the
    /// k nearest among all of them are found: those whose code distance is within twice the encoding's error bound of
    /// the k-th best code distance. Any later one is provably farther than k earlier ones, so the answer equals
    /// re-measuring all of them, for a fraction of the random float32 reads (1,536 bytes each at 384-d; from DRAM once
    /// the rows outgrow the last-level cache). Non-finite bounds re-measure everything.
    func rerankCount(_ sorted: [Candidate], k: Int, error: CodeError) -> Int {
        guard k > 0, sorted.count > k else { return sorted.count }
        // The k-th's upper bound against each later one's lower bound: two errors.
        let limit = error.limit(error.upper(sorted[k - 1].distance))
        guard limit.isFinite else { return sorted.count }
        var n = k
        while n < sorted.count && sorted[n].distance <= limit { n += 1 }
        return n
    }
}

/// How far one query's SQ8 code distances may be from the float32 distances (each value is encoded within half a
/// step, `|x[d] - decode[d]| ≤ step[d] / 2`). Cosine and dot: the code distance `∓ q · decode` is within `slack` of the
/// true one. Euclidean: `‖q - decode‖` is within `slack` (`halfStepNorm`) of `‖q - x‖`, compared as square roots of
/// the squared distances. A 1e-4 relative margin on every limit covers float32 rounding in the kernels.
struct CodeError: Sendable {
    let kind: MetricKind
    let slack: Float

    /// The largest true distance a code distance `d` allows (and, read the other way, the largest code distance
    /// whose row can still be within true distance `d`).
    @inline(__always)
    func upper(_ d: Float) -> Float {
        switch kind {
        case .cosine, .dot:
            return d + slack
        case .euclidean:
            let radius = max(d, 0).squareRoot() + slack
            return radius * radius
        }
    }

    /// `upper(d)` with the rounding margin: candidates whose code distance is past `limit(bound)` cannot come within
    /// `bound`.
    @inline(__always)
    func limit(_ d: Float) -> Float {
        let l = upper(d)
        return l + 1e-4 * (1 + abs(l))
    }
}

/// Graph traversal over SQ8 codes: the neighbour lists of `exact`'s graph (frozen, or one being built), distances
/// from `QuantizedRows` with the query terms of `QuantizedRows.prepare`. A row past the codes (a graph that took
/// rows after its codes were made) is measured exactly from the prepared `query`.
struct QuantizedGraphReader<Exact: GraphReader>: GraphReader {
    let exact: Exact
    let quantized: QuantizedRows
    let terms: UnsafePointer<Float>
    /// Cosine and dot: `terms` as int16 weights (`QuantizedRows.widen`); a code's dot is their integer dot × `inverseScale`.
    let wide: UnsafePointer<Int16>
    let bias: Float
    let inverseScale: Float
    /// The most one walk distance differs from the float32-weights one (0 for euclidean, which keeps float weights).
    let walkError: Float

    var vectors: Exact.Vectors { exact.vectors }
    var dimension: Int { exact.dimension }
    var kind: MetricKind { exact.kind }
    var rowBound: Int { exact.rowBound }

    @inline(__always)
    func inverseNorm(_ row: UInt32) -> Float { exact.inverseNorm(row) }

    @inline(__always)
    func neighbors(of row: UInt32, level: Int, into out: UnsafeMutablePointer<UInt32>) -> Int {
        exact.neighbors(of: row, level: level, into: out)
    }

    @inline(__always)
    func prefetchLinks(_ row: UInt32) { exact.prefetchLinks(row) }

    @inline(__always)
    func prefetchRow(_ row: UInt32) {
        guard Int(row) < quantized.count else { return }
        vl_prefetch(quantized.codes + Int(row) &* quantized.stride, quantized.dimension)
    }

    @inline(__always)
    func prefetchRowTail(_ row: UInt32) {}

    @inline(__always)
    func distance(_ query: UnsafePointer<Float>, _ row: UInt32) -> Float {
        guard Int(row) < quantized.count else { return exact.distance(query, row) }
        let code = UnsafePointer(quantized.codes + Int(row) &* quantized.stride)
        switch kind {
        case .cosine: return 1 - (bias + Float(vl_sq8_dot_i16(wide, code, dimension)) * inverseScale)
        case .dot: return -(bias + Float(vl_sq8_dot_i16(wide, code, dimension)) * inverseScale)
        case .euclidean: return vl_sq8_l2sq(terms, quantized.step, code, dimension)
        }
    }
}

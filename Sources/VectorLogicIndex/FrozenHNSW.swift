public import VectorLogicDistance
import VectorLogicFormat
import VectorLogicSync

/// A read-only HNSW graph read in place from a segment's graph section (mmapped): no copy, no rebuild.
///
/// Opening validates the header and every section's bounds in O(1); ids inside the lists are checked as they are
/// read, so garbage can never make a search trap. `checkInvariants()` does the full O(links) check for `verify`.
public final class FrozenHNSW: @unchecked Sendable {
    /// Where row vectors are read.
    public let source: any VectorSource
    /// The metric the graph was built for.
    public let metric: DistanceMetric
    /// Rows in the graph.
    public let count: Int
    let kind: MetricKind
    let header: GraphSection.Header
    let graph: FrozenGraphPointers
    let byteCount: Int
    let dimension: Int
    let contiguous: ContiguousRows?
    let pool: ScratchPool
    /// Holds an aligned copy when the caller's bytes were not 4-byte aligned.
    private let ownedCopy: UnsafeMutableRawBufferPointer?
    /// SQ8 codes for traversal, once `prepareQuantizedTraversal()` has built them.
    private let quantized = Locked<QuantizedRows?>(nil)

    /// Graphs with fewer rows keep float32 traversal: their rows stay in cache anyway.
    public static let quantizedTraversalMinimumRows = 4096

    /// Whether SQ8 searches re-measure all `ef` candidates with float32 rows (false: only those `QuantizedRows.rerankCount`
    /// proves could be among the k nearest, which gives the same answer; true is kept for the benchmark's comparison).
    public let rerankAll: Bool

    /// When set, SQ8 searches re-measure their candidates with rows read by this function (`pread` on the segment
    /// file) instead of through `source`'s mapping, which then stays out of the resident set; a failed read falls
    /// back to the mapping (the same bytes). Float32 traversal (graphs without codes) still reads the mapping.
    public let rerankReads: RowRead?

    /// Validates the header and bounds through `GraphSection.open` (total: garbage throws `FormatError`, never traps);
    /// `bytes` must outlive the object.
    public init(graph bytes: UnsafeRawBufferPointer, source: any VectorSource, metric: DistanceMetric, count: Int,
                rerankAll: Bool = false, rerankReads: RowRead? = nil) throws {
        var base = bytes
        if let address = bytes.baseAddress, Int(bitPattern: address) % 4 != 0 {
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
            copy.copyMemory(from: bytes)
            ownedCopy = copy
            base = UnsafeRawBufferPointer(copy)
        } else {
            ownedCopy = nil
        }
        do {
            let (h, pointers) = try FrozenHNSW.validate(base, metric: metric, count: count)
            header = h
            graph = pointers
        } catch {
            ownedCopy?.deallocate()
            throw error
        }
        self.source = source
        self.metric = metric
        self.count = count
        self.rerankAll = rerankAll
        self.rerankReads = rerankReads
        self.kind = MetricKind(metric)
        self.byteCount = bytes.count
        self.dimension = source.dimension
        self.contiguous = source.contiguousRows
        self.pool = ScratchPool(maxDegree: max(header.m0, header.m), dimension: source.dimension)
    }

    deinit { ownedCopy?.deallocate() }

    /// Builds the SQ8 codes that later searches traverse (see `QuantizedRows`); a no-op for graphs under
    /// `quantizedTraversalMinimumRows` rows, for sources that are not contiguous, and when already built.
    /// Safe to call while searches run: they switch over when the codes are published.
    public func prepareQuantizedTraversal() {
        guard count >= FrozenHNSW.quantizedTraversalMinimumRows, let rows = contiguous,
              quantized.withLock({ $0 == nil }) else { return }
        let reader = mappedReader(rows)
        let codes = QuantizedRows(rows: rows, count: count, dimension: dimension, kind: kind,
                                  inverseNorm: { reader.inverseNorm($0) })
        quantized.withLock { slot in
            if slot == nil { slot = codes }
        }
    }

    /// Whether searches traverse SQ8 codes (and re-rank with float32 rows).
    public var usesQuantizedTraversal: Bool { quantized.withLock { $0 != nil } }

    /// Bytes of the in-memory SQ8 codes (0 before `prepareQuantizedTraversal()`).
    public var quantizedBytes: Int { quantized.withLock { $0?.byteCount ?? 0 } }

    /// The k nearest accepted rows, best first (`ef` ≥ k trades speed for recall). With SQ8 traversal: `walk` and
    /// `remeasure` with no bound, in one scratch.
    public func search(_ query: UnsafePointer<Float>, k: Int, ef: Int, accept: RowPredicate?) -> [Neighbor] {
        guard k > 0, count > 0, header.entryPoint < UInt32(count) else { return [] }
        let entry = header.entryPoint
        let top = header.maxLevel
        if let rows = contiguous {
            let reader = mappedReader(rows)
            if let codes = quantized.withLock({ $0 }) {
                return pool.withScratch(rows: count) { scratch in
                    reader.knnReranked(query, k: k, ef: ef, accept: accept, entry: entry, maxLevel: top,
                                       quantized: codes, rerankAll: rerankAll, reads: rerankReads, scratch: scratch)
                }
            }
            return pool.withScratch(rows: count) { scratch in
                reader.knn(query, k: k, ef: ef, accept: accept, entry: entry, maxLevel: top, scratch: scratch)
            }
        }
        let reader = FrozenGraphReader(vectors: SourceVectors(source: source),
                                       dimension: dimension, kind: kind, rowBound: count, graph: graph)
        return pool.withScratch(rows: count) { scratch in
            reader.knn(query, k: k, ef: ef, accept: accept, entry: entry, maxLevel: top, scratch: scratch)
        }
    }

    /// With SQ8 traversal, the first half of a search: the walk over the codes, returning the candidates that could
    /// be among the k nearest, not yet re-measured; nil without codes (then `search` walks float32 rows).
    ///
    /// Why split: a collection's search walks every segment, and a segment's own k-th best is about the collection's
    /// (segments × k)-th. Holding all walks first, the caller takes the k-th smallest `upperBound` over all of them
    /// and re-measures only candidates that could come within it: at 1M rows in 6 segments, ef 32, about a fifth of
    /// the float32 rows that re-ranking each segment on its own read (BENCHMARKS.md "One re-rank for all segments").
    public func walk(_ query: UnsafePointer<Float>, k: Int, ef: Int, accept: RowPredicate?) -> WalkedCandidates? {
        guard k > 0, count > 0, header.entryPoint < UInt32(count), let rows = contiguous,
              let codes = quantized.withLock({ $0 }) else { return nil }
        let reader = mappedReader(rows)
        return pool.withScratch(rows: count) { scratch in
            reader.walkQuantized(query, k: k, ef: ef, accept: accept, entry: header.entryPoint, maxLevel: header.maxLevel,
                                 quantized: codes, rerankAll: rerankAll, scratch: scratch)
        }
    }

    /// The second half: re-measures with float32 rows (`rerankReads` when set, else the mapping) the walked candidates
    /// that could come within `bound` (+inf: all of them) and returns the k nearest of them, best first, with exact
    /// distances. Every hit within `bound` that an unbounded re-measure would return comes back.
    public func remeasure(_ walked: WalkedCandidates, query: UnsafePointer<Float>, k: Int, within bound: Float) -> [Neighbor] {
        guard let rows = contiguous else { return [] }  // `walk` returns candidates only over contiguous rows
        let reader = mappedReader(rows)
        return pool.withScratch(rows: count) { scratch in
            reader.remeasure(walked, query: query, k: k, within: bound, reads: rerankReads, scratch: scratch)
        }
    }

    /// A reader of this graph over rows laid out at a fixed stride (the segment's mapping).
    private func mappedReader(_ rows: ContiguousRows) -> FrozenGraphReader<ContiguousVectors> {
        FrozenGraphReader(vectors: ContiguousVectors(base: rows.base, stride: rows.stride),
                          dimension: dimension, kind: kind, rowBound: count, graph: graph)
    }

    /// Reads and checks the header and the section sizes (`GraphSection.open`); returns pointers to each part.
    static func validate(_ bytes: UnsafeRawBufferPointer, metric: DistanceMetric,
                         count: Int) throws(FormatError) -> (GraphSection.Header, FrozenGraphPointers) {
        let (h, layout) = try GraphSection.open(bytes, metric: MetricKind(metric).rawValue, count: count)
        guard let base = bytes.baseAddress else {
            // Only an empty buffer has no address, and `open` refuses anything shorter than the header.
            throw FormatError(offset: 0, reason: "section has no bytes")
        }
        let pointers = FrozenGraphPointers(
            count: h.count, m: h.m, m0: h.m0,
            level0: (base + layout.level0).assumingMemoryBound(to: UInt32.self),
            levels: (base + layout.levels).assumingMemoryBound(to: UInt8.self),
            upperStart: (base + layout.upperStart).assumingMemoryBound(to: UInt32.self),
            upper: (base + layout.upper).assumingMemoryBound(to: UInt32.self),
            upperRecords: h.upperRecords,
            norms: h.hasInverseNorms ? (base + layout.norms).assumingMemoryBound(to: UInt32.self) : nil)
        return (h, pointers)
    }
}

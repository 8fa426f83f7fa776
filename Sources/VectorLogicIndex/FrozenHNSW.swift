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
        let reader = FrozenGraphReader(vectors: ContiguousVectors(base: rows.base, stride: rows.stride),
                                       dimension: dimension, kind: kind, rowBound: count, graph: graph)
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

    /// The k nearest accepted rows, best first (`ef` ≥ k trades speed for recall).
    ///
    /// `bound`: a distance the caller already has k hits within (from other segments). With SQ8 traversal, candidates
    /// whose code distance shows they cannot come within it are neither re-measured nor returned, so fewer than k hits
    /// may come back; every hit within `bound` that the search would return without it still comes back.
    public func search(_ query: UnsafePointer<Float>, k: Int, ef: Int, accept: RowPredicate?,
                       within bound: Float = .infinity) -> [Neighbor] {
        guard k > 0, count > 0, header.entryPoint < UInt32(count) else { return [] }
        let entry = header.entryPoint
        let top = header.maxLevel
        if let rows = contiguous {
            let reader = FrozenGraphReader(vectors: ContiguousVectors(base: rows.base, stride: rows.stride),
                                           dimension: dimension, kind: kind, rowBound: count, graph: graph)
            if let codes = quantized.withLock({ $0 }) {
                return pool.withScratch(rows: count) { scratch in
                    reader.knnReranked(query, k: k, ef: ef, accept: accept, entry: entry, maxLevel: top,
                                       quantized: codes, rerankAll: rerankAll, reads: rerankReads, bound: bound,
                                       scratch: scratch)
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

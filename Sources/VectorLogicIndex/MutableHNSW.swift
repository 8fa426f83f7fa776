public import VectorLogicDistance
import Synchronization
import VectorLogicSync

/// A growable in-memory HNSW graph over rows of a VectorSource, safe for concurrent insert() and search() (per-node locks).
///
/// Layout: flat, chunked arrays (see `MutableGraphStorage`), never object graphs. Each node's lists are guarded by a
/// spin lock word inside its level-0 record; readers never lock and read links with acquire loads. Levels come from a
/// hash of (seed, row), so a row's level does not depend on which thread inserts it; with one thread, the same seed and
/// insert order give the same `serialized()` bytes.
public final class MutableHNSW: @unchecked Sendable {
    /// Where row vectors are read.
    public let source: any VectorSource
    /// The metric the graph is built for.
    public let metric: DistanceMetric
    /// Build parameters (m clamped to 2...128, efConstruction to ≥ m).
    public let parameters: HNSWParameters
    /// Floats per vector.
    public let dimension: Int

    let kind: MetricKind
    let storage: MutableGraphStorage
    let contiguous: ContiguousRows?
    let pool: ScratchPool
    /// Allocated chunks; the growth lock.
    let chunks = Locked<Int>(0)
    /// Rows covered by allocated chunks (read without the lock to size visited sets).
    let capacity = Atomic<Int>(0)
    /// Entry point and top level; nil while empty.
    let top = Locked<EntryPoint?>(nil)
    let inserted = Atomic<Int>(0)
    /// SQ8 codes of the rows known before the build (`prepareQuantizedBuild`); inserts walk them, then re-rank.
    let buildCodes = Locked<QuantizedRows?>(nil)

    struct EntryPoint: Sendable {
        var row: UInt32
        var level: Int
    }

    /// Creates an empty graph; `expectedCount` sizes the first storage chunk (it grows past it by doubling).
    public init(source: any VectorSource, metric: DistanceMetric, parameters: HNSWParameters, expectedCount: Int) {
        var p = parameters
        p.m = min(max(p.m, 2), 128)
        p.efConstruction = max(p.efConstruction, p.m)
        self.source = source
        self.metric = metric
        self.parameters = p
        self.dimension = source.dimension
        self.kind = MetricKind(metric)
        self.storage = MutableGraphStorage(m: p.m, expectedCount: expectedCount)
        self.contiguous = source.contiguousRows
        self.pool = ScratchPool(maxDegree: 2 * p.m, dimension: source.dimension)
    }

    deinit {
        let n = chunks.withLock { $0 }
        storage.deallocate(chunks: n)
    }

    /// Makes inserts walk SQ8 codes of rows `0..<rows` (asymmetric distances, as the searches of a frozen graph do)
    /// and measure only each level's `efConstruction` candidates, the neighbour selection and the links with float32
    /// rows — the way faiss's `IndexHNSWSQ` builds, with exact distances where links are chosen.
    ///
    /// Why: an insert's layer search measures ~4,000 rows at ef_construction 200 and m 16, 57% of the build in float32
    /// dot products (perf, 100,000 × 384); a code is a quarter of a row's bytes. A no-op under
    /// `FrozenHNSW.quantizedTraversalMinimumRows` rows and when already prepared. Rows `0..<rows` must all be in the
    /// source; rows inserted beyond them are measured exactly. Call before the inserts (not during them).
    public func prepareQuantizedBuild(rows: Int) {
        guard rows >= FrozenHNSW.quantizedTraversalMinimumRows, buildCodes.withLock({ $0 == nil }) else { return }
        // Codes for the distance the graph is built with (`buildKind`: dot graphs are built with squared L2).
        let codes = QuantizedRows(count: rows, dimension: dimension, kind: kind.buildKind, row: { source.vector($0) },
                                  inverseNorm: { Distance.inverseNorm(source.vector($0), count: dimension) })
        buildCodes.withLock { slot in
            if slot == nil { slot = codes }
        }
    }

    /// Rows inserted so far.
    public var count: Int { inserted.load(ordering: .acquiring) }

    /// The k nearest accepted rows, best first. `ef` (≥ k) trades speed for recall. Safe during concurrent inserts.
    public func search(_ query: UnsafePointer<Float>, k: Int, ef: Int, accept: RowPredicate?) -> [Neighbor] {
        guard k > 0, let entry = top.withLock({ $0 }) else { return [] }
        return withReader { reader in
            pool.withScratch(rows: reader.rowBound) { scratch in
                reader.knn(query, k: k, ef: ef, accept: accept, entry: entry.row, maxLevel: entry.level, scratch: scratch)
            }
        }
    }

    /// Runs `body` with a reader specialised for the source kind (contiguous rows avoid a protocol call per distance).
    func withReader<R>(_ body: (MutableGraphReader<ContiguousVectors>) -> R,
                       _ fallback: (MutableGraphReader<SourceVectors>) -> R) -> R {
        let bound = capacity.load(ordering: .acquiring)
        if let rows = contiguous {
            return body(MutableGraphReader(vectors: ContiguousVectors(base: rows.base, stride: rows.stride),
                                           dimension: dimension, kind: kind, rowBound: bound, storage: storage))
        }
        return fallback(MutableGraphReader(vectors: SourceVectors(source: source),
                                           dimension: dimension, kind: kind, rowBound: bound, storage: storage))
    }

    /// Same as `withReader(_:_:)` with one generic body.
    func withReader<R>(_ body: (any GraphReaderBox) -> R) -> R {
        withReader({ body(ReaderBox(reader: $0)) }, { body(ReaderBox(reader: $0)) })
    }

    /// The level of a row: P(level ≥ l) = m^-l, i.e. floor(-ln(u) / ln(m)) with the level multiplier 1/ln(m),
    /// computed without logarithms; u comes from a SplitMix64 hash of (seed, row).
    func randomLevel(_ row: UInt32) -> Int {
        var z = parameters.seed &+ (UInt64(row) &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let u = Double(z >> 11) * 0x1p-53
        let p = 1.0 / Double(parameters.m)
        var level = 0
        var threshold = p
        while u < threshold && level < 30 {
            level += 1
            threshold *= p
        }
        return level
    }

    /// Makes sure the chunk holding `row` exists.
    func ensureCapacity(_ row: UInt32) {
        let (k, _) = storage.geometry.locate(row)
        chunks.withLock { allocated in
            while allocated <= k {
                storage.allocateChunk(allocated)
                allocated += 1
                capacity.store(storage.geometry.capacity(chunks: allocated), ordering: .releasing)
            }
        }
    }
}

/// Type-erased access to a specialised reader: the closure body is generic once, the reader inside is concrete.
protocol GraphReaderBox {
    func knn(_ query: UnsafePointer<Float>, k: Int, ef: Int, accept: RowPredicate?, entry: UInt32, maxLevel: Int,
             scratch: SearchScratch) -> [Neighbor]
    var rowBound: Int { get }
}

struct ReaderBox<R: GraphReader>: GraphReaderBox {
    let reader: R
    var rowBound: Int { reader.rowBound }

    func knn(_ query: UnsafePointer<Float>, k: Int, ef: Int, accept: RowPredicate?, entry: UInt32, maxLevel: Int,
             scratch: SearchScratch) -> [Neighbor] {
        reader.knn(query, k: k, ef: ef, accept: accept, entry: entry, maxLevel: maxLevel, scratch: scratch)
    }
}

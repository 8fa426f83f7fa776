/// The kind of index a collection keeps over its vectors.
public enum IndexType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Hierarchical navigable small-world graph (approximate, fast).
    case hnsw
    /// No graph: every search is exact over all rows.
    case flat
}

/// Build parameters of an HNSW graph (Malkov & Yashunin).
public struct HNSWParameters: Sendable, Hashable {
    /// Links per node on the upper layers; layer 0 keeps up to `2 * m`.
    public var m: Int = 16
    /// Size of the candidate list while inserting (larger = better graph, slower build).
    public var efConstruction: Int = 200
    /// Seed of the level assignment: the same seed and insert order give the same graph bytes.
    public var seed: UInt64 = 0x5EED

    /// Creates parameters; `m` is clamped to 2...128 and `efConstruction` to at least `m` when used.
    public init(m: Int = 16, efConstruction: Int = 200, seed: UInt64 = 0x5EED) {
        self.m = m
        self.efConstruction = efConstruction
        self.seed = seed
    }
}

/// One search hit: a dense row number and its internal distance (smaller is better; see `DistanceMetric.score`).
public struct Neighbor: Sendable, Hashable {
    /// Dense row in the segment or memtable that was searched.
    public var row: UInt32
    /// Internal distance: cosine `1 - cos`, dot `-(q·v)`, euclidean squared L2.
    public var distance: Float

    /// Creates a hit.
    public init(row: UInt32, distance: Float) {
        self.row = row
        self.distance = distance
    }
}

/// Rows the caller accepts in results (tombstones, filters). Rejected rows are still traversed, never returned.
public typealias RowPredicate = (UInt32) -> Bool

/// Where an index reads the vector of a row. Pointers stay valid for the lifetime of the source (chunked storage, or mmap).
public protocol VectorSource: AnyObject, Sendable {
    /// Floats per vector.
    var dimension: Int { get }
    /// The vector of `row`; valid for the source's lifetime. Only rows handed to the index are asked for.
    func vector(_ row: UInt32) -> UnsafePointer<Float>
    /// When every row lives at `base + row * stride`, the index reads vectors by pointer arithmetic
    /// instead of a protocol call per distance (the mmap segment source). `nil` (the default) for chunked sources.
    var contiguousRows: ContiguousRows? { get }
}

extension VectorSource {
    /// Chunked sources have no single base address.
    public var contiguousRows: ContiguousRows? { nil }
}

/// A base address and row stride (in floats) of a source whose rows are evenly spaced in memory.
public struct ContiguousRows: @unchecked Sendable {
    /// Address of row 0.
    public let base: UnsafePointer<Float>
    /// Floats from one row to the next (≥ dimension; e.g. rows padded to 64 bytes).
    public let stride: Int

    /// Describes rows at `base + row * stride`.
    public init(base: UnsafePointer<Float>, stride: Int) {
        self.base = base
        self.stride = stride
    }
}

/// Reads row `row`'s float32 values (the index's dimension of them) into `into`; false when the read failed.
/// Set on a frozen graph (`FrozenHNSW.rerankReads`) so its re-rank reads rows with `pread` instead of through the
/// mapping: the rows then stay out of the process's resident set (see `DatabaseOptions.vectorReads`).
public typealias RowRead = @Sendable (_ row: UInt32, _ into: UnsafeMutableRawBufferPointer) -> Bool

import Logging
import Synchronization
public import VectorLogicDistance
public import VectorLogicIndex

/// How a collection indexes its vectors.
public struct IndexConfig: Sendable, Hashable, Codable {
    /// `hnsw` (approximate, default) or `flat` (exact scan).
    public var type: IndexType
    /// HNSW neighbours per node on upper layers (2·m on layer 0); 2…128.
    public var m: Int
    /// HNSW candidate list size while building; 1…4096 and ≥ m.
    public var efConstruction: Int
    /// Default HNSW candidate list size while searching, overridable per query; 1…4096.
    public var efSearch: Int

    /// The defaults: HNSW, m 16, ef_construction 200, ef_search 64.
    public init(type: IndexType = .hnsw, m: Int = 16, efConstruction: Int = 200, efSearch: Int = 64) {
        self.type = type
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
    }
}

/// What a collection is: fixed at creation.
public struct CollectionConfig: Sendable, Hashable {
    /// 1–64 characters of `[A-Za-z0-9_-]`.
    public var name: String
    /// Values per vector, 1…20,000.
    public var dimension: Int
    /// How similarity is measured.
    public var metric: DistanceMetric
    /// Index parameters.
    public var index: IndexConfig

    /// A configuration; validated by `Database.createCollection`.
    public init(name: String, dimension: Int, metric: DistanceMetric, index: IndexConfig = IndexConfig()) {
        self.name = name
        self.dimension = dimension
        self.metric = metric
        self.index = index
    }
}

/// A collection's configuration and current figures.
public struct CollectionInfo: Sendable {
    /// Its configuration.
    public var config: CollectionConfig
    /// Live vectors (not deleted).
    public var vectorCount: Int
    /// Dead rows still held in segments until compaction.
    public var deletedCount: Int
    /// Segment files.
    public var segmentCount: Int
    /// Live vectors not yet flushed to a segment.
    public var memtableVectors: Int
    /// Bytes of its segment files.
    public var diskBytes: Int64
    /// Creation time, milliseconds since the Unix epoch.
    public var createdAtMs: Int64

    /// Builds an info value.
    public init(config: CollectionConfig, vectorCount: Int, deletedCount: Int, segmentCount: Int,
                memtableVectors: Int, diskBytes: Int64, createdAtMs: Int64) {
        self.config = config
        self.vectorCount = vectorCount
        self.deletedCount = deletedCount
        self.segmentCount = segmentCount
        self.memtableVectors = memtableVectors
        self.diskBytes = diskBytes
        self.createdAtMs = createdAtMs
    }
}

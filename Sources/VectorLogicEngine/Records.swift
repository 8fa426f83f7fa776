import Logging
import Synchronization
public import VectorLogicJSON
public import VectorLogicFilter

/// A vector to write: its client id, values and optional metadata (a JSON object).
public struct VectorRecord: Sendable, Hashable {
    /// 1–128 characters of `[A-Za-z0-9_-]`.
    public var id: String
    /// Exactly the collection's dimension of finite values; stored as given.
    public var values: [Float]
    /// A JSON object (≤ 100 keys, ≤ 64 KiB as compact text) or nil; stored, logged and returned as these bytes.
    public var metadata: CompactJSON?

    /// A record to upsert.
    public init(id: String, values: [Float], metadata: CompactJSON? = nil) {
        self.id = id
        self.values = values
        self.metadata = metadata
    }
}

/// A stored vector as read back.
public struct StoredVector: Sendable, Hashable {
    /// Its id.
    public var id: String
    /// Its values bit-exact as written, when asked for.
    public var values: [Float]?
    /// Its metadata as stored (compact JSON text), or nil when it has none.
    public var metadata: CompactJSON?

    /// A stored vector.
    public init(id: String, values: [Float]?, metadata: CompactJSON?) {
        self.id = id
        self.values = values
        self.metadata = metadata
    }
}

/// A k-nearest-neighbour query.
public struct SearchRequest: Sendable {
    /// The query vector (collection's dimension, finite values).
    public var vector: [Float]
    /// Matches wanted, 1…1000.
    public var k: Int
    /// HNSW candidate list size; nil uses the collection's `efSearch`. Raised to at least k.
    public var ef: Int?
    /// Keep only matches with score ≥ threshold (≤ for euclidean).
    public var threshold: Float?
    /// Keep only vectors whose metadata matches: the best k among the matching ones.
    public var filter: Filter?
    /// Return each match's metadata.
    public var includeMetadata: Bool
    /// Return each match's values.
    public var includeValues: Bool

    /// A query; defaults return metadata but not values.
    public init(vector: [Float], k: Int, ef: Int? = nil, threshold: Float? = nil, filter: Filter? = nil,
                includeMetadata: Bool = true, includeValues: Bool = false) {
        self.vector = vector
        self.k = k
        self.ef = ef
        self.threshold = threshold
        self.filter = filter
        self.includeMetadata = includeMetadata
        self.includeValues = includeValues
    }
}

/// One search result.
public struct SearchMatch: Sendable, Hashable {
    /// The vector's id.
    public var id: String
    /// Cosine similarity, dot product, or Euclidean distance, per the collection's metric.
    public var score: Float
    /// Metadata as stored (compact JSON text) when asked for; nil when not asked for or the vector has none.
    public var metadata: CompactJSON?
    /// Values when asked for.
    public var values: [Float]?

    /// A match.
    public init(id: String, score: Float, metadata: CompactJSON?, values: [Float]?) {
        self.id = id
        self.score = score
        self.metadata = metadata
        self.values = values
    }
}

/// A page request over all vectors of a collection in ascending id order (byte order of the ASCII ids).
public struct ScrollRequest: Sendable {
    /// Only vectors whose metadata matches.
    public var filter: Filter?
    /// Page size, 1…10,000.
    public var limit: Int
    /// The `nextCursor` of the previous page; nil starts at the smallest id.
    public var cursor: String?
    /// Return values too.
    public var includeValues: Bool

    /// A page request.
    public init(filter: Filter? = nil, limit: Int = 100, cursor: String? = nil, includeValues: Bool = false) {
        self.filter = filter
        self.limit = limit
        self.cursor = cursor
        self.includeValues = includeValues
    }
}

/// One page of a scroll.
public struct ScrollPage: Sendable {
    /// Vectors in ascending id order.
    public var vectors: [StoredVector]
    /// Opaque cursor for the next page; nil when this page is the last.
    public var nextCursor: String?

    /// A page.
    public init(vectors: [StoredVector], nextCursor: String?) {
        self.vectors = vectors
        self.nextCursor = nextCursor
    }
}

/// One section of a segment as `inspect` shows it.
public struct SectionSummary: Sendable, Hashable, Codable {
    /// The section kind code.
    public var kind: UInt32
    /// Its name (`info`, `vectors`, `ids`, `id-order`, `metadata`, `graph`).
    public var name: String
    /// Byte offset in the file.
    public var offset: Int64
    /// Bytes.
    public var length: Int64
    /// Whether the body matches the CRC32C in the section table.
    public var checksumOK: Bool
}

/// HNSW figures of a segment's graph section (`FrozenHNSW.statistics` and `reachability()`).
public struct GraphSummary: Sendable, Hashable, Codable {
    /// Rows in the graph.
    public var nodes: Int
    /// Levels (max level + 1).
    public var levels: Int
    /// Nodes on each level, from level 0 up.
    public var nodesPerLevel: [Int]
    /// The entry point row, nil for an empty graph.
    public var entryPoint: UInt32?
    /// Mean level-0 degree.
    public var meanDegree: Double
    /// Largest level-0 degree.
    public var maxDegree: Int
    /// Neighbour limit on upper levels (m) and on level 0 (m0).
    public var m: Int
    /// Neighbour limit on level 0.
    public var m0: Int
    /// Bytes of the section.
    public var bytes: Int
    /// Rows with no level-0 path from the entry point: no search can return them (0 in a healthy graph; verify
    /// reports any as an error and `repair` rebuilds the graph).
    public var unreachableNodes: Int
}

/// One segment file as `inspect` shows it.
public struct SegmentSummary: Sendable, Hashable, Codable {
    /// File name.
    public var file: String
    /// File size.
    public var bytes: Int64
    /// Container format version (from the header).
    public var formatVersion: UInt32?
    /// Engine collection id.
    public var collectionID: UInt64?
    /// Values per vector.
    public var dimension: Int?
    /// cosine, dot or euclidean.
    public var metric: String?
    /// hnsw or flat.
    public var indexType: String?
    /// Rows in the file.
    public var rows: Int?
    /// Rows tombstoned by the manifest (only known when inspecting a directory).
    public var deleted: Int?
    /// The checkpoint LSN the segment was written at.
    public var maxLSN: UInt64?
    /// The section table.
    public var sections: [SectionSummary] = []
    /// HNSW figures, when the segment has a readable graph.
    public var graph: GraphSummary?
    /// Whether every checksum (container and every section body) matched.
    public var checksumsOK: Bool = false
    /// Why the file could not be read, if it could not.
    public var error: String?
}

/// One log file as `inspect` shows it.
public struct LogSummary: Sendable, Hashable, Codable {
    /// File name.
    public var file: String
    /// File size.
    public var bytes: Int64
    /// Format version from the header (nil when the header is missing or damaged).
    public var formatVersion: UInt32?
    /// The log number in the header.
    public var logNumber: UInt64?
    /// Valid records.
    public var records: Int = 0
    /// Records per type name (`createCollection`, `dropCollection`, `upsert`, `delete`, or `type-N`).
    public var recordsByType: [String: Int] = [:]
    /// Vectors carried by upsert records.
    public var upsertedVectors: Int = 0
    /// LSN of the first valid record.
    public var firstLSN: UInt64?
    /// LSN of the last valid record.
    public var lastLSN: UInt64?
    /// End of the last valid record.
    public var validEnd: Int64 = 0
    /// `clean`, `torn-tail` or `corrupt`.
    public var ending: String = "clean"
    /// Where the scan stopped, for torn-tail and corrupt.
    public var endingOffset: Int64?
    /// Why the scan stopped.
    public var endingReason: String?
    /// Whether every record's checksum matched up to the end of the file.
    public var checksumsOK: Bool { ending == "clean" }
}

/// One collection as `inspect` shows it.
public struct CollectionSummary: Sendable, Hashable, Codable {
    /// Engine id.
    public var id: UInt64
    /// Client name.
    public var name: String
    /// Values per vector.
    public var dimension: Int
    /// cosine, dot or euclidean.
    public var metric: String
    /// hnsw or flat.
    public var indexType: String
    /// HNSW m, ef_construction and ef_search.
    public var m: Int
    /// HNSW ef_construction.
    public var efConstruction: Int
    /// HNSW default ef_search.
    public var efSearch: Int
    /// Segments listed by the manifest.
    public var segments: Int
    /// Live vectors (segments minus tombstones, plus the log after the checkpoint when it could be replayed).
    public var vectors: Int
    /// Tombstoned rows still held in segments.
    public var deleted: Int
    /// Live vectors only in the log (not yet in a segment).
    public var unflushedVectors: Int
}

/// The manifest as `inspect` shows it.
public struct ManifestSummary: Sendable, Hashable, Codable {
    /// File size.
    public var bytes: Int64
    /// Container format version.
    public var formatVersion: UInt32
    /// Whether magic, length and checksum were valid and the body decoded.
    public var checksumOK: Bool
    /// Records with an LSN up to this are in the segments.
    public var checkpointLSN: UInt64?
    /// Replay starts at this log.
    public var firstLiveLog: UInt64?
    /// The next segment number.
    public var nextSegmentNumber: UInt64?
    /// Why the manifest could not be read, if it could not.
    public var error: String?
}

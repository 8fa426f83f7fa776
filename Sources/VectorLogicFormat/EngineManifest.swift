// The engine's manifest body (data-format.md, "Manifest contents"); the container (magic, length, CRC) is ManifestContainer's.

/// One live segment of a collection as the manifest lists it.
public struct EngineManifestSegment: Sendable, Hashable {
    /// The segment file number (file `<number as 16 hex digits>.seg`).
    public var number: UInt64
    /// Rows in the file.
    public var rows: UInt32
    /// Tombstoned rows (deleted or overwritten as of the checkpoint), ascending.
    public var tombstones: [UInt32]

    /// A segment entry.
    public init(number: UInt64, rows: UInt32, tombstones: [UInt32]) {
        self.number = number
        self.rows = rows
        self.tombstones = tombstones
    }
}

/// One collection: its definition and live segments (oldest first).
public struct EngineManifestCollection: Sendable, Hashable {
    /// The definition.
    public var definition: EngineCollectionDefinition
    /// Live segments, oldest first.
    public var segments: [EngineManifestSegment]

    /// A collection entry.
    public init(definition: EngineCollectionDefinition, segments: [EngineManifestSegment]) {
        self.definition = definition
        self.segments = segments
    }
}

/// The whole state of the data directory as of `checkpointLSN`: replay the log after it to get the present.
public struct EngineManifest: Sendable, Hashable {
    /// Version of this body layout.
    public static let bodyVersion: UInt32 = 1
    /// Every log record with an LSN ≤ this is reflected in the segments and tombstones below.
    public var checkpointLSN: UInt64
    /// Logs numbered below this hold only records ≤ checkpoint and may be deleted; replay starts at this log.
    public var firstLiveLog: UInt64
    /// The next segment number to use.
    public var nextSegmentNumber: UInt64
    /// The next collection id to use.
    public var nextCollectionID: UInt64
    /// Collections, in id order.
    public var collections: [EngineManifestCollection]

    /// A manifest.
    public init(checkpointLSN: UInt64, firstLiveLog: UInt64, nextSegmentNumber: UInt64, nextCollectionID: UInt64,
                collections: [EngineManifestCollection]) {
        self.checkpointLSN = checkpointLSN
        self.firstLiveLog = firstLiveLog
        self.nextSegmentNumber = nextSegmentNumber
        self.nextCollectionID = nextCollectionID
        self.collections = collections
    }

    /// body = version u32 | checkpoint lsn u64 | first live log u64 | next segment u64 | next collection id u64 |
    /// collection count u32 | collections; collection = definition | segment count u32 | segments;
    /// segment = number u64 | rows u32 | tombstone count u32 | tombstone rows u32 ascending.
    public func encode() -> [UInt8] {
        var writer = ByteWriter()
        writer.u32(Self.bodyVersion)
        writer.u64(checkpointLSN)
        writer.u64(firstLiveLog)
        writer.u64(nextSegmentNumber)
        writer.u64(nextCollectionID)
        writer.u32(UInt32(collections.count))
        for collection in collections {
            collection.definition.encode(into: &writer)
            writer.u32(UInt32(collection.segments.count))
            for segment in collection.segments {
                writer.u64(segment.number)
                writer.u32(segment.rows)
                writer.u32(UInt32(segment.tombstones.count))
                for row in segment.tombstones { writer.u32(row) }
            }
        }
        return writer.bytes
    }

    /// Decodes a body; total (throws on any inconsistency, never traps).
    public static func decode(_ body: [UInt8]) throws(FormatError) -> EngineManifest {
        do {
            return try engineWithBytes(body) { raw throws(FormatError) in
                var reader = ByteReader(raw)
                let version = try reader.u32()
                guard version == bodyVersion else {
                    throw FormatError(offset: 0, reason: "manifest body version \(version) is not supported (this build reads \(bodyVersion))")
                }
                var manifest = EngineManifest(checkpointLSN: try reader.u64(), firstLiveLog: try reader.u64(),
                                              nextSegmentNumber: try reader.u64(), nextCollectionID: try reader.u64(),
                                              collections: [])
                let count = Int(try reader.u32())
                // 38 fixed definition bytes + 4 for the segment count: the smallest collection entry.
                guard count <= reader.remaining / 42 else { throw FormatError(offset: reader.offset, reason: "collection count \(count) too large") }
                for _ in 0..<count { manifest.collections.append(try decodeCollection(&reader)) }
                try reader.expectEnd()
                return manifest
            }
        }
    }

    private static func decodeCollection(_ reader: inout ByteReader) throws(FormatError) -> EngineManifestCollection {
        let definition = try EngineCollectionDefinition.decode(from: &reader)
        let segmentCount = Int(try reader.u32())
        guard segmentCount <= reader.remaining / 16 else { throw FormatError(offset: reader.offset, reason: "segment count \(segmentCount) too large") }
        var segments: [EngineManifestSegment] = []
        for _ in 0..<segmentCount {
            let number = try reader.u64()
            let rows = try reader.u32()
            let tombstoneCount = Int(try reader.u32())
            guard tombstoneCount <= rows, tombstoneCount <= reader.remaining / 4 else {
                throw FormatError(offset: reader.offset, reason: "tombstone count \(tombstoneCount) too large")
            }
            var tombstones: [UInt32] = []
            tombstones.reserveCapacity(tombstoneCount)
            for _ in 0..<tombstoneCount {
                let row = try reader.u32()
                guard row < rows else { throw FormatError(offset: reader.offset - 4, reason: "tombstone row \(row) ≥ \(rows) rows") }
                tombstones.append(row)
            }
            segments.append(EngineManifestSegment(number: number, rows: rows, tombstones: tombstones))
        }
        return EngineManifestCollection(definition: definition, segments: segments)
    }
}

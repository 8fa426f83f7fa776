// The engine's segment sections (data-format.md, "Segment sections"); the container (header, table, footer) is
// SegmentContainer's.

extension SegmentSectionKind {
    /// Segment facts: collection, dimension, metric, rows, row stride.
    public static let engineInfo = SegmentSectionKind(rawValue: 1)
    /// Float32 values, row r at r × stride, each row 64-byte aligned and zero-padded.
    public static let engineVectors = SegmentSectionKind(rawValue: 2)
    /// Client ids in row order: (rows + 1) u32 offsets, then the ASCII bytes.
    public static let engineIDs = SegmentSectionKind(rawValue: 3)
    /// Row numbers sorted by id bytes (binary search for get/delete, ordered scroll).
    public static let engineIDOrder = SegmentSectionKind(rawValue: 4)
    /// Metadata in row order: (rows + 1) u64 offsets, then compact JSON bytes (an empty slice = no metadata).
    public static let engineMetadata = SegmentSectionKind(rawValue: 5)
    /// The HNSW graph (index engineer's layout, "HNSW graph section"); absent for flat collections.
    public static let engineGraph = SegmentSectionKind(rawValue: 6)
}

/// How the engine checksums its sections in a version-2 segment container (data-format.md "Block checksums"): the
/// bulk sections per block, so damage costs the rows of one block; info and graph keep one CRC each (the graph is
/// derived data that `repair` rebuilds from the vectors).
public enum EngineSegmentBlocks {
    /// Vectors: 4 KiB, a page (what a disk or the page cache loses at once): at 384 dimensions (1,536-byte rows) a
    /// damaged block costs at most 4 rows. Ids, id order and metadata: 512 bytes, a sector, so a damaged block of an
    /// offset table costs at most 128 (ids) or 64 (metadata) rows. Costs measured in data-format.md.
    public static let sizes: [UInt32: Int] = [
        SegmentSectionKind.engineVectors.rawValue: 4_096,
        SegmentSectionKind.engineIDs.rawValue: 512,
        SegmentSectionKind.engineIDOrder.rawValue: 512,
        SegmentSectionKind.engineMetadata.rawValue: 512,
    ]
}

/// The info section: version u32 | collection id u64 | dimension u32 | metric u8 | index type u8 | reserved u16 |
/// rows u32 | stride bytes u32 | max lsn u64. 36 bytes.
public struct EngineSegmentInfo: Sendable, Hashable {
    /// Layout version written: 2 appends the collection's definition to version 1's 36 bytes (so `repair` can
    /// rebuild a lost manifest with the collection's name and index settings). Version 1 is still read.
    public static let version: UInt32 = 2
    /// Collection id.
    public var collectionID: UInt64
    /// Values per row.
    public var dimension: UInt32
    /// Metric code (0 cosine, 1 dot, 2 euclidean).
    public var metric: UInt8
    /// Index type code (0 hnsw, 1 flat).
    public var indexType: UInt8
    /// Rows.
    public var rows: UInt32
    /// Bytes from one row to the next in the vectors section: dimension × 4 rounded up to 64.
    public var stride: UInt32
    /// Highest LSN whose rows this segment holds (diagnostics).
    public var maxLSN: UInt64
    /// The collection's definition when the segment was written (nil in version-1 segments).
    public var definition: EngineCollectionDefinition?

    /// Info for a segment.
    public init(collectionID: UInt64, dimension: UInt32, metric: UInt8, indexType: UInt8, rows: UInt32, maxLSN: UInt64,
                definition: EngineCollectionDefinition? = nil) {
        self.collectionID = collectionID
        self.dimension = dimension
        self.metric = metric
        self.indexType = indexType
        self.rows = rows
        self.stride = UInt32(Self.stride(dimension: Int(dimension)))
        self.maxLSN = maxLSN
        self.definition = definition
    }

    /// Row stride for a dimension: 64-byte aligned so each row starts on a cache line.
    public static func stride(dimension: Int) -> Int { (dimension * 4 + 63) / 64 * 64 }

    /// 36 bytes, then (version 2) the definition's length u32 and bytes.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(capacity: 128)
        writer.u32(definition == nil ? 1 : Self.version)
        writer.u64(collectionID)
        writer.u32(dimension)
        writer.u8(metric)
        writer.u8(indexType)
        writer.u16(0)
        writer.u32(rows)
        writer.u32(stride)
        writer.u64(maxLSN)
        if let definition {
            var inner = ByteWriter(capacity: 96)
            definition.encode(into: &inner)
            writer.u32(UInt32(inner.bytes.count))
            writer.bytes(inner.bytes)
        }
        return writer.bytes
    }

    /// Decodes and checks the info section.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(FormatError) -> EngineSegmentInfo {
        var reader = ByteReader(bytes)
        let version = try reader.u32()
        guard version == 1 || version == 2 else {
            throw FormatError(offset: 0, reason: "segment info version \(version) is not supported")
        }
        var info = EngineSegmentInfo(collectionID: try reader.u64(), dimension: try reader.u32(), metric: try reader.u8(),
                                     indexType: try reader.u8(), rows: 0, maxLSN: 0)
        _ = try reader.u16()
        info.rows = try reader.u32()
        let stride = try reader.u32()
        info.maxLSN = try reader.u64()
        if version == 2 {
            let length = Int(try reader.u32())
            var inner = ByteReader(try reader.slice(count: length))
            let definition = try EngineCollectionDefinition.decode(from: &inner)
            try inner.expectEnd()
            guard definition.id == info.collectionID, definition.dimension == info.dimension, definition.metric == info.metric,
                  definition.indexType == info.indexType else {
                throw FormatError(offset: 40, reason: "the collection definition does not match the segment's fields")
            }
            info.definition = definition
        }
        try reader.expectEnd()
        guard info.dimension >= 1, info.dimension <= 20_000, stride == info.stride else {
            throw FormatError(offset: 12, reason: "dimension \(info.dimension) / stride \(stride) inconsistent")
        }
        return info
    }
}

/// Builders and checked readers of the offset-table sections (ids, metadata).
public enum EngineSegmentTables {
    /// (count + 1) u32 offsets relative to the byte area, then the bytes.
    public static func encodeIDs(_ ids: [String]) -> [UInt8] {
        var writer = ByteWriter(capacity: (ids.count + 1) * 4 + ids.count * 16)
        var offset: UInt32 = 0
        writer.u32(0)
        for id in ids {
            offset += UInt32(id.utf8.count)
            writer.u32(offset)
        }
        for id in ids { writer.bytes(Array(id.utf8)) }
        return writer.bytes
    }

    /// (count + 1) u64 offsets relative to the byte area, then the bytes.
    public static func encodeBlobs(_ blobs: [[UInt8]]) -> [UInt8] {
        var writer = ByteWriter(capacity: (blobs.count + 1) * 8 + blobs.reduce(0) { $0 + $1.count })
        var offset: UInt64 = 0
        writer.u64(0)
        for blob in blobs {
            offset += UInt64(blob.count)
            writer.u64(offset)
        }
        for blob in blobs { writer.bytes(blob) }
        return writer.bytes
    }

    /// count u32 row numbers.
    public static func encodeRows(_ rows: [UInt32]) -> [UInt8] {
        var writer = ByteWriter(capacity: rows.count * 4)
        for row in rows { writer.u32(row) }
        return writer.bytes
    }

    /// The `count` byte strings of an offset-table section (ids: `width` 4, metadata: 8), checked by `checkOffsets`.
    public static func decodeSlices(_ section: UnsafeRawBufferPointer, count: Int, width: Int) throws(FormatError) -> [[UInt8]] {
        guard count >= 0, count < section.count / width else { throw FormatError(offset: 0, reason: "offset table of \(count) rows does not fit") }
        if let error = checkOffsets(section, count: count, width: width) { throw error }
        let area = (count + 1) * width
        func offset(_ index: Int) -> Int { width == 4 ? Int(section.le32(at: index * 4)) : Int(section.le64(at: index * 8)) }
        return (0..<count).map { Array(section.sub(area + offset($0), offset($0 + 1) - offset($0))) }
    }

    /// `count` u32 row numbers (the id order section), each below `count`.
    public static func decodeRows(_ section: UnsafeRawBufferPointer, count: Int) throws(FormatError) -> [UInt32] {
        guard count >= 0, section.count == count * 4 else { throw FormatError(offset: 0, reason: "id order of \(section.count) bytes for \(count) rows") }
        var rows: [UInt32] = []
        rows.reserveCapacity(count)
        for index in 0..<count {
            let row = section.le32(at: index * 4)
            guard row < UInt32(count) else { throw FormatError(offset: index * 4, reason: "row \(row) out of range") }
            rows.append(row)
        }
        return rows
    }

    /// Checks an offset table of `count` entries of `width` bytes (4 or 8): starts at 0, never decreases, ends inside the
    /// section. O(count): run by `verify`, and by the reader only on the first touch of each entry via bounds checks.
    public static func checkOffsets(_ section: UnsafeRawBufferPointer, count: Int, width: Int) -> FormatError? {
        let tableBytes = (count + 1) * width
        guard section.count >= tableBytes else { return FormatError(offset: 0, reason: "offset table truncated") }
        let area = section.count - tableBytes
        var previous: UInt64 = 0
        for index in 0...count {
            let value = width == 4 ? UInt64(section.le32(at: index * 4)) : section.le64(at: index * 8)
            guard value >= previous, value <= UInt64(area), index > 0 || value == 0 else {
                return FormatError(offset: index * width, reason: "offset \(value) out of order or past the end")
            }
            previous = value
        }
        guard previous == UInt64(area) else { return FormatError(offset: count * width, reason: "offsets do not cover the bytes") }
        return nil
    }
}

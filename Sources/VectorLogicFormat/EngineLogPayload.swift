// The engine's write-ahead-log record payloads (data-format.md, "Log record payloads").
// Framing (length, CRC, type, LSN) is `LogFraming`'s; this file defines what the engine puts in a payload.

/// Record type codes (the `type` byte of a log record). 0 is never used, so a zero-filled tail is never a record.
public enum EngineRecordType: UInt8, Sendable, CaseIterable {
    /// A collection was created.
    case createCollection = 1
    /// A collection was dropped.
    case dropCollection = 2
    /// Rows were inserted or replaced.
    case upsert = 3
    /// Ids were deleted.
    case delete = 4
}

/// A collection's definition as the log and the manifest store it (raw codes; the engine maps them to its types).
public struct EngineCollectionDefinition: Sendable, Hashable {
    /// Engine-assigned id, never reused; segments and records name collections by it.
    public var id: UInt64
    /// The client name.
    public var name: String
    /// Values per vector.
    public var dimension: UInt32
    /// 0 cosine, 1 dot, 2 euclidean.
    public var metric: UInt8
    /// 0 hnsw, 1 flat.
    public var indexType: UInt8
    /// HNSW m.
    public var m: UInt32
    /// HNSW ef_construction.
    public var efConstruction: UInt32
    /// HNSW default ef_search.
    public var efSearch: UInt32
    /// Creation time, ms since the Unix epoch.
    public var createdAtMs: Int64

    /// A definition.
    public init(id: UInt64, name: String, dimension: UInt32, metric: UInt8, indexType: UInt8, m: UInt32,
                efConstruction: UInt32, efSearch: UInt32, createdAtMs: Int64) {
        self.id = id
        self.name = name
        self.dimension = dimension
        self.metric = metric
        self.indexType = indexType
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.createdAtMs = createdAtMs
    }

    /// Appends the 46 + name bytes: id u64 | name (u32 length + UTF-8) | dimension u32 | metric u8 | index type u8 |
    /// m u32 | ef_construction u32 | ef_search u32 | created ms i64.
    public func encode(into writer: inout ByteWriter) {
        writer.u64(id)
        writer.string(name)
        writer.u32(dimension)
        writer.u8(metric)
        writer.u8(indexType)
        writer.u32(m)
        writer.u32(efConstruction)
        writer.u32(efSearch)
        writer.i64(createdAtMs)
    }

    /// Reads a definition written by `encode`.
    public static func decode(from reader: inout ByteReader) throws(FormatError) -> EngineCollectionDefinition {
        EngineCollectionDefinition(
            id: try reader.u64(), name: try reader.string(limit: 64), dimension: try reader.u32(), metric: try reader.u8(),
            indexType: try reader.u8(), m: try reader.u32(), efConstruction: try reader.u32(), efSearch: try reader.u32(),
            createdAtMs: try reader.i64())
    }
}

/// One row of an upsert record.
public struct EngineUpsertRow: Sendable, Hashable {
    /// The client id (1–128 ASCII bytes).
    public var id: String
    /// Compact JSON metadata; empty for none.
    public var metadata: [UInt8]
    /// The values, exactly the collection's dimension.
    public var values: [Float]

    /// A row.
    public init(id: String, metadata: [UInt8], values: [Float]) {
        self.id = id
        self.metadata = metadata
        self.values = values
    }
}

/// A decoded engine log payload.
public enum EngineLogEntry: Sendable, Hashable {
    /// `createCollection`: the definition.
    case createCollection(EngineCollectionDefinition)
    /// `dropCollection`: collection id.
    case dropCollection(id: UInt64)
    /// `upsert`: collection id and rows, applied in order (a later row with the same id wins).
    case upsert(collection: UInt64, rows: [EngineUpsertRow])
    /// `delete`: collection id and ids.
    case delete(collection: UInt64, ids: [String])
}

/// Encoding and total decoding of engine payloads (data-format.md, "Log record payloads").
public enum EngineLogPayload {
    /// Largest id in bytes.
    public static let maxIDBytes = 128
    /// Largest metadata in bytes.
    public static let maxMetadataBytes = 64 * 1024
    /// Largest dimension.
    public static let maxDimension = 20_000

    /// The record type and payload bytes of an entry.
    public static func encode(_ entry: EngineLogEntry) -> (type: UInt8, payload: [UInt8]) {
        var writer = ByteWriter()
        switch entry {
        case .createCollection(let definition):
            definition.encode(into: &writer)
            return (EngineRecordType.createCollection.rawValue, writer.bytes)
        case .dropCollection(let id):
            writer.u64(id)
            return (EngineRecordType.dropCollection.rawValue, writer.bytes)
        case let .upsert(collection, rows):
            encodeUpsert(collection: collection, rows: rows, into: &writer)
            return (EngineRecordType.upsert.rawValue, writer.bytes)
        case let .delete(collection, ids):
            writer.u64(collection)
            writer.u32(UInt32(ids.count))
            for id in ids { writer.string(id) }
            return (EngineRecordType.delete.rawValue, writer.bytes)
        }
    }

    /// upsert = collection u64 | dimension u32 | count u32 | count × (id string | metadata u32-length bytes | dimension × f32).
    private static func encodeUpsert(collection: UInt64, rows: [EngineUpsertRow], into writer: inout ByteWriter) {
        let dimension = rows.first?.values.count ?? 0
        writer.bytes.reserveCapacity(16 + rows.count * (dimension * 4 + 64))
        writer.u64(collection)
        writer.u32(UInt32(dimension))
        writer.u32(UInt32(rows.count))
        for row in rows {
            precondition(row.values.count == dimension, "upsert rows of one record share a dimension")
            writer.string(row.id)
            writer.lengthPrefixed(row.metadata)
            #if _endian(little)
            row.values.withUnsafeBytes { writer.bytes($0) }  // the in-memory layout already is little-endian f32
            #else
            for value in row.values { writer.u32(value.bitPattern) }
            #endif
        }
    }

    /// Decodes a payload of a known type; throws on unknown types, bad lengths, or trailing bytes.
    public static func decode(type: UInt8, payload: [UInt8]) throws(FormatError) -> EngineLogEntry {
        do {
            return try engineWithBytes(payload) { raw throws(FormatError) in
                var reader = ByteReader(raw)
                let entry = try decodeEntry(type: type, reader: &reader)
                try reader.expectEnd()
                return entry
            }
        }
    }

    private static func decodeEntry(type: UInt8, reader: inout ByteReader) throws(FormatError) -> EngineLogEntry {
        switch EngineRecordType(rawValue: type) {
        case .createCollection: return .createCollection(try EngineCollectionDefinition.decode(from: &reader))
        case .dropCollection: return .dropCollection(id: try reader.u64())
        case .upsert: return try decodeUpsert(&reader)
        case .delete:
            let collection = try reader.u64()
            let count = Int(try reader.u32())
            guard count <= reader.remaining / 5 else { throw FormatError(offset: reader.offset, reason: "delete count \(count) too large") }
            var ids: [String] = []
            ids.reserveCapacity(count)
            for _ in 0..<count { ids.append(try reader.string(limit: maxIDBytes)) }
            return .delete(collection: collection, ids: ids)
        case nil: throw FormatError(offset: 0, reason: "unknown engine record type \(type)")
        }
    }

    private static func decodeUpsert(_ reader: inout ByteReader) throws(FormatError) -> EngineLogEntry {
        let collection = try reader.u64()
        let dimension = Int(try reader.u32())
        let count = Int(try reader.u32())
        guard dimension <= maxDimension, count <= reader.remaining / (9 + dimension * 4) else {
            throw FormatError(offset: reader.offset, reason: "upsert of \(count) rows × \(dimension) exceeds the payload")
        }
        // The writer takes the dimension from the first row: an empty upsert has dimension 0 (one encoding per entry).
        guard count > 0 || dimension == 0 else { throw FormatError(offset: 8, reason: "an upsert of no rows names dimension \(dimension)") }
        var rows: [EngineUpsertRow] = []
        rows.reserveCapacity(count)
        for _ in 0..<count {
            let id = try reader.string(limit: maxIDBytes)
            let metadata = try reader.lengthPrefixed(limit: maxMetadataBytes)
            let raw = try reader.slice(count: dimension * 4)
            let values = [Float](unsafeUninitializedCapacity: dimension) { buffer, initialized in
                for index in 0..<dimension {
                    buffer[index] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
                }
                initialized = dimension
            }
            rows.append(EngineUpsertRow(id: id, metadata: metadata, values: values))
        }
        return .upsert(collection: collection, rows: rows)
    }
}

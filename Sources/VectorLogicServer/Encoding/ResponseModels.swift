import VectorLogicDistance
import VectorLogicEngine
import VectorLogicJSON
import VectorLogicIndex

/// JSON shapes of the answers (snake_case, as `/openapi.json` and docs/api.md describe them).
enum ResponseModels {
    /// `{"name","dimension","metric","index":{…},"vectors","deleted","segments","memtable_vectors","disk_bytes","created_at"}`.
    static func collection(_ info: CollectionInfo) -> JSONValue {
        let config = info.config
        return .object(JSONObject([
            ("name", .string(config.name)),
            ("dimension", .int(config.dimension)),
            ("metric", .string(config.metric.rawValue)),
            ("index", .object(JSONObject([
                ("type", .string(config.index.type.rawValue)),
                ("m", .int(config.index.m)),
                ("ef_construction", .int(config.index.efConstruction)),
                ("ef_search", .int(config.index.efSearch)),
            ]))),
            ("vectors", .int(info.vectorCount)),
            ("deleted", .int(info.deletedCount)),
            ("segments", .int(info.segmentCount)),
            ("memtable_vectors", .int(info.memtableVectors)),
            ("disk_bytes", .int(info.diskBytes)),
            ("created_at", .int(info.createdAtMs)),
        ]))
    }

    /// `{"id","metadata","document"?,"values"?}`: metadata is null when the vector has none (left out without
    /// `includeMetadata`); the document (the text it was upserted with, or null) only with `includeDocument`; values
    /// only when asked for.
    static func writeVector(_ vector: StoredVector, includeMetadata: Bool = true, includeDocument: Bool = false,
                            into buffer: inout [UInt8]) {
        buffer.append(contentsOf: #"{"id":"#.utf8)
        JSONWriter.writeString(vector.id, into: &buffer)
        let (metadata, document) = StoredDocument.split(vector.metadata)
        if includeMetadata {
            buffer.append(contentsOf: #","metadata":"#.utf8)
            writeMetadata(metadata, into: &buffer)
        }
        if includeDocument { StoredDocument.write(document, into: &buffer) }
        if let values = vector.values {
            buffer.append(contentsOf: #","values":"#.utf8)
            JSONWriter.writeFloatArray(values, into: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }

    /// `{"matches":[{"id","score","metadata"?,"document"?,"values"?}…],"query_time_ms":t}`.
    static func writeMatches(_ matches: [SearchMatch], includeMetadata: Bool, includeDocument: Bool = false, queryTimeMs: Double,
                             into buffer: inout [UInt8]) {
        buffer.append(contentsOf: #"{"matches":["#.utf8)
        for (index, match) in matches.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(contentsOf: #"{"id":"#.utf8)
            JSONWriter.writeString(match.id, into: &buffer)
            buffer.append(contentsOf: #","score":"#.utf8)
            JSONWriter.writeFloat(match.score, into: &buffer)
            if includeMetadata || includeDocument {
                let (metadata, document) = StoredDocument.split(match.metadata)
                if includeMetadata {
                    buffer.append(contentsOf: #","metadata":"#.utf8)
                    writeMetadata(metadata, into: &buffer)
                }
                if includeDocument { StoredDocument.write(document, into: &buffer) }
            }
            if let values = match.values {
                buffer.append(contentsOf: #","values":"#.utf8)
                JSONWriter.writeFloatArray(values, into: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        }
        buffer.append(contentsOf: #"],"query_time_ms":"#.utf8)
        JSONWriter.writeNumber((queryTimeMs * 1000).rounded() / 1000, into: &buffer)
        buffer.append(UInt8(ascii: "}"))
    }

    /// Stored metadata, copied as the compact JSON text it is kept as (never parsed on the way out), or `null`.
    static func writeMetadata(_ metadata: CompactJSON?, into buffer: inout [UInt8]) {
        if let metadata {
            buffer.append(contentsOf: metadata.bytes)
        } else {
            buffer.append(contentsOf: "null".utf8)
        }
    }

    /// Engine figures for `/v1/stats`.
    static func stats(_ stats: DatabaseStats, residentBytes: Int64?, uptimeMs: Int64) -> JSONValue {
        .object(JSONObject([
            ("collections", .int(stats.collections)),
            ("vectors", .int(stats.vectors)),
            ("deleted", .int(stats.deleted)),
            ("segments", .int(stats.segments)),
            ("memtable_vectors", .int(stats.memtableVectors)),
            ("unindexed_vectors", .int(stats.unindexedVectors)),
            ("disk_bytes", .int(stats.diskBytes)),
            ("mapped_bytes", .int(stats.mappedBytes)),
            ("resident_bytes", residentBytes.map { .int($0) } ?? .null),
            ("wal_bytes", .int(stats.walBytes)),
            ("fsyncs", .int(stats.fsyncs)),
            ("flushes", .int(stats.flushes)),
            ("compactions", .int(stats.compactions)),
            ("writable", .bool(stats.writable)),
            ("unreadable_rows", .int(stats.unreadableRows)),
            ("damage", .array(stats.damage.map { .string($0) })),
            ("uptime_ms", .int(uptimeMs)),
        ]))
    }
}

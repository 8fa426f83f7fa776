import HTTPTypes
import VectorLogicDistance
import VectorLogicEngine
import VectorLogicFilter
import VectorLogicJSON
import VectorLogicIndex

/// `POST /v1/collections`.
enum CreateCollectionBody {
    static func decode(_ reader: inout JSONReader) throws -> CollectionConfig {
        var name: String?
        var dimension: Int?
        var metric = DistanceMetric.cosine
        var index = IndexConfig()
        try reader.object("body") { key, reader in
            switch key {
            case "name": name = try reader.string("name")
            case "dimension", "dimensions", "size": dimension = try reader.integer("dimension")
            case "metric", "distance":
                let text = try reader.string("metric")
                guard let value = DistanceMetric(rawValue: text.lowercased()) else {
                    throw APIError.invalid("metric must be cosine, dot or euclidean, got \"\(text)\"", field: "metric")
                }
                metric = value
            case "index":
                if try reader.null("index") { return }
                index = try decodeIndex(&reader)
            default: throw reader.unknown(key)
            }
        }
        guard let name else { throw APIError.invalid("name is required", field: "name") }
        guard let dimension else { throw APIError.invalid("dimension is required", field: "dimension") }
        return CollectionConfig(name: name, dimension: dimension, metric: metric, index: index)
    }

    static func decodeIndex(_ reader: inout JSONReader) throws -> IndexConfig {
        var index = IndexConfig()
        try reader.object("index") { key, reader in
            switch key {
            case "type":
                let text = try reader.string("index.type")
                guard let type = IndexType(rawValue: text.lowercased()) else {
                    throw APIError.invalid("index.type must be hnsw or flat, got \"\(text)\"", field: "index.type")
                }
                index.type = type
            case "m": index.m = try reader.integer("index.m")
            case "ef_construction": index.efConstruction = try reader.integer("index.ef_construction")
            case "ef_search", "ef": index.efSearch = try reader.integer("index.ef_search")
            default: throw reader.unknown("index.\(key)")
            }
        }
        return index
    }
}

/// The vectors of an upsert; `generated` lists ids the server made for items that had none.
struct UpsertBody {
    var records: [VectorRecord] = []

    /// `{"vectors":[{"id","values","metadata"}…]}`; with `allowSingle`, also one bare `{"id","vector","metadata"}`
    /// (the seed's `POST /vectors`). `strict` rejects unknown fields.
    static func decode(_ reader: inout JSONReader, strict: Bool, allowSingle: Bool) throws -> UpsertBody {
        var body = UpsertBody()
        var single = RecordFields()
        var sawSingle = false
        var sawBatch = false
        try reader.object("body") { key, reader in
            switch key {
            case "vectors", "points":
                sawBatch = true
                try reader.array("vectors") { index, reader in
                    // Stop at the limit instead of parsing (and holding) a body's worth of vectors first.
                    guard index < Limits.maxBatch else { throw APIError.batchTooLarge("vectors", field: "vectors") }
                    body.records.append(try decodeRecord(&reader, item: index, strict: strict))
                }
            default:
                guard allowSingle, try single.read(key, &reader, item: nil, strict: strict) else {
                    if strict { throw reader.unknown(key) }
                    try reader.skipUnknown(key)
                    return
                }
                sawSingle = true
            }
        }
        if sawSingle && sawBatch {
            throw APIError.invalid("give either one vector or a \"vectors\" array, not both")
        }
        if sawSingle {
            body.records = [try single.record(item: nil)]
        } else if !sawBatch {
            throw APIError.invalid("\"vectors\" is required: an array of {\"id\",\"values\",\"metadata\"}", field: "vectors")
        }
        return body
    }

    static func decodeRecord(_ reader: inout JSONReader, item: Int, strict: Bool) throws -> VectorRecord {
        var fields = RecordFields()
        try reader.object("vectors[\(item)]") { key, reader in
            guard try fields.read(key, &reader, item: item, strict: strict) else {
                if strict { throw reader.unknown(key, item: item) }
                try reader.skipUnknown(key)
                return
            }
        }
        return try fields.record(item: item)
    }
}

/// Fields of one vector item: `id`, `values` (or the seed's `vector`), `metadata`.
struct RecordFields {
    var id: String?
    var values: [Float]?
    var metadata: CompactJSON?

    /// Reads `key` if it is a record field; false when it is not.
    mutating func read(_ key: String, _ reader: inout JSONReader, item: Int?, strict: Bool) throws -> Bool {
        switch key {
        case "id":
            if try reader.null("id", item: item) { return true }
            id = try reader.string("id", item: item)
        case "values", "vector":
            values = try reader.vector("values", item: item, expectedCount: 384)
        case "metadata", "payload":
            metadata = try reader.compactMetadata("metadata", item: item)
        default:
            return false
        }
        return true
    }

    /// The record, with a fresh UUIDv4 when no id was given.
    func record(item: Int?) throws -> VectorRecord {
        guard let values else {
            throw APIError.invalid("\(JSONReader.path("values", item: item)) is required", field: "values", item: item)
        }
        return VectorRecord(id: id ?? UUIDv4.make(), values: values, metadata: metadata)
    }
}

/// `PUT …/vectors/{id}` and the seed's `PUT /vectors/{id}`.
enum PutVectorBody {
    static func decode(_ reader: inout JSONReader, id: String, strict: Bool) throws -> VectorRecord {
        var fields = RecordFields()
        try reader.object("body") { key, reader in
            if key == "id" {
                let given = try reader.string("id")
                guard given == id else { throw APIError.invalid("the body's id \(given) differs from the path's id", field: "id") }
                return
            }
            guard try fields.read(key, &reader, item: nil, strict: strict) else {
                if strict { throw reader.unknown(key) }
                try reader.skipUnknown(key)
                return
            }
        }
        fields.id = id
        return try fields.record(item: nil)
    }
}

/// `PATCH …/vectors/{id}`: `{"metadata":{…}}`.
enum PatchVectorBody {
    static func decode(_ reader: inout JSONReader) throws -> JSONObject {
        var merge: JSONObject?
        try reader.object("body") { key, reader in
            switch key {
            case "metadata":
                guard case .object(let object)? = try reader.metadata("metadata") else {
                    throw APIError.invalid("metadata must be a JSON object", field: "metadata")
                }
                merge = object
            default: throw reader.unknown(key)
            }
        }
        guard let merge else { throw APIError.invalid("metadata is required", field: "metadata") }
        return merge
    }
}

/// A search body: the contract's `/v1` shape and the seed's (`limit`, `filters`, text `query`).
struct SearchBody {
    var vector: [Float]?
    var query: String?
    var k = 10
    var ef: Int?
    var threshold: Float?
    /// The threshold as sent, echoed in `meta`.
    var thresholdAsSent: Double?
    var filter: Filter?
    var includeMetadata = true
    var includeValues = false

    static func decode(_ reader: inout JSONReader, strict: Bool) throws -> SearchBody {
        var body = SearchBody()
        try reader.object("body") { key, reader in
            switch key {
            case "vector", "values": body.vector = try reader.vector("vector")
            case "query":
                if try reader.null("query") { return }
                body.query = try reader.string("query")
            case "k", "limit", "top_k": body.k = try reader.integer(key)
            case "ef":
                if try reader.null("ef") { return }
                body.ef = try reader.integer("ef")
            case "threshold", "score_threshold", "min_score":
                if try reader.null(key) { return }
                let value = try reader.double(key)
                body.thresholdAsSent = value
                body.threshold = Float(value)
            case "filter", "filters": body.filter = try FilterBody.decode(&reader, field: key)
            case "include_metadata", "with_payload": body.includeMetadata = try reader.bool(key)
            case "include_values", "with_vector", "with_vectors": body.includeValues = try reader.bool(key)
            default:
                if strict { throw reader.unknown(key) }
                try reader.skipUnknown(key)
            }
        }
        return body
    }

    /// The engine request; a text query needs an embedding provider, which this server does not have.
    func request() throws -> SearchRequest {
        guard let vector else {
            if query != nil {
                throw APIError.invalid("a text \"query\" needs an embedding provider, and none is configured; send \"vector\" instead",
                                       field: "query")
            }
            throw APIError.invalid("\"vector\" is required", field: "vector")
        }
        return SearchRequest(vector: vector, k: k, ef: ef, threshold: threshold, filter: filter,
                             includeMetadata: includeMetadata, includeValues: includeValues)
    }
}

/// A metadata filter field: an object parsed by `VectorLogicFilter` (400 `invalid_filter` for unknown operators), or null.
enum FilterBody {
    static func decode(_ reader: inout JSONReader, field: String) throws -> Filter? {
        if try reader.null(field) { return nil }
        guard try reader.kind(field) == .object else {
            throw APIError(.badRequest, "invalid_filter", "\(field) must be a JSON object", details: .object(JSONObject([("field", .string(field))])))
        }
        let bounded = try reader.step(field) { reader throws(JSONParseError) in try reader.readValue(maxBytes: Filter.Limits.maxBytes) }
        guard let value = bounded else { throw APIError.filterTooLarge(field: field) }
        return try filter(value)
    }

    /// The filter of a parsed document (400 `invalid_filter` for unknown operators and filters over `Filter.Limits`).
    static func filter(_ value: JSONValue) throws(APIError) -> Filter {
        do {
            return try Filter(json: value)
        } catch {
            throw APIError(error)
        }
    }
}

/// `POST …/scroll`.
enum ScrollBody {
    static func decode(_ reader: inout JSONReader) throws -> ScrollRequest {
        var request = ScrollRequest()
        try reader.object("body") { key, reader in
            switch key {
            case "filter": request.filter = try FilterBody.decode(&reader, field: "filter")
            case "limit": request.limit = try reader.integer("limit")
            case "cursor", "offset":
                if try reader.null(key) { return }
                request.cursor = try reader.string(key)
            case "include_values", "with_vectors": request.includeValues = try reader.bool(key)
            default: throw reader.unknown(key)
            }
        }
        return request
    }
}

/// `POST …/count`.
enum CountBody {
    static func decode(_ reader: inout JSONReader) throws -> Filter? {
        var filter: Filter?
        try reader.object("body") { key, reader in
            switch key {
            case "filter": filter = try FilterBody.decode(&reader, field: "filter")
            default: throw reader.unknown(key)
            }
        }
        return filter
    }
}

/// `POST …/vectors/delete` and the seed's `DELETE /vectors/batch`: ids or a filter, not both.
enum DeleteBody {
    enum Target {
        case ids([String])
        case filter(Filter)
    }

    static func decode(_ reader: inout JSONReader, allowFilter: Bool) throws -> Target {
        var ids: [String]?
        var filter: Filter?
        var sawFilter = false
        try reader.object("body") { key, reader in
            switch key {
            case "ids": ids = try reader.ids()
            case "filter" where allowFilter:
                sawFilter = true
                filter = try FilterBody.decode(&reader, field: "filter")
            default: throw reader.unknown(key)
            }
        }
        switch (ids, sawFilter) {
        case (let ids?, false): return .ids(ids)
        case (nil, true):
            guard let filter else { throw APIError(.badRequest, "invalid_filter", "filter must be a JSON object") }
            return .filter(filter)
        case (_?, true): throw APIError.invalid("give \"ids\" or \"filter\", not both")
        case (nil, false):
            throw APIError.invalid(allowFilter ? "\"ids\" or \"filter\" is required" : "\"ids\" is required", field: "ids")
        }
    }
}

extension JSONReader {
    /// Skips the value of a field the lenient seed routes ignore.
    mutating func skipUnknown(_ key: String) throws {
        _ = try value(key)
    }
}

import HTTPTypes
import VectorLogicDistance
import VectorLogicEngine
import VectorLogicFilter
import VectorLogicJSON
import VectorLogicIndex

/// `POST /v1/collections`.
enum CreateCollectionBody {
    /// The index object's keys.
    static let indexKeys = BodyKeys(["type", "m", "ef_construction", "ef_search"], aliases: ["ef": "ef_search"])
    /// The body's keys (`dimensions`/`size` and `distance` are Chroma's and Qdrant's spellings).
    static let keys = BodyKeys(["name", "dimension", "metric", "index"],
                               aliases: ["dimensions": "dimension", "size": "dimension", "distance": "metric"],
                               nested: ["index": indexKeys])

    static func decode(_ reader: inout JSONReader) throws -> CollectionConfig {
        var name: String?
        var dimension: Int?
        var metric = DistanceMetric.cosine
        var index = IndexConfig()
        try reader.object("body", keys: keys) { key, _, reader in
            switch key {
            case "name": name = try reader.string("name")
            case "dimension": dimension = try reader.integer("dimension")
            case "metric":
                let text = try reader.string("metric")
                guard let value = DistanceMetric(rawValue: text.lowercased()) else {
                    throw APIError.invalid("metric must be cosine, dot or euclidean, got \"\(text)\"", field: "metric")
                }
                metric = value
            case "index":
                if try reader.null("index") { return }
                index = try decodeIndex(&reader)
            default: throw reader.undecoded(key)
            }
        }
        guard let name else { throw APIError.invalid("name is required", field: "name") }
        guard let dimension else { throw APIError.invalid("dimension is required", field: "dimension") }
        return CollectionConfig(name: name, dimension: dimension, metric: metric, index: index)
    }

    static func decodeIndex(_ reader: inout JSONReader) throws -> IndexConfig {
        var index = IndexConfig()
        try reader.object("index", keys: indexKeys) { name, _, reader in
            switch name {
            case "type":
                let text = try reader.string("index.type")
                guard let type = IndexType(rawValue: text.lowercased()) else {
                    throw APIError.invalid("index.type must be hnsw or flat, got \"\(text)\"", field: "index.type")
                }
                index.type = type
            case "m": index.m = try reader.integer("index.m")
            case "ef_construction": index.efConstruction = try reader.integer("index.ef_construction")
            case "ef_search": index.efSearch = try reader.integer("index.ef_search")
            default: throw reader.undecoded("index.\(name)")
            }
        }
        return index
    }
}

/// The vectors of an upsert. Items sent with `text` instead of values are in `texts` (position in `records`, text)
/// and hold empty values until `ServerState.embedTexts` fills them with one provider call for the whole request.
struct UpsertBody {
    var records: [VectorRecord] = []
    var texts: [(index: Int, text: String)] = []

    /// Appends one decoded item, counting texts against `TextLimits.maxTextsPerRequest`.
    mutating func append(_ fields: RecordFields, item: Int?) throws {
        let (record, text) = try fields.record(item: item)
        if let text {
            guard texts.count < TextLimits.maxTextsPerRequest else { throw TextLimits.tooMany(field: "text", item: item) }
            texts.append((records.count, text))
        }
        records.append(record)
    }

    /// `/v1/…/vectors`: `{"vectors":[{"id","values","metadata"}…]}` (`points` is Qdrant's name).
    static let keys = BodyKeys(["vectors"], aliases: ["points": "vectors"], nested: ["vectors": RecordFields.keys])
    /// The seed's `POST /vectors/batch`: the same, extra fields ignored.
    static let shortBatchKeys = keys.with(unknown: .skip)
    /// The seed's `POST /vectors`: a batch or one bare `{"id","vector","metadata"}`, extra fields ignored.
    static let shortKeys = BodyKeys(["vectors"] + RecordFields.keys.names,
                                    aliases: keys.aliases.merging(RecordFields.keys.aliases) { first, _ in first },
                                    nested: shortBatchKeys.nested, unknown: .skip)

    /// Decodes a batch; with `allowSingle` (`shortKeys`), also one bare vector.
    static func decode(_ reader: inout JSONReader, keys: BodyKeys, allowSingle: Bool = false) throws -> UpsertBody {
        var body = UpsertBody()
        var single = RecordFields()
        var sawSingle = false
        var sawBatch = false
        let itemKeys = keys.nested["vectors"] ?? RecordFields.keys
        try reader.object("body", keys: keys) { name, _, reader in
            switch name {
            case "vectors":
                sawBatch = true
                try reader.array("vectors") { index, reader in
                    // Stop at the limit instead of parsing (and holding) a body's worth of vectors first.
                    guard index < Limits.maxBatch else { throw APIError.batchTooLarge("vectors", field: "vectors") }
                    try body.append(try decodeFields(&reader, item: index, keys: itemKeys), item: index)
                }
            default:
                guard allowSingle else { throw reader.undecoded(name) }
                try single.read(name, &reader, item: nil)
                sawSingle = true
            }
        }
        if sawSingle && sawBatch {
            throw APIError.invalid("give either one vector or a \"vectors\" array, not both")
        }
        if sawSingle {
            try body.append(single, item: nil)
        } else if !sawBatch {
            throw APIError.invalid("\"vectors\" is required: an array of {\"id\",\"values\",\"metadata\"}", field: "vectors")
        }
        return body
    }

    static func decodeFields(_ reader: inout JSONReader, item: Int, keys: BodyKeys) throws -> RecordFields {
        var fields = RecordFields()
        try reader.object("vectors[\(item)]", item: item, keys: keys) { name, _, reader in
            try fields.read(name, &reader, item: item)
        }
        return fields
    }
}

/// Fields of one vector item: `id`, `values` (or the seed's `vector`) or `text` (embedded by the server and kept as
/// the item's document), `metadata` (or Qdrant's `payload`).
struct RecordFields {
    var id: String?
    var values: [Float]?
    var text: String?
    var metadata: CompactJSON?

    /// The item's keys.
    static let keys = BodyKeys(["id", "values", "text", "metadata"], aliases: ["vector": "values", "payload": "metadata"])

    /// Reads the value of the declared key `name`.
    mutating func read(_ name: String, _ reader: inout JSONReader, item: Int?) throws {
        switch name {
        case "id":
            if try reader.null("id", item: item) { return }
            id = try reader.string("id", item: item)
        case "values":
            values = try reader.vector("values", item: item, expectedCount: 384)
        case "text":
            if try reader.null("text", item: item) { return }
            text = try reader.string("text", item: item)
        case "metadata":
            metadata = try reader.compactMetadata("metadata", item: item)
            try StoredDocument.refuseReserved(metadata, field: "metadata", item: item)
        default:
            throw reader.undecoded(name)
        }
    }

    /// The record, with a fresh UUIDv4 when no id was given, and its text when it was sent with one (then its values
    /// are empty until embedded, and its metadata carries the text as its document).
    func record(item: Int?) throws -> (VectorRecord, String?) {
        let id = self.id ?? UUIDv4.make()
        switch (values, text) {
        case (let values?, nil):
            return (VectorRecord(id: id, values: values, metadata: metadata), nil)
        case (nil, let text?):
            guard !text.isEmpty else {
                throw APIError.invalid("\(JSONReader.path("text", item: item)) is empty; a text needs at least one character",
                                       field: "text", item: item)
            }
            let stored = StoredDocument.compose(text, metadata: metadata)
            try StoredDocument.checkSize(stored, item: item)
            return (VectorRecord(id: id, values: [], metadata: stored), text)
        case (_?, _?):
            throw APIError.invalid("\(JSONReader.path("values", item: item)) and text: give one of them, not both",
                                   field: "text", item: item)
        case (nil, nil):
            throw APIError.invalid("\(JSONReader.path("values", item: item)) (or text) is required", field: "values", item: item)
        }
    }
}

/// `PUT …/vectors/{id}` and the seed's `PUT /vectors/{id}`.
enum PutVectorBody {
    /// `/v1`: a record's keys; the id, if given, must be the path's.
    static let keys = RecordFields.keys
    /// The seed's `PUT /vectors/{id}`: extra fields ignored.
    static let shortKeys = keys.with(unknown: .skip)

    static func decode(_ reader: inout JSONReader, id: String, keys: BodyKeys) throws -> UpsertBody {
        var fields = RecordFields()
        try reader.object("body", keys: keys) { name, _, reader in
            if name == "id" {
                let given = try reader.string("id")
                guard given == id else { throw APIError.invalid("the body's id \(given) differs from the path's id", field: "id") }
                return
            }
            try fields.read(name, &reader, item: nil)
        }
        fields.id = id
        var body = UpsertBody()
        try body.append(fields, item: nil)
        return body
    }
}

/// `PATCH …/vectors/{id}`: `{"metadata":{…}}`.
enum PatchVectorBody {
    static let keys = BodyKeys(["metadata"])

    static func decode(_ reader: inout JSONReader) throws -> JSONObject {
        var merge: JSONObject?
        try reader.object("body", keys: keys) { name, _, reader in
            switch name {
            case "metadata":
                guard case .object(let object)? = try reader.metadata("metadata") else {
                    throw APIError.invalid("metadata must be a JSON object", field: "metadata")
                }
                try StoredDocument.refuseReserved(CompactJSON(.object(object)), field: "metadata", item: nil)
                merge = object
            default: throw reader.undecoded(name)
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
    /// Whether the body (or query string) named a threshold at all, even as null: the short search's default
    /// (`shortDefaultThreshold`) applies only when it did not.
    var thresholdGiven = false
    var filter: Filter?
    var includeMetadata = true
    var includeValues = false
    /// Answer each match's document (the text it was upserted with, or null).
    var includeDocument = false

    /// `/v1/…/search`; the aliases are Qdrant's (`limit`, `score_threshold`, `with_payload`, `with_vector(s)`), the
    /// seed's (`filters`, `values`) and others' (`top_k`, `min_score`), so their clients' bodies work unchanged.
    static let keys = BodyKeys(
        ["vector", "query", "k", "ef", "threshold", "filter", "include_metadata", "include_values", "include_document"],
        aliases: ["values": "vector", "limit": "k", "top_k": "k", "score_threshold": "threshold", "min_score": "threshold",
                  "filters": "filter", "with_payload": "include_metadata", "with_vector": "include_values",
                  "with_vectors": "include_values"])
    /// The seed's `POST /vectors/search`: the same, extra fields ignored.
    static let shortKeys = keys.with(unknown: .skip)

    /// The original design's default threshold of its `/vectors/search` (a cosine similarity): applied by the short
    /// search routes when no threshold is named, on collections where a larger score is better (cosine, dot).
    static let shortDefaultThreshold = 0.7

    /// Decodes a search body; on the lenient short routes (`keys.unknown == .skip`) `limit`/`k` and `threshold` may
    /// also be numeric strings, as the original design's clients send them.
    static func decode(_ reader: inout JSONReader, keys: BodyKeys) throws -> SearchBody {
        var body = SearchBody()
        let lenient = keys.unknown == .skip
        try reader.object("body", keys: keys) { name, key, reader in
            switch name {
            case "vector": body.vector = try reader.vector("vector")
            case "query":
                if try reader.null("query") { return }
                body.query = try reader.string("query")
            case "k": body.k = lenient ? try reader.integerOrNumericString(key) : try reader.integer(key)
            case "ef":
                if try reader.null("ef") { return }
                body.ef = try reader.integer("ef")
            case "threshold":
                body.thresholdGiven = true
                if try reader.null(key) { return }
                let value = lenient ? try reader.numberOrNumericString(key) : try reader.double(key)
                body.thresholdAsSent = value
                body.threshold = Float(value)
            case "filter": body.filter = try FilterBody.decode(&reader, field: key)
            case "include_metadata": body.includeMetadata = try reader.bool(key)
            case "include_values": body.includeValues = try reader.bool(key)
            case "include_document": body.includeDocument = try reader.bool(key)
            default: throw reader.undecoded(name)
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
        // The document lives in the stored metadata (StoredDocument), so asking for it reads the metadata.
        return SearchRequest(vector: vector, k: k, ef: ef, threshold: threshold, filter: filter,
                             includeMetadata: includeMetadata || includeDocument, includeValues: includeValues)
    }
}

/// `POST …/search/batch`: `{"queries":[search, …]}` (`searches` is Qdrant's name). Each item is a whole search body
/// decoded by `SearchBody.decode` — the same keys, aliases and per-query options (`k`, `ef`, `filter`, `threshold`,
/// `include_metadata`, `include_values`, text `query`) — and a bad item is a 400 naming its index (`queries[3]: …`).
enum SearchBatchBody {
    static let keys = BodyKeys(["queries"], aliases: ["searches": "queries"], nested: ["queries": SearchBody.keys])

    static func decode(_ reader: inout JSONReader) throws -> [SearchBody] {
        var queries: [SearchBody]?
        try reader.object("body", keys: keys) { name, key, reader in
            switch name {
            case "queries":
                var items: [SearchBody] = []
                try reader.array(key) { index, reader in
                    // Stop at the limit instead of parsing (and holding) the rest of the body first.
                    guard index < Limits.maxSearchBatch else { throw APIError.searchBatchTooLarge(field: key) }
                    do {
                        items.append(try SearchBody.decode(&reader, keys: SearchBody.keys))
                    } catch {
                        throw APIError.from(error).inItem(index, of: "queries")
                    }
                }
                queries = items
            default: throw reader.undecoded(name)
            }
        }
        guard let queries, !queries.isEmpty else {
            throw APIError.invalid("\"queries\" is required: an array of 1...\(Limits.maxSearchBatch) search bodies", field: "queries")
        }
        return queries
    }
}

/// `POST …/get`: `{"ids":[…],"include_values":false,"include_metadata":true}` (`with_vector(s)`,
/// `with_payload`: Qdrant's names). At most `Limits.maxBatch` ids, like a delete by ids.
struct GetVectorsBody {
    var ids: [String] = []
    var includeValues = false
    var includeMetadata = true

    static let keys = BodyKeys(["ids", "include_values", "include_metadata"],
                               aliases: ["with_vector": "include_values", "with_vectors": "include_values",
                                         "with_payload": "include_metadata"])

    static func decode(_ reader: inout JSONReader) throws -> GetVectorsBody {
        var body = GetVectorsBody()
        var sawIDs = false
        try reader.object("body", keys: keys) { name, key, reader in
            switch name {
            case "ids":
                body.ids = try reader.ids()
                sawIDs = true
            case "include_values": body.includeValues = try reader.bool(key)
            case "include_metadata": body.includeMetadata = try reader.bool(key)
            default: throw reader.undecoded(name)
            }
        }
        guard sawIDs, !body.ids.isEmpty else {
            throw APIError.invalid("\"ids\" is required: an array of 1...\(Limits.maxBatch) id strings", field: "ids")
        }
        return body
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
    /// `offset` and `with_vectors` are Qdrant's names.
    static let keys = BodyKeys(["filter", "limit", "cursor", "include_values", "include_document"],
                               aliases: ["offset": "cursor", "with_vectors": "include_values"])

    /// The engine's request and whether each row's document is answered.
    static func decode(_ reader: inout JSONReader) throws -> (ScrollRequest, includeDocument: Bool) {
        var request = ScrollRequest()
        var includeDocument = false
        try reader.object("body", keys: keys) { name, key, reader in
            switch name {
            case "filter": request.filter = try FilterBody.decode(&reader, field: "filter")
            case "limit": request.limit = try reader.integer("limit")
            case "cursor":
                if try reader.null(key) { return }
                request.cursor = try reader.string(key)
            case "include_values": request.includeValues = try reader.bool(key)
            case "include_document": includeDocument = try reader.bool(key)
            default: throw reader.undecoded(name)
            }
        }
        return (request, includeDocument)
    }
}

/// `POST …/count`.
enum CountBody {
    static let keys = BodyKeys(["filter"])

    static func decode(_ reader: inout JSONReader) throws -> Filter? {
        var filter: Filter?
        try reader.object("body", keys: keys) { name, _, reader in
            switch name {
            case "filter": filter = try FilterBody.decode(&reader, field: "filter")
            default: throw reader.undecoded(name)
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

    static let keys = BodyKeys(["ids", "filter"])

    static func decode(_ reader: inout JSONReader) throws -> Target {
        var ids: [String]?
        var filter: Filter?
        var sawFilter = false
        try reader.object("body", keys: keys) { name, _, reader in
            switch name {
            case "ids": ids = try reader.ids()
            case "filter":
                sawFilter = true
                filter = try FilterBody.decode(&reader, field: "filter")
            default: throw reader.undecoded(name)
            }
        }
        switch (ids, sawFilter) {
        case (let ids?, false): return .ids(ids)
        case (nil, true):
            guard let filter else { throw APIError(.badRequest, "invalid_filter", "filter must be a JSON object") }
            return .filter(filter)
        case (_?, true): throw APIError.invalid("give \"ids\" or \"filter\", not both")
        case (nil, false):
            throw APIError.invalid("\"ids\" or \"filter\" is required", field: "ids")
        }
    }
}

extension JSONReader {
    /// Skips the value of a field the lenient seed routes ignore.
    mutating func skipUnknown(_ key: String) throws {
        _ = try value(key)
    }
}

import HTTPTypes
import Hummingbird
import VectorLogicDistance
import VectorLogicEngine
import VectorLogicFilter
import VectorLogicJSON

extension Routes {
    /// The seed's short routes on the `default` collection (docs/api.md "Seed routes"). Lenient: unknown fields
    /// are ignored, `vector` and `values`, `limit` and `k`, `filters` and `filter` are synonyms.
    static func shortRoutes(state: ServerState) -> [RouteDefinition] {
        let collection = ServerState.defaultCollection
        return [
        .write(.post, "/vectors", operation: "shortUpsert", body: UpsertBody.shortKeys) { request, _ -> Response in
            let body = try await state.body.decode(request) { reader in try UpsertBody.decode(&reader, keys: UpsertBody.shortKeys, allowSingle: true) }
            return try await upsert(body, into: collection, state: state, status: .ok)
        },
        .write(.post, "/vectors/batch", operation: "shortUpsertBatch", body: UpsertBody.shortBatchKeys) { request, _ -> Response in
            let body = try await state.body.decode(request) { reader in try UpsertBody.decode(&reader, keys: UpsertBody.shortBatchKeys) }
            return try await upsert(body, into: collection, state: state, status: .ok)
        },
        .read(.post, "/vectors/search", operation: "shortSearch", rate: .search, body: SearchBody.shortKeys) { request, context -> Response in
            let body = try await state.body.decode(request) { reader in try SearchBody.decode(&reader, keys: SearchBody.shortKeys) }
            return try await search(shortDefaults(body, state: state), in: collection, state: state, channel: context.channel)
        },
        // The original design's handler reads a JSON body even on GET: a request with a body is decoded as the POST's,
        // one without reads the query string.
        .read(.get, "/vectors/search", operation: "shortSearchGet", rate: .search, body: SearchBody.shortKeys) { request, context -> Response in
            let body: SearchBody
            if hasBody(request) {
                body = try await state.body.decode(request) { reader in try SearchBody.decode(&reader, keys: SearchBody.shortKeys) }
            } else {
                body = try searchFromQuery(request)
            }
            return try await search(shortDefaults(body, state: state), in: collection, state: state, channel: context.channel)
        },
        .write(.delete, "/vectors/batch", operation: "shortDeleteBatch", body: DeleteBody.keys) { request, context -> Response in
            let target = try await state.body.decode(request) { reader in try DeleteBody.decode(&reader) }
            return try await delete(target, from: collection, state: state, channel: context.channel)
        },
        .write(.put, "/vectors/:id", operation: "shortPut", body: PutVectorBody.shortKeys) { request, context -> Response in
            let id = try parameter(context, "id")
            let body = try await state.body.decode(request) { reader in try PutVectorBody.decode(&reader, id: id, keys: PutVectorBody.shortKeys) }
            return try await upsert(body, into: collection, state: state, status: .ok)
        },
        .write(.delete, "/vectors/:id", operation: "shortDelete") { _, context -> Response in
            try await deleteOne(try parameter(context, "id"), from: collection, state: state)
        },
        ]
    }

    /// True when the request carries a body (a nonzero Content-Length, or chunked).
    static func hasBody(_ request: Request) -> Bool {
        if let length = request.headers[.contentLength] { return length != "0" }
        return request.headers[.transferEncoding] != nil
    }

    /// The short search's default threshold (`SearchBody.shortDefaultThreshold`, the design's 0.7) when none was named
    /// and the default collection's scores grow with similarity (cosine, dot); a euclidean score is a distance.
    static func shortDefaults(_ body: SearchBody, state: ServerState) -> SearchBody {
        guard !body.thresholdGiven,
              (try? state.database.collectionInfo(ServerState.defaultCollection).config.metric.higherScoreIsBetter) == true else {
            return body
        }
        var body = body
        body.threshold = Float(SearchBody.shortDefaultThreshold)
        body.thresholdAsSent = SearchBody.shortDefaultThreshold
        return body
    }

    /// `GET /vectors/search?vector=0.1,0.2…|[…]&query=…&limit=&threshold=&filters={json}`.
    static func searchFromQuery(_ request: Request) throws -> SearchBody {
        let parameters = request.uri.queryParameters
        var body = SearchBody()
        if let text = parameters.get("vector") {
            let json = text.hasPrefix("[") ? text : "[\(text)]"
            var bytes = Array(json.utf8)
            body.vector = try bytes.withUnsafeMutableBytes { raw in
                var reader = JSONReader(UnsafeRawBufferPointer(raw))
                let vector = try reader.vector("vector")
                do throws(JSONParseError) { try reader.finish() } catch { throw APIError(error, field: "vector") }
                return vector
            }
        }
        if let query = parameters.get("query"), !query.isEmpty { body.query = query }
        if let limit = parameters.get("limit") ?? parameters.get("k") {
            guard let value = Int(limit) else { throw APIError.invalid("limit must be an integer", field: "limit") }
            body.k = value
        }
        if let threshold = parameters.get("threshold") {
            body.thresholdGiven = true
            guard let value = Double(threshold), value.isFinite else {
                throw APIError.invalid("threshold must be a number", field: "threshold")
            }
            body.threshold = Float(value)
            body.thresholdAsSent = value
        }
        if let filters = parameters.get("filters") ?? parameters.get("filter") {
            guard filters.utf8.count <= Filter.Limits.maxBytes else { throw APIError.filterTooLarge(field: "filters") }
            let value: JSONValue
            do { value = try JSONParser.parse(filters) } catch {
                throw APIError(.badRequest, "invalid_filter", "filters must be a JSON object: \(error.description)")
            }
            body.filter = try FilterBody.filter(value)
        }
        body.includeValues = try flag(request, "include_values", default: false)
        body.includeMetadata = try flag(request, "include_metadata", default: true)
        body.includeDocument = try flag(request, "include_document", default: false)
        return body
    }
}

import HTTPTypes
import Hummingbird
import VectorLogicEngine
import VectorLogicJSON

extension Routes {
    /// `/v1/collections/{collection}/search`, `/scroll`, `/count`.
    static func search(state: ServerState) -> [RouteDefinition] { [
        .read(.post, "/v1/collections/:collection/search", rate: .search) { request, context -> Response in
            let collection = try parameter(context, "collection")
            let body = try await state.body.decode(request) { reader in try SearchBody.decode(&reader, strict: true) }
            return try search(body, in: collection, state: state)
        },
        .read(.post, "/v1/collections/:collection/scroll") { request, context -> Response in
            let collection = try parameter(context, "collection")
            let scroll = try await state.body.decode(request, allowEmpty: true) { reader in try ScrollBody.decode(&reader) }
            let page = try state.database.scroll(collection, scroll)
            return JSONResponse.success(capacity: 256 + page.vectors.count * 128, meta: [("count", .int(page.vectors.count))]) { buffer in
                buffer.append(contentsOf: #"{"vectors":["#.utf8)
                for (index, vector) in page.vectors.enumerated() {
                    if index > 0 { buffer.append(UInt8(ascii: ",")) }
                    ResponseModels.writeVector(vector, into: &buffer)
                }
                buffer.append(contentsOf: #"],"next_cursor":"#.utf8)
                JSONWriter.write(page.nextCursor.map { .string($0) } ?? .null, into: &buffer)
                buffer.append(UInt8(ascii: "}"))
            }
        },
        .read(.post, "/v1/collections/:collection/count") { request, context -> Response in
            let collection = try parameter(context, "collection")
            let filter = try await state.body.decode(request, allowEmpty: true) { reader in try CountBody.decode(&reader) }
            let count = try state.database.count(collection, filter: filter)
            return JSONResponse.success(.object(JSONObject([("count", .int(count))])))
        },
    ] }

    /// One engine search; answers `{"matches":[…],"query_time_ms":t}` with meta `{"count","threshold"}`.
    static func search(_ body: SearchBody, in collection: String, state: ServerState) throws -> Response {
        let searchRequest = try body.request()
        let start = ContinuousClock.now
        let matches = try state.database.search(collection, searchRequest)
        let queryTime = milliseconds(since: start)
        let meta: [(String, JSONValue)] = [
            ("count", .int(matches.count)), ("k", .int(searchRequest.k)),
            ("threshold", body.thresholdAsSent.map { .number($0) } ?? .null),
        ]
        let perMatch = 64 + (body.includeValues ? searchRequest.vector.count * 12 : 0)
        return JSONResponse.success(capacity: 256 + matches.count * perMatch, meta: meta) { buffer in
            ResponseModels.writeMatches(matches, includeMetadata: body.includeMetadata, queryTimeMs: queryTime, into: &buffer)
        }
    }
}

import HTTPTypes
import Hummingbird
import NIOCore
import VectorLogicEngine
import VectorLogicJSON
import VectorLogicFilter

extension Routes {
    /// `/v1/collections/{collection}/search`, `/scroll`, `/count`.
    static func search(state: ServerState) -> [RouteDefinition] { [
        .read(.post, "/v1/collections/:collection/search", operation: "search", rate: .search, body: SearchBody.keys) { request, context -> Response in
            let collection = try parameter(context, "collection")
            let body = try await state.body.decode(request) { reader in try SearchBody.decode(&reader, keys: SearchBody.keys) }
            return try await search(body, in: collection, state: state, channel: context.channel)
        },
        .read(.post, "/v1/collections/:collection/scroll", operation: "scroll", body: ScrollBody.keys) { request, context -> Response in
            let collection = try parameter(context, "collection")
            let (scroll, includeDocument) = try await state.body.decode(request, allowEmpty: true) { reader in try ScrollBody.decode(&reader) }
            // A page is up to 10,000 rows found by a scan and written out: always on a worker, with the time budget.
            return try await state.offload(context.channel) { budget in
                let page = try state.database.scroll(collection, scroll, budget: budget)
                return JSONResponse.success(capacity: 256 + page.vectors.count * 128, meta: [("count", .int(page.vectors.count))]) { buffer in
                    buffer.append(contentsOf: #"{"vectors":["#.utf8)
                    for (index, vector) in page.vectors.enumerated() {
                        if index > 0 { buffer.append(UInt8(ascii: ",")) }
                        ResponseModels.writeVector(vector, includeDocument: includeDocument, into: &buffer)
                    }
                    buffer.append(contentsOf: #"],"next_cursor":"#.utf8)
                    JSONWriter.write(page.nextCursor.map { .string($0) } ?? .null, into: &buffer)
                    buffer.append(UInt8(ascii: "}"))
                }
            }
        },
        .read(.post, "/v1/collections/:collection/count", operation: "count", body: CountBody.keys) { request, context -> Response in
            let collection = try parameter(context, "collection")
            let filter = try await state.body.decode(request, allowEmpty: true) { reader in try CountBody.decode(&reader) }
            let count: Int
            if let filter, filter != .all {
                // A filtered count evaluates the filter on every row: on a worker, with the time budget.
                count = try await state.offload(context.channel) { budget in try state.database.count(collection, filter: filter, budget: budget) }
            } else {
                count = try state.database.count(collection, filter: nil)
            }
            return JSONResponse.success(.object(JSONObject([("count", .int(count))])))
        },
    ] }

    /// One engine search; answers `{"matches":[…],"query_time_ms":t}` with meta `{"count","threshold"}`.
    /// Small unfiltered HNSW searches run inline (a hand-off would cost more than they do); the rest run on a worker
    /// with the time budget (`ServerState.offload`).
    static func search(_ sent: SearchBody, in collection: String, state: ServerState, channel: (any Channel)?) async throws -> Response {
        var embedded = sent
        // A text `query` is embedded by the configured provider (off the event loop); without one `request()` says so.
        if sent.vector == nil, let query = sent.query, state.embedding != nil {
            guard !query.isEmpty else { throw APIError.invalid("query is empty", field: "query") }
            embedded.vector = try await state.embed([query]).first
        }
        let body = embedded
        let searchRequest = try body.request()
        guard state.database.isLightSearch(collection, searchRequest) else {
            return try await state.offload(channel) { budget in try runSearch(body, searchRequest, in: collection, state: state, budget: budget) }
        }
        return try runSearch(body, searchRequest, in: collection, state: state, budget: state.makeBudget())
    }

    private static func runSearch(_ body: SearchBody, _ searchRequest: SearchRequest, in collection: String, state: ServerState,
                                  budget: RequestBudget) throws -> Response {
        let start = ContinuousClock.now
        let matches = try state.database.search(collection, searchRequest, budget: budget)
        let queryTime = milliseconds(since: start)
        return JSONResponse.make(status: .ok, bytes: searchAnswer(matches, body, searchRequest, queryTimeMs: queryTime))
    }

    /// The bytes of a search answer: the envelope around `{"matches":[…],"query_time_ms":t}` (also what the JSON
    /// benchmark times, through `JSONHotPath`).
    static func searchAnswer(_ matches: [SearchMatch], _ body: SearchBody, _ searchRequest: SearchRequest, queryTimeMs: Double) -> [UInt8] {
        let meta: [(String, JSONValue)] = [
            ("count", .int(matches.count)), ("k", .int(searchRequest.k)),
            ("threshold", body.thresholdAsSent.map { .number($0) } ?? .null),
        ]
        let perMatch = 64 + (body.includeValues ? searchRequest.vector.count * 12 : 0)
        return JSONResponse.envelope(capacity: 256 + matches.count * perMatch, meta: meta) { buffer in
            ResponseModels.writeMatches(matches, includeMetadata: body.includeMetadata, includeDocument: body.includeDocument,
                                        queryTimeMs: queryTimeMs, into: &buffer)
        }
    }
}

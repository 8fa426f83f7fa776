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
        }.answeredOnEventLoop { parameters, buffer in
            // The common case — a vector, a light search (`isLightSearch`), no embedding — without the router's
            // suspensions; a text query or a search that needs a worker takes the handler above.
            guard let collection = parameters["collection"].map(String.init) else { return nil }
            let body = try RequestBody.decode(buffer, allowEmpty: false) { reader in try SearchBody.decode(&reader, keys: SearchBody.keys) }
            guard body.vector != nil else { return nil }
            let searchRequest = try body.request()
            guard state.database.isLightSearch(collection, searchRequest) else { return nil }
            return { try answerSearch(body, searchRequest, in: collection, state: state, budget: state.makeBudget()) }
        },
        // A batch draws one token from the search bucket, like one search: rate limits count requests (round trips),
        // and a batch's cost is bounded by `Limits.maxSearchBatch` queries and the request budget (README "Limits").
        .read(.post, "/v1/collections/:collection/search/batch", operation: "searchBatch", rate: .search,
              body: SearchBatchBody.keys) { request, context -> Response in
            let collection = try parameter(context, "collection")
            let queries = try await state.body.decode(request) { reader in try SearchBatchBody.decode(&reader) }
            return try await searchBatch(queries, in: collection, state: state, channel: context.channel)
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

    /// Several searches in one request, answered in order: `{"results":[{"matches":[…],"query_time_ms":t}…],
    /// "query_time_ms":total}` with meta `{"count": queries, "matches": total matches}`; each result is what the single
    /// search route answers in `data` for the same body.
    ///
    /// Every item is checked first (a text query embedded, then k, ef, threshold, the vector's dimension and values) and a
    /// bad one is a 400 naming its index before any query runs. The queries then run in order on the worker pool (one
    /// thread per core) in chunks of `searchBatchChunk`, under one time budget of `request-timeout-ms` for the whole
    /// batch, checked between queries as well as inside each; small requests keep being served on the event loops.
    static func searchBatch(_ sent: [SearchBody], in collection: String, state: ServerState, channel: (any Channel)?) async throws -> Response {
        var bodies = sent
        // Text queries are embedded in one provider call; without a provider `request()` below names the item.
        let texts = bodies.indices.filter { bodies[$0].vector == nil && bodies[$0].query != nil }
        if !texts.isEmpty, state.embedding != nil {
            for index in texts where bodies[index].query?.isEmpty == true {
                throw APIError.invalid("query is empty", field: "query").inItem(index, of: "queries")
            }
            let vectors = try await state.embed(texts.map { bodies[$0].query ?? "" })
            for (index, vector) in zip(texts, vectors) { bodies[index].vector = vector }
        }
        var requests: [SearchRequest] = []
        requests.reserveCapacity(bodies.count)
        var matchesAsked = 0
        for (index, body) in bodies.enumerated() {
            let searchRequest: SearchRequest
            do {
                searchRequest = try body.request()
                try state.database.checkSearch(collection, searchRequest)
            } catch let error as EngineError {
                // The collection's own errors (404, damage) are not an item's fault.
                if case .collectionNotFound = error { throw APIError(error) }
                throw APIError(error).inItem(index, of: "queries")
            } catch {
                throw APIError.from(error).inItem(index, of: "queries")
            }
            matchesAsked += searchRequest.k
            guard matchesAsked <= Limits.maxSearchBatchMatches else {
                throw APIError(.badRequest, "invalid_request",
                               "the queries' k add up to more than \(Limits.maxSearchBatchMatches) (limit max_search_batch_matches); "
                               + "lower k or split the batch",
                               details: .object(JSONObject([("field", .string("k")), ("limit", .string("max_search_batch_matches")),
                                                            ("max", .number(Double(Limits.maxSearchBatchMatches)))])))
                    .inItem(index, of: "queries")
            }
            requests.append(searchRequest)
        }
        // The queries run in chunks, each chunk one job at the back of the worker pool's queue: other expensive
        // requests queued meanwhile run between two chunks instead of after the whole batch. 16 queries at ef ≤ 128
        // are ~1–5 ms here, so a hand-off (~20 µs) costs under 2% and nothing waits behind a batch for longer than that.
        let budget = state.makeBudget()
        let batchStart = ContinuousClock.now
        var results: [(matches: [SearchMatch], milliseconds: Double)] = []
        results.reserveCapacity(requests.count)
        var start = 0
        while start < requests.count {
            let chunk = Array(requests[start..<min(requests.count, start + searchBatchChunk)])
            results += try await state.offload(channel, budget: budget) { budget in
                var answered: [(matches: [SearchMatch], milliseconds: Double)] = []
                for searchRequest in chunk {
                    try budget.check()  // between queries too, so a batch stops at its deadline
                    let queryStart = ContinuousClock.now
                    let matches = try state.database.search(collection, searchRequest, budget: budget)
                    answered.append((matches, milliseconds(since: queryStart)))
                }
                return answered
            }
            start += chunk.count
        }
        let total = milliseconds(since: batchStart)
        var bytes = 0
        var matchCount = 0
        for (index, result) in results.enumerated() {
            matchCount += result.matches.count
            bytes += 64 + result.matches.count * (64 + (requests[index].includeValues ? requests[index].vector.count * 12 : 0))
        }
        return JSONResponse.success(capacity: 256 + bytes, meta: [("count", .int(results.count)), ("matches", .int(matchCount))]) { buffer in
            buffer.append(contentsOf: #"{"results":["#.utf8)
            for (index, result) in results.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                ResponseModels.writeMatches(result.matches, includeMetadata: requests[index].includeMetadata,
                                            queryTimeMs: result.milliseconds, into: &buffer)
            }
            buffer.append(contentsOf: #"],"query_time_ms":"#.utf8)
            JSONWriter.writeNumber((total * 1000).rounded() / 1000, into: &buffer)
            buffer.append(UInt8(ascii: "}"))
        }
    }

    /// Queries of a batch per worker-pool job (see `searchBatch`).
    static let searchBatchChunk = 16

    private static func runSearch(_ body: SearchBody, _ searchRequest: SearchRequest, in collection: String, state: ServerState,
                                  budget: RequestBudget) throws -> Response {
        JSONResponse.make(status: .ok, bytes: try answerSearch(body, searchRequest, in: collection, state: state, budget: budget))
    }

    /// Runs one search and writes its answer (`searchAnswer`).
    private static func answerSearch(_ body: SearchBody, _ searchRequest: SearchRequest, in collection: String, state: ServerState,
                                     budget: RequestBudget) throws -> [UInt8] {
        let start = ContinuousClock.now
        let matches = try state.database.search(collection, searchRequest, budget: budget)
        return searchAnswer(matches, body, searchRequest, queryTimeMs: milliseconds(since: start))
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

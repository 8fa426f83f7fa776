package import NIOCore
package import VectorLogicEngine
import VectorLogicJSON

/// The JSON work of the two busiest routes, through the very functions the routes call, for the JSON benchmark
/// (`tools/bench/json`): a benchmark of a copy of the writer measured the copy, and drifted from the shipping code.
/// Package access only: nothing outside this package calls it.
package enum JSONHotPath {
    /// A decoded search body and the engine request made from it, as the search route holds them.
    package struct Search {
        let body: SearchBody
        /// The engine request (vector, k, ef, threshold, filter).
        package let request: SearchRequest
    }

    /// `POST /v1/collections/{c}/vectors`: the body through `RequestBody.decode` and the strict upsert decoder.
    package static func decodeUpsert(_ buffer: ByteBuffer) throws -> [VectorRecord] {
        try RequestBody.decode(buffer, allowEmpty: false) { reader in
            try UpsertBody.decode(&reader, keys: UpsertBody.keys)
        }.records
    }

    /// `POST /v1/collections/{c}/search`: the body through `RequestBody.decode` and the strict search decoder.
    package static func decodeSearch(_ buffer: ByteBuffer) throws -> Search {
        let body = try RequestBody.decode(buffer, allowEmpty: false) { reader in try SearchBody.decode(&reader, keys: SearchBody.keys) }
        return Search(body: body, request: try body.request())
    }

    /// The search route's answer bytes for `matches` (envelope, matches, meta).
    package static func searchAnswer(_ matches: [SearchMatch], for search: Search, queryTimeMs: Double) -> [UInt8] {
        Routes.searchAnswer(matches, search.body, search.request, queryTimeMs: queryTimeMs)
    }
}

import HTTPTypes
import Hummingbird
import NIOCore
import VectorLogicEngine
import VectorLogicJSON

extension Routes {
    /// `/v1/collections/{collection}/vectors…`: upsert, get, put, patch, delete, delete by ids or filter; `…/get`: many by id.
    static func vectors(state: ServerState) -> [RouteDefinition] { [
        .write(.post, "/v1/collections/:collection/vectors", operation: "upsertVectors", body: UpsertBody.keys) { request, context -> Response in
            let collection = try parameter(context, "collection")
            let body = try await state.body.decode(request) { reader in
                try UpsertBody.decode(&reader, keys: UpsertBody.keys)
            }
            let returnIDs = try flag(request, "return_ids", default: false)
            return try await upsert(body, into: collection, state: state, status: .ok, returnIDs: returnIDs)
        },
        .read(.get, "/v1/collections/:collection/vectors/:id", operation: "getVector") { request, context -> Response in
            let collection = try parameter(context, "collection")
            let id = try parameter(context, "id")
            let includeValues = try flag(request, "include_values", default: false)
            let includeDocument = try flag(request, "include_document", default: false)
            guard let vector = try state.database.get(collection, id: id, includeValues: includeValues) else {
                throw vectorNotFound(id, collection: collection)
            }
            return JSONResponse.success(capacity: 512 + (vector.values?.count ?? 0) * 12) { buffer in
                ResponseModels.writeVector(vector, includeDocument: includeDocument, into: &buffer)
            }
        },
        // Beside search/scroll/count rather than at …/vectors/get: a static segment there would shadow the vector
        // whose id is `get` for every method of …/vectors/{id} (the router prefers the static segment).
        .read(.post, "/v1/collections/:collection/get", operation: "getVectors", body: GetVectorsBody.keys) { request, context -> Response in
            let collection = try parameter(context, "collection")
            let body = try await state.body.decode(request) { reader in try GetVectorsBody.decode(&reader) }
            return try await getMany(body, from: collection, state: state, channel: context.channel)
        },
        .write(.put, "/v1/collections/:collection/vectors/:id", operation: "putVector", body: PutVectorBody.keys) { request, context -> Response in
            let collection = try parameter(context, "collection")
            let id = try parameter(context, "id")
            let body = try await state.body.decode(request) { reader in try PutVectorBody.decode(&reader, id: id, keys: PutVectorBody.keys) }
            return try await upsert(body, into: collection, state: state, status: .ok)
        },
        .write(.patch, "/v1/collections/:collection/vectors/:id", operation: "patchVector", body: PatchVectorBody.keys) { request, context -> Response in
            let collection = try parameter(context, "collection")
            let id = try parameter(context, "id")
            let merge = try await state.body.decode(request) { reader in try PatchVectorBody.decode(&reader) }
            guard try await state.database.patchMetadata(collection, id: id, merging: merge) else {
                throw vectorNotFound(id, collection: collection)
            }
            return JSONResponse.success(.object(JSONObject([("id", .string(id)), ("updated", .int(1))])))
        },
        .write(.delete, "/v1/collections/:collection/vectors/:id", operation: "deleteVector") { _, context -> Response in
            let collection = try parameter(context, "collection")
            let id = try parameter(context, "id")
            return try await deleteOne(id, from: collection, state: state)
        },
        .write(.post, "/v1/collections/:collection/vectors/delete", operation: "deleteVectors", body: DeleteBody.keys) { request, context -> Response in
            let collection = try parameter(context, "collection")
            let target = try await state.body.decode(request) { reader in try DeleteBody.decode(&reader) }
            return try await delete(target, from: collection, state: state, channel: context.channel)
        },
    ] }

    /// One engine upsert; answers `{"upserted":N,"ids":[…]}`, or `{"upserted":N}` without `returnIDs` (docs/api.md: the
    /// `/v1` batch route answers the count; its ids — 90 KB for 10,000 items — only with `?return_ids=true`; the short
    /// routes and PUT keep the ids, which their clients read).
    /// Items sent with `text` are embedded first (one provider call for the request); if that fails nothing is written.
    static func upsert(_ body: UpsertBody, into collection: String, state: ServerState,
                       status: HTTPResponse.Status, returnIDs: Bool = true) async throws -> Response {
        var body = body
        try await state.embedTexts(&body, collection: collection)
        let records = body.records
        let count = try await state.database.upsert(collection, records)
        return JSONResponse.success(status: status, capacity: 64 + (returnIDs ? records.count * 24 : 0)) { buffer in
            buffer.append(contentsOf: #"{"upserted":"#.utf8)
            JSONWriter.writeInteger(Int64(count), into: &buffer)
            guard returnIDs else {
                buffer.append(UInt8(ascii: "}"))
                return
            }
            buffer.append(contentsOf: #","ids":["#.utf8)
            for (index, record) in records.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                JSONWriter.writeString(record.id, into: &buffer)
            }
            buffer.append(contentsOf: "]}".utf8)
        }
    }

    /// Many vectors by id: `{"vectors":[vector or null, …],"missing":[id…]}`, `vectors[i]` answering `ids[i]` (null when
    /// that id does not exist), `missing` the absent ids in request order; meta `{"count": found, "missing": absent}`.
    /// A malformed id is a 400 naming its index (nothing is answered). Up to 10,000 lookups with values are
    /// milliseconds of copying, so they run on a worker with the request budget checked every 1,024 ids.
    static func getMany(_ body: GetVectorsBody, from collection: String, state: ServerState, channel: (any Channel)?) async throws -> Response {
        try await state.offload(channel) { budget in
            var found: [StoredVector?] = []
            found.reserveCapacity(body.ids.count)
            for (index, id) in body.ids.enumerated() {
                if index % RequestBudget.checkInterval == 0 { try budget.check() }
                do {
                    found.append(try state.database.get(collection, id: id, includeValues: body.includeValues))
                } catch EngineError.invalidID(let reason, _) {
                    throw APIError(EngineError.invalidID(reason, item: index)).inItem(index, of: "ids")
                }
            }
            let missing = zip(body.ids, found).compactMap { id, vector in vector == nil ? id : nil }
            let perVector = 96 + (found.lazy.compactMap { $0?.values?.count }.first ?? 0) * 12
            return JSONResponse.success(capacity: 256 + found.count * perVector,
                                        meta: [("count", .int(found.count - missing.count)), ("missing", .int(missing.count))]) { buffer in
                buffer.append(contentsOf: #"{"vectors":["#.utf8)
                for (index, vector) in found.enumerated() {
                    if index > 0 { buffer.append(UInt8(ascii: ",")) }
                    guard let vector else {
                        buffer.append(contentsOf: "null".utf8)
                        continue
                    }
                    ResponseModels.writeVector(vector, includeMetadata: body.includeMetadata, into: &buffer)
                }
                buffer.append(contentsOf: #"],"missing":["#.utf8)
                for (index, id) in missing.enumerated() {
                    if index > 0 { buffer.append(UInt8(ascii: ",")) }
                    JSONWriter.writeString(id, into: &buffer)
                }
                buffer.append(contentsOf: "]}".utf8)
            }
        }
    }

    /// Deletes one id; 404 when it was not there.
    static func deleteOne(_ id: String, from collection: String, state: ServerState) async throws -> Response {
        let deleted = try await state.database.delete(collection, ids: [id])
        guard deleted > 0 else { throw vectorNotFound(id, collection: collection) }
        return JSONResponse.success(.object(JSONObject([("deleted", .int(deleted))])))
    }

    /// Deletes by ids or by filter; answers `{"deleted":N}`.
    /// A filter is evaluated on a worker with the time budget (nothing is deleted when it runs out), then the matching
    /// ids are deleted in batches of `Limits.maxBatch`.
    static func delete(_ target: DeleteBody.Target, from collection: String, state: ServerState,
                       channel: (any Channel)? = nil) async throws -> Response {
        var deleted = 0
        switch target {
        case .ids(let ids): deleted = try await state.database.delete(collection, ids: ids)
        case .filter(let filter):
            let ids = try await state.offload(channel) { budget in try state.database.ids(collection, matching: filter, budget: budget) }
            var start = 0
            while start < ids.count {
                let end = min(ids.count, start + Limits.maxBatch)
                deleted += try await state.database.delete(collection, ids: Array(ids[start..<end]))
                start = end
            }
        }
        return JSONResponse.success(.object(JSONObject([("deleted", .int(deleted))])))
    }

    static func vectorNotFound(_ id: String, collection: String) -> APIError {
        APIError(.notFound, "not_found", "vector \(id) does not exist in collection \(collection)",
                 details: .object(JSONObject([("collection", .string(collection)), ("id", .string(id))])))
    }
}

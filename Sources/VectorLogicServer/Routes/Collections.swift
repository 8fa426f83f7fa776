import HTTPTypes
import Hummingbird
import VectorLogicEngine
import VectorLogicJSON

extension Routes {
    /// `/v1/collections` and `/v1/collections/{collection}`.
    static func collections(state: ServerState) -> [RouteDefinition] { [
        .admin(.post, "/v1/collections", operation: "createCollection", body: CreateCollectionBody.keys) { request, _ -> Response in
            let config = try await state.body.decode(request) { reader in try CreateCollectionBody.decode(&reader) }
            let info = try await state.database.createCollection(config)
            return JSONResponse.success(status: .created, ResponseModels.collection(info))
        },
        .read(.get, "/v1/collections", operation: "listCollections") { _, _ -> Response in
            let infos = state.database.listCollections()
            return JSONResponse.success(.array(infos.map(ResponseModels.collection)), meta: [("count", .int(infos.count))])
        },
        .read(.get, "/v1/collections/:collection", operation: "getCollection") { _, context -> Response in
            let info = try state.database.collectionInfo(try parameter(context, "collection"))
            return JSONResponse.success(ResponseModels.collection(info))
        },
        .admin(.delete, "/v1/collections/:collection", operation: "dropCollection") { _, context -> Response in
            let name = try parameter(context, "collection")
            try await state.database.dropCollection(name)
            return JSONResponse.success(.object(JSONObject([("name", .string(name)), ("deleted", .bool(true))])))
        },
    ] }
}

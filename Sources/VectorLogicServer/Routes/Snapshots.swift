import HTTPTypes
import Hummingbird
import NIOCore
import VectorLogicEngine
import VectorLogicJSON
import VectorLogicPersonas
import VectorLogicAccess

extension Routes {
    /// `/v1/snapshots` and `/v1/snapshots/{name}` (docs/api.md "Snapshots"): the engine writes and keeps the files in
    /// `<data dir>/snapshots/`; these handlers only name, list, stream and delete them.
    ///
    /// All four need the `admin` permission when auth is on (`RoutePermission`). A snapshot holds every collection
    /// plus consistent copies of `personas.sqlite` and `keys.sqlite` (when this server has those stores).
    static func snapshots(state: ServerState, keys: KeyStore?) -> [RouteDefinition] {
        var extras: [SnapshotExtra] = []
        if let personas = state.personas {
            extras.append(SnapshotExtra(name: PersonaStore.fileName) { path in try personas.copy(to: path) })
        }
        if let keys {
            extras.append(SnapshotExtra(name: KeyStore.fileName) { path in try keys.copy(to: path) })
        }
        return [
        .admin(.post, "/v1/snapshots", operation: "createSnapshot") { [extras] _, _ -> Response in
            let info = try await state.database.createStoredSnapshot(extras: extras)
            return JSONResponse.success(status: .created, .object(JSONObject([
                ("name", .string(info.name)),
                ("bytes", .int(info.bytes)),
                ("sha256", .string(info.sha256)),
                ("created_at", .int(info.createdAtMs)),
            ])))
        },
        .admin(.get, "/v1/snapshots", operation: "listSnapshots") { _, _ -> Response in
            let snapshots = try state.database.listStoredSnapshots()
            let items: [JSONValue] = snapshots.map { snapshot in
                .object(JSONObject([
                    ("name", .string(snapshot.name)),
                    ("bytes", .int(snapshot.bytes)),
                    ("created_at", snapshot.createdAtMs.map { .int($0) } ?? .null),
                ]))
            }
            return JSONResponse.success(.array(items), meta: [("count", .int(items.count))])
        },
        .admin(.get, "/v1/snapshots/:name", operation: "downloadSnapshot") { _, context -> Response in
            let name = try parameter(context, "name")
            guard let download = try state.database.openStoredSnapshot(name) else { throw notFound(name) }
            return stream(download, name: name)
        },
        .admin(.delete, "/v1/snapshots/:name", operation: "deleteSnapshot") { _, context -> Response in
            let name = try parameter(context, "name")
            guard try state.database.deleteStoredSnapshot(name) else { throw notFound(name) }
            return JSONResponse.success(.object(JSONObject([("name", .string(name)), ("deleted", .bool(true))])))
        },
        ]
    }

    /// Bytes of the file sent per write: the download never holds more than this of the file in memory.
    static let snapshotChunkBytes = 256 * 1024

    /// The file as `application/octet-stream`, read in chunks while it is sent.
    private static func stream(_ download: SnapshotDownload, name: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        let size = download.size
        let body = ResponseBody(contentLength: Int(size)) { writer in
            defer { download.close() }
            var offset: Int64 = 0
            while offset < size {
                let chunk = try download.read(at: offset, count: Int(min(Int64(snapshotChunkBytes), size - offset)))
                guard !chunk.isEmpty else { throw APIError(.internalServerError, "internal", "the snapshot file became shorter") }
                try await writer.write(ByteBuffer(bytes: chunk))
                offset += Int64(chunk.count)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    private static func notFound(_ name: String) -> APIError {
        APIError(.notFound, "not_found", "snapshot \(name) does not exist", details: .object(JSONObject([("snapshot", .string(name))])))
    }
}

import HTTPTypes
import Hummingbird
import VectorLogicJSON
import VectorLogicPersonas

extension Routes {
    /// Personas and their memories (docs/api.md, README "Personas"), under the seed's short paths and under `/v1`.
    ///
    /// With auth on, every route here that changes something (POST, PUT, DELETE, but not the POST search) needs the
    /// `write` permission and the rest need `read` (`RoutePermission`).
    static func personas(state: ServerState) -> [RouteDefinition] {
        ["", "/v1"].flatMap { prefix in personaRoutes(prefix: prefix, state: state) + memoryRoutes(prefix: prefix, state: state) }
    }

    static func personaRoutes(prefix: String, state: ServerState) -> [RouteDefinition] { [
        .write(.post, "\(prefix)/personas", body: PersonaFields.keys) { request, _ -> Response in
            let fields = try await state.body.decode(request) { reader in try PersonaFields.decode(&reader) }
            let settings = try fields.newSettings()
            let persona = try await state.withPersonas { try $0.createPersona(id: UUIDv4.make(), settings) }
            return JSONResponse.success(status: .created, PersonaResponses.persona(persona))
        },
        .read(.get, "\(prefix)/personas") { _, _ -> Response in
            let personas = try await state.withPersonas { try $0.listPersonas() }
            return JSONResponse.success(.array(personas.map(PersonaResponses.persona)), meta: [("count", .int(personas.count))])
        },
        .read(.get, "\(prefix)/personas/:id") { _, context -> Response in
            let id = try parameter(context, "id")
            guard let persona = try await state.withPersonas({ try $0.persona(id) }) else {
                throw APIError(PersonaStoreError.personaNotFound(id))
            }
            return JSONResponse.success(PersonaResponses.persona(persona))
        },
        .write(.put, "\(prefix)/personas/:id", body: PersonaFields.keys) { request, context -> Response in
            let id = try parameter(context, "id")
            let fields = try await state.body.decode(request) { reader in try PersonaFields.decode(&reader) }
            let persona = try await state.withPersonas { store in try store.updatePersona(id) { fields.apply(to: &$0) } }
            return JSONResponse.success(PersonaResponses.persona(persona))
        },
        .write(.delete, "\(prefix)/personas/:id") { _, context -> Response in
            let id = try parameter(context, "id")
            guard try await state.withPersonas({ try $0.deletePersona(id) }) else {
                throw APIError(PersonaStoreError.personaNotFound(id))
            }
            return JSONResponse.success(PersonaResponses.deleted(id))
        },
    ] }

    static func memoryRoutes(prefix: String, state: ServerState) -> [RouteDefinition] { [
        .write(.post, "\(prefix)/personas/:id/memories", body: MemoryBody.keys) { request, context -> Response in
            let id = try parameter(context, "id")
            var memory = try await state.body.decode(request) { reader in try MemoryBody.decode(&reader) }
            // A memory sent without a vector is embedded from its content, so a text search finds it; without a provider
            // that is a 400 `embedding_unavailable` and nothing is stored (a memory without a vector no search can find).
            if memory.vector == nil {
                guard !memory.content.isEmpty else { throw APIError.invalid("content is empty", field: "content") }
                memory.vector = try await state.embed([memory.content]).first
            }
            let newMemory = memory
            let stored = try await state.withPersonas { try $0.addMemory(id: UUIDv4.make(), to: id, newMemory) }
            return JSONResponse.success(status: .created, PersonaResponses.memory(stored))
        },
        .read(.get, "\(prefix)/personas/:id/memories") { request, context -> Response in
            let id = try parameter(context, "id")
            let parameters = request.uri.queryParameters
            let limit = try integerParameter(request, "limit", default: 100)
            let cursor = parameters.get("cursor").flatMap { $0.isEmpty ? nil : $0 }
            let page = try await state.withPersonas { try $0.memories(of: id, limit: limit, cursor: cursor) }
            let data = JSONValue.object(JSONObject([
                ("memories", .array(page.memories.map(PersonaResponses.memory))),
                ("next_cursor", page.nextCursor.map { .string($0) } ?? .null),
            ]))
            return JSONResponse.success(data, meta: [("count", .int(page.memories.count))])
        },
        .read(.post, "\(prefix)/personas/:id/memories/search", rate: .search, body: MemorySearchBody.keys) { request, context -> Response in
            let id = try parameter(context, "id")
            let body = try await state.body.decode(request) { reader in try MemorySearchBody.decode(&reader) }
            return try await searchMemories(body, of: id, state: state)
        },
        .read(.get, "\(prefix)/personas/:id/memories/search", rate: .search) { request, context -> Response in
            let id = try parameter(context, "id")
            var body = MemorySearchBody()
            body.query = request.uri.queryParameters.get("query")
            body.limit = try integerParameter(request, "limit", default: body.limit)
            if let text = request.uri.queryParameters.get("threshold") {
                guard let value = Double(text), value.isFinite else { throw APIError.invalid("threshold must be a number", field: "threshold") }
                body.threshold = value
            }
            return try await searchMemories(body, of: id, state: state)
        },
        .write(.delete, "\(prefix)/personas/:id/memories/:mid") { _, context -> Response in
            let id = try parameter(context, "id")
            let memoryID = try parameter(context, "mid")
            try await state.withPersonas { try $0.deleteMemory(memoryID, of: id) }
            return JSONResponse.success(PersonaResponses.deleted(memoryID))
        },
    ] }

    /// One memory search; answers `{"matches":[…],"query_time_ms":t}` with meta `{"count","limit","threshold"}`.
    static func searchMemories(_ body: MemorySearchBody, of id: String, state: ServerState) async throws -> Response {
        let vector: [Float]
        if body.vector == nil, let query = body.query, state.embedding != nil {
            guard !query.isEmpty else { throw APIError.invalid("query is empty", field: "query") }
            vector = try await state.embed([query]).first ?? []
        } else {
            vector = try body.requireVector()
        }
        let start = ContinuousClock.now
        // Cosine scores lie in -1…1, so clamping keeps every threshold's meaning and keeps huge ones finite as Float.
        let threshold = Float(min(2, max(-2, body.threshold)))
        let limit = body.limit
        let matches = try await state.withPersonas { try $0.searchMemories(of: id, vector: vector, limit: limit, threshold: threshold) }
        let data = JSONValue.object(JSONObject([
            ("matches", .array(matches.map(PersonaResponses.match))),
            ("query_time_ms", .number(milliseconds(since: start))),
        ]))
        return JSONResponse.success(data, meta: [("count", .int(matches.count)), ("limit", .int(body.limit)),
                                                 ("threshold", .number(body.threshold))])
    }

    /// An integer query parameter, or `defaultValue` when absent or empty.
    static func integerParameter(_ request: Request, _ name: String, default defaultValue: Int) throws -> Int {
        guard let text = request.uri.queryParameters.get(name), !text.isEmpty else { return defaultValue }
        guard let value = Int(text) else { throw APIError.invalid("query parameter \(name) must be an integer", field: name) }
        return value
    }
}

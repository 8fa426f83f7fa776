import HTTPTypes
import Hummingbird
import VectorLogicJSON
import VectorLogicPersonas
import VectorLogicAccess
import VectorLogicSQLite

extension Routes {
    /// `/v1/keys` (README "API keys"; admin permission, checked by `AuthMiddleware`).
    static func keys(keys: KeyStore, state: ServerState) -> [RouteDefinition] { [
        .admin(.post, "/v1/keys", operation: "createKey", body: CreateKeyBody.keys) { request, _ -> Response in
            let body = try await state.body.decode(request) { reader in try CreateKeyBody.decode(&reader) }
            let made = try keyCall {
                try keys.create(name: body.name, permissions: body.permissions, rateLimitPerMinute: body.rateLimitPerMinute,
                                expiresInDays: body.expiresInDays, id: UUIDv4.make())
            }
            return JSONResponse.success(status: .created, keyJSON(made.record, secret: made.secret))
        },
        .admin(.get, "/v1/keys", operation: "listKeys") { _, _ -> Response in
            let records = try keyCall { try keys.list() }
            return JSONResponse.success(.array(records.map { keyJSON($0, secret: nil) }), meta: [("count", .int(records.count))])
        },
        .admin(.post, "/v1/keys/:id/rotate", operation: "rotateKey") { _, context -> Response in
            let id = try parameter(context, "id")
            guard let rotated = try keyCall({ try keys.rotate(id: id) }) else { throw keyNotFound(id) }
            return JSONResponse.success(keyJSON(rotated.record, secret: rotated.secret))
        },
        .admin(.delete, "/v1/keys/:id", operation: "revokeKey") { _, context -> Response in
            let id = try parameter(context, "id")
            guard let revoked = try keyCall({ try keys.revoke(id: id) }) else { throw keyNotFound(id) }
            return JSONResponse.success(keyJSON(revoked, secret: nil))
        },
    ] }

    /// A key record as JSON; `secret` only in the answers that create or rotate it.
    static func keyJSON(_ record: APIKeyRecord, secret: String?) -> JSONValue {
        var object = JSONObject()
        object["id"] = .string(record.id)
        if let secret { object["key"] = .string(secret) }
        object["name"] = .string(record.name)
        object["prefix"] = .string(record.prefix)
        object["permissions"] = .array(APIKeyPermission.allCases.filter { record.permissions.contains($0) }.map { .string($0.rawValue) })
        object["rate_limit_per_minute"] = .number(Double(record.rateLimitPerMinute))
        object["created_at"] = .number(Double(record.createdAt))
        object["expires_at"] = record.expiresAt.map { .number(Double($0)) } ?? .null
        object["last_used"] = record.lastUsedAt.map { .number(Double($0)) } ?? .null
        object["active"] = .bool(record.active)
        return .object(object)
    }

    private static func keyNotFound(_ id: String) -> APIError {
        APIError(.notFound, "not_found", "no active API key has id \(id)", details: .object(JSONObject([("id", .string(id))])))
    }

    /// Runs a key-store call, mapping its errors to the contract's answers.
    private static func keyCall<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as KeyStoreError {
            switch error {
            case .invalid(let field, let message): throw APIError.invalid(message, field: field)
            case .storage(.unavailable), .storage(.closed): throw APIError(.serviceUnavailable, "unavailable", "the key store cannot write now")
            case .storage(.corrupt), .storage(.failed): throw APIError(.internalServerError, "internal", "the key store failed")
            }
        }
    }
}

/// `POST /v1/keys` body.
struct CreateKeyBody {
    var name: String
    var permissions: Set<APIKeyPermission>
    var rateLimitPerMinute: Int
    var expiresInDays: Int?

    static let keys = BodyKeys(["name", "permissions", "rate_limit_per_minute", "expires_in_days"])

    static func decode(_ reader: inout JSONReader) throws -> CreateKeyBody {
        var name: String?
        var permissions: Set<APIKeyPermission> = [.read]
        var rateLimit = KeyStore.defaultRateLimitPerMinute
        var expires: Int? = KeyStore.defaultExpiresInDays
        try reader.object("body", keys: keys) { key, _, reader in
            switch key {
            case "name": name = try reader.string("name")
            case "permissions":
                var chosen: Set<APIKeyPermission> = []
                try reader.array("permissions") { index, reader in
                    let text = try reader.string("permissions", item: index)
                    guard let permission = APIKeyPermission(rawValue: text) else {
                        throw APIError.invalid("permissions[\(index)] must be read, write or admin, got \"\(text)\"", field: "permissions")
                    }
                    chosen.insert(permission)
                }
                permissions = chosen
            case "rate_limit_per_minute": rateLimit = try reader.integer("rate_limit_per_minute", range: 1...10_000_000)
            case "expires_in_days":
                expires = try reader.null("expires_in_days") ? nil : try reader.integer("expires_in_days", range: 1...36_500)
            default: throw reader.undecoded(key)
            }
        }
        guard let name else { throw APIError.invalid("name is required", field: "name") }
        return CreateKeyBody(name: name, permissions: permissions, rateLimitPerMinute: rateLimit, expiresInDays: expires)
    }
}

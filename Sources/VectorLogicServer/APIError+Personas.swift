import HTTPTypes
import VectorLogicJSON
import VectorLogicPersonas
import VectorLogicSQLite

extension APIError {
    /// The contract's status and code for each persona-store error; storage trouble is 503 `unavailable`.
    init(_ error: PersonaStoreError) {
        switch error {
        case .invalid(let field, let message):
            self.init(.badRequest, "invalid_request", message, details: APIError.detailsObject(field: field, item: nil))
        case .personaNotFound(let id):
            self.init(.notFound, "not_found", error.description, details: .object(JSONObject([("persona_id", .string(id))])))
        case .memoryNotFound(let persona, let memory):
            self.init(.notFound, "not_found", error.description,
                      details: .object(JSONObject([("persona_id", .string(persona)), ("memory_id", .string(memory))])))
        case let .dimensionMismatch(expected, actual):
            self.init(.badRequest, "dimension_mismatch", error.description,
                      details: APIError.detailsObject(field: "vector", item: nil,
                                                      extra: [("expected", .int(expected)), ("actual", .int(actual))]))
        case .storage(.unavailable), .storage(.closed):
            self.init(.serviceUnavailable, "unavailable", "the persona store does not accept requests now; try again later")
        case .storage(.corrupt):
            self.init(.internalServerError, "internal", "the persona store is damaged; the operator should restore it from a snapshot")
        case .storage(.failed):
            self.init(.internalServerError, "internal", "internal error")
        }
    }

    /// 503 while the server runs without a persona store (an in-process app built without one).
    static let personasUnavailable = APIError(.serviceUnavailable, "unavailable", "personas are not available on this server")
}

import HTTPTypes
import VectorLogicEmbedding

extension APIError {
    /// 400 `embedding_unavailable`: text was sent but no provider is configured.
    static let noEmbeddingProvider = APIError(
        .badRequest, "embedding_unavailable",
        "no embedding provider is configured: start the server with --embedding-provider local (after tools/fetch-model) or openai, or send vectors")

    /// The contract's answer to a failed embedding: 502 when the provider answered wrongly, 503 when it could not be
    /// reached, is overloaded or its model could not be loaded, 504 when it did not answer in time; 400 for input it cannot take.
    static func embedding(_ error: EmbeddingError) -> APIError {
        switch error {
        case .providerFailed: return APIError(.badGateway, "embedding_provider_error", error.description)
        case .providerUnreachable: return APIError(.serviceUnavailable, "embedding_provider_unreachable", error.description)
        case .providerTimeout: return APIError(.gatewayTimeout, "embedding_provider_timeout", error.description)
        case .overloaded:
            var answer = APIError(.serviceUnavailable, "overloaded", error.description)
            answer.headers[.retryAfter] = "1"
            return answer
        case .invalidInput: return APIError.invalid(error.description)
        case .modelFileMissing, .modelFileDamaged:
            // The model loads after `listening on` (DeferredEmbeddingProvider): a damaged file is found then, and only
            // text inputs are affected until an operator replaces it (tools/fetch-model) and restarts.
            return APIError(.serviceUnavailable, "embedding_unavailable", "the embedding model could not be loaded: \(error.description)")
        }
    }
}

extension ServerState {
    /// Embeds `texts` with the configured provider (off the event loops), or throws the contract's error.
    func embed(_ texts: [String]) async throws -> [[Float]] {
        guard let provider = embedding else { throw APIError.noEmbeddingProvider }
        do {
            return try await provider.embed(texts)
        } catch {
            throw APIError.embedding(error)
        }
    }
}

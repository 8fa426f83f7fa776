import HTTPTypes
import VectorLogicEngine
import VectorLogicJSON
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

extension ServerState {
    /// Fills the values of the items of `body` sent with `text`: one provider call for all of them (≤
    /// `TextLimits.maxTextsPerRequest`), checked against the collection's dimension. Throws before anything is written: 404 for
    /// a missing collection, 400 `embedding_unavailable` without a provider, 400 `dimension_mismatch` naming both widths
    /// when the provider's differ from the collection's, and the provider's 5xx when it fails.
    func embedTexts(_ body: inout UpsertBody, collection: String) async throws {
        guard !body.texts.isEmpty else { return }
        guard let provider = embedding else { throw APIError.noEmbeddingProvider }
        let dimension = try database.collectionInfo(collection).config.dimension
        // Known before the call for the local model (384) and for an openai provider with --openai-dimensions: no work
        // is spent on texts whose vectors could not be stored.
        if let width = provider.dimension, width != dimension {
            throw APIError.textDimensionMismatch(collection: collection, dimension: dimension, provider: provider, width: width)
        }
        let vectors = try await embed(body.texts.map(\.text))
        guard vectors.count == body.texts.count else {
            throw APIError(.badGateway, "embedding_provider_error",
                           "the embedding provider answered \(vectors.count) vectors for \(body.texts.count) texts")
        }
        for (offset, item) in body.texts.enumerated() {
            let vector = vectors[offset]
            guard vector.count == dimension else {
                throw APIError.textDimensionMismatch(collection: collection, dimension: dimension, provider: provider, width: vector.count)
            }
            body.records[item.index].values = vector
        }
    }
}

extension APIError {
    /// 400 `dimension_mismatch`: the provider's vectors cannot be stored in the collection; names both widths.
    static func textDimensionMismatch(collection: String, dimension: Int, provider: any EmbeddingProvider, width: Int) -> APIError {
        APIError(.badRequest, "dimension_mismatch",
                 "collection \(collection) holds \(dimension)-dimensional vectors but the embedding provider (\(provider.kind), "
                 + "\(provider.model)) makes \(width)-dimensional ones; create the collection with dimension \(width) to store text",
                 details: APIError.detailsObject(field: "text", item: nil,
                                                 extra: [("expected", .int(dimension)), ("actual", .int(width)),
                                                         ("collection_dimension", .int(dimension)), ("provider_dimension", .int(width))]))
    }
}

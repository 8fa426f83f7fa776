/// A source of embeddings: the in-process model (`LocalEmbeddingProvider`) or an OpenAI-compatible HTTP endpoint
/// (`OpenAIEmbeddingProvider`). Callers never block a thread on it: `embed` suspends while the work runs elsewhere.
public protocol EmbeddingProvider: Sendable {
    /// "local" or "openai" (the `--embedding-provider` value).
    var kind: String { get }
    /// The model's name, as `/v1/embeddings` answers it.
    var model: String { get }
    /// The vector width when it is known before the first call (local: 384; openai: `dimensions` if configured).
    var dimension: Int? { get }
    /// One vector per text, in order. Nothing is partially returned: any failure throws.
    func embed(_ texts: [String]) async throws(EmbeddingError) -> [[Float]]
}

/// Which provider `vectorlogic serve` uses.
public enum EmbeddingProviderKind: String, Sendable, CaseIterable {
    /// No provider: text inputs are a 400 saying so.
    case none
    /// all-MiniLM-L6-v2 in process.
    case local
    /// An OpenAI-compatible `/v1/embeddings` endpoint.
    case openai
}

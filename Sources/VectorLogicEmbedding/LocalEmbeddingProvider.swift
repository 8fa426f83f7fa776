internal import Dispatch
internal import VectorLogicSync

/// The in-process model behind the provider interface: each call runs on one dedicated serial queue (never on an
/// event loop or the cooperative pool), so at most one forward pass runs at a time with `threads` cores, and at most
/// `maxPending` calls wait; more are refused at once (`EmbeddingError.overloaded`) rather than queued without bound.
public final class LocalEmbeddingProvider: EmbeddingProvider {
    public let kind = "local"
    public let model = MiniLMModelFiles.modelName
    public var dimension: Int? { MiniLMEmbedder.dimension }
    /// Calls that may wait for the model at once.
    public static let maxPending = 64

    /// The loaded model.
    public let embedder: MiniLMEmbedder
    private let queue = DispatchQueue(label: "vectorlogic.embedding")
    private let pending = Locked(0)

    /// Wraps a loaded model (load it at start, so no request pays for it).
    public init(embedder: MiniLMEmbedder) { self.embedder = embedder }

    public func embed(_ texts: [String]) async throws(EmbeddingError) -> [[Float]] {
        let admitted = pending.withLock { count -> Bool in
            guard count < Self.maxPending else { return false }
            count += 1
            return true
        }
        guard admitted else { throw .overloaded("\(Self.maxPending) embedding calls are already waiting") }
        let embedder = self.embedder, pending = self.pending
        return await withCheckedContinuation { continuation in
            queue.async {
                let vectors = embedder.embed(texts)
                pending.withLock { $0 -= 1 }
                continuation.resume(returning: vectors)
            }
        }
    }
}

import Dispatch
import Logging
import VectorLogicEmbedding
import VectorLogicSync

/// A provider whose model loads on its own thread while the server already answers. Loading all-MiniLM-L6-v2 (parsing
/// a 700 KB tokenizer, mapping and packing 90 MB of weights) takes ~0.5 s in a release build but 45 s in a debug build
/// on a busy 2-core machine; holding `listening on` for it would delay every vector request, /health and a restart's
/// first answer. Text requests that arrive during the load wait for it; if it fails they get the load's error.
final class DeferredEmbeddingProvider: EmbeddingProvider {
    let kind: String
    let model: String
    let dimension: Int?
    private let state = Locked(LoadState.loading([]))

    private enum LoadState {
        case loading([CheckedContinuation<Result<any EmbeddingProvider, EmbeddingError>, Never>])
        case done(Result<any EmbeddingProvider, EmbeddingError>)
    }

    /// Starts `load` on a new dispatch work item (never on an event loop or the cooperative pool: it blocks for its
    /// whole duration) and logs how it ended.
    init(kind: String, model: String, dimension: Int?, logger: Logger,
         load: @escaping @Sendable () throws(EmbeddingError) -> any EmbeddingProvider) {
        self.kind = kind
        self.model = model
        self.dimension = dimension
        let state = self.state
        DispatchQueue.global(qos: .userInitiated).async {
            let result: Result<any EmbeddingProvider, EmbeddingError>
            do throws(EmbeddingError) {
                result = .success(try load())
            } catch {
                logger.error("embedding provider \(kind) failed to load; text inputs answer 503 until a restart",
                             metadata: ["error": .string(error.description)])
                result = .failure(error)
            }
            let waiting = state.withLock { current -> [CheckedContinuation<Result<any EmbeddingProvider, EmbeddingError>, Never>] in
                guard case .loading(let waiting) = current else { return [] }
                current = .done(result)
                return waiting
            }
            for continuation in waiting { continuation.resume(returning: result) }
        }
    }

    /// The loaded provider (waits for the load), or the load's error.
    func loaded() async -> Result<any EmbeddingProvider, EmbeddingError> {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { current -> Result<any EmbeddingProvider, EmbeddingError>? in
                switch current {
                case .done(let result): return result
                case .loading(var waiting):
                    waiting.append(continuation)
                    current = .loading(waiting)
                    return nil
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    func embed(_ texts: [String]) async throws(EmbeddingError) -> [[Float]] {
        try await loaded().get().embed(texts)
    }
}

extension EmbeddingProvider {
    /// The provider behind a deferred load (waiting for it), or this one; nil when the load failed.
    func resolved() async -> (any EmbeddingProvider)? {
        guard let deferred = self as? DeferredEmbeddingProvider else { return self }
        return try? await deferred.loaded().get()
    }
}

public import Logging
public import VectorLogicEmbedding

/// Chooses the embedding provider at start; the local model then loads in the background (`DeferredEmbeddingProvider`).
public enum EmbeddingSetup {
    /// The provider `configuration` asks for: nil for `none`, and for the default (`auto`) when the local model files
    /// are absent. An explicit `local` whose files are missing or damaged throws, naming the file and the command that
    /// fetches it; so does an `openai` with an unusable base URL.
    public static func makeProvider(
        _ configuration: ServerConfiguration, environment: [String: String], logger: Logger
    ) throws(ConfigurationError) -> (any EmbeddingProvider)? {
        let directory = configuration.embeddingModelDirectory.map { expandHome($0, environment) }
            ?? MiniLMModelFiles.defaultDirectory(environment: environment)
        let kind = configuration.embeddingProvider ?? (MiniLMModelFiles.present(in: directory) ? "local" : "none")
        switch kind {
        case "local":
            // Missing files are a start error (the operator asked for `local` or the files vanished since the check
            // above); the load itself runs after `listening on` (DeferredEmbeddingProvider says why).
            guard MiniLMModelFiles.present(in: directory) else {
                throw ConfigurationError("--embedding-provider local: the model files are not in \(directory) (run tools/fetch-model)")
            }
            let threads = configuration.embeddingThreads > 0 ? configuration.embeddingThreads : ServerState.processors()
            return DeferredEmbeddingProvider(kind: "local", model: MiniLMModelFiles.modelName, dimension: MiniLMEmbedder.dimension,
                                             logger: logger) { () throws(EmbeddingError) -> any EmbeddingProvider in
                let start = ContinuousClock.now
                let embedder = try MiniLMEmbedder(directory: directory, threads: threads)
                let elapsed = ContinuousClock.now - start
                logger.info("embedding provider local", metadata: [
                    "model": .string(MiniLMModelFiles.modelName), "dir": .string(directory), "threads": .stringConvertible(threads),
                    "blas": .string(embedder.blasCore),
                    "load_ms": .stringConvertible(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
                ])
                return LocalEmbeddingProvider(embedder: embedder)
            }
        case "openai":
            let settings = OpenAIProviderSettings(
                baseURL: configuration.openAIBaseURL, model: configuration.embeddingModel, apiKey: configuration.openAIAPIKey,
                dimensions: configuration.openAIDimensions, timeoutSeconds: Double(configuration.openAITimeoutMilliseconds) / 1000)
            do {
                let provider = try OpenAIEmbeddingProvider(settings: settings)
                logger.info("embedding provider \(settings)")  // the key is never part of the description
                return provider
            } catch {
                throw ConfigurationError("--embedding-provider openai: \(error)")
            }
        default:
            logger.info("no embedding provider: text inputs answer 400 (fetch the local model with tools/fetch-model)")
            return nil
        }
    }

    private static func expandHome(_ path: String, _ environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
        return home + path.dropFirst()
    }
}

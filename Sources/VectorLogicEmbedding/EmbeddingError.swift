/// Why an embedding could not be made or a model could not be loaded; each case reads as one sentence for operators.
public enum EmbeddingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A model file is absent (`file` is its path).
    case modelFileMissing(file: String)
    /// A model file is present but unusable (`file` is its path or name).
    case modelFileDamaged(file: String, reason: String)
    /// The provider could not be reached (connection refused, DNS, reset before an answer).
    case providerUnreachable(String)
    /// The provider did not answer within the per-call timeout.
    case providerTimeout(String)
    /// The provider answered, but with an error status or a body that is not a valid embeddings answer.
    case providerFailed(String)
    /// Too many embedding calls are waiting; try again shortly.
    case overloaded(String)
    /// The input cannot be embedded (for example more texts than a request may carry).
    case invalidInput(String)

    /// The command that fetches the local model files into the default cache directory (tools/fetch-model in the
    /// repository; its steps, for a machine without the repository, are in the README "Embeddings").
    public static let fetchCommand = "tools/fetch-model"

    public var description: String {
        switch self {
        case .modelFileMissing(let file):
            return "model file \(file) is missing; fetch the model with `\(Self.fetchCommand)` (or pass --embedding-model-dir)"
        case let .modelFileDamaged(file, reason):
            return "model file \(file) is damaged (\(reason)); fetch it again with `\(Self.fetchCommand)`"
        case .providerUnreachable(let detail): return "embedding provider unreachable: \(detail)"
        case .providerTimeout(let detail): return "embedding provider timed out: \(detail)"
        case .providerFailed(let detail): return "embedding provider error: \(detail)"
        case .overloaded(let detail): return "embedding is overloaded: \(detail)"
        case .invalidInput(let detail): return detail
        }
    }
}

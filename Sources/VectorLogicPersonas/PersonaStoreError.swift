import VectorLogicSQLite

/// Why a persona-store call failed. Every SQLite failure is mapped to one of these, so callers never see a result code.
public enum PersonaStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field is out of range or malformed; nothing was changed.
    case invalid(field: String, message: String)
    /// No persona has this id.
    case personaNotFound(String)
    /// The persona has no memory with this id.
    case memoryNotFound(persona: String, memory: String)
    /// A memory vector's length differs from the dimension the persona's first memory vector fixed.
    case dimensionMismatch(expected: Int, actual: Int)
    /// The disk is full, an I/O call failed, or the file is read-only: writes cannot be made durable now.
    case unavailable(String)
    /// The file is damaged or is not a SQLite database.
    case corrupt(String)
    /// The store was closed.
    case closed
    /// Any other SQLite failure (a bug, not bad input).
    case failed(String)

    /// One sentence for logs and error answers (no file paths).
    public var description: String {
        switch self {
        case .invalid(_, let message): return message
        case .personaNotFound(let id): return "persona \(id) does not exist"
        case .memoryNotFound(let persona, let memory): return "memory \(memory) does not exist in persona \(persona)"
        case let .dimensionMismatch(expected, actual):
            return "vector has \(actual) dimensions but this persona's memory vectors have \(expected)"
        case .unavailable(let reason): return "the persona store cannot write now: \(reason)"
        case .corrupt(let reason): return "the persona store is damaged: \(reason)"
        case .closed: return "the persona store is closed"
        case .failed(let reason): return "the persona store failed: \(reason)"
        }
    }
}

extension PersonaStoreError: SQLiteStoreError {}

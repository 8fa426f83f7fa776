public import VectorLogicSQLite

/// Why a persona-store call failed. Every SQLite failure comes out as `.storage`, so callers never see a result code.
public enum PersonaStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field is out of range or malformed; nothing was changed.
    case invalid(field: String, message: String)
    /// No persona has this id.
    case personaNotFound(String)
    /// The persona has no memory with this id.
    case memoryNotFound(persona: String, memory: String)
    /// A memory vector's length differs from the dimension the persona's first memory vector fixed.
    case dimensionMismatch(expected: Int, actual: Int)
    /// `personas.sqlite` could not be read or written (full disk, damage, closed store, or a bug).
    case storage(SQLiteError)

    /// One sentence for logs and error answers (no file paths).
    public var description: String {
        switch self {
        case .invalid(_, let message): return message
        case .personaNotFound(let id): return "persona \(id) does not exist"
        case .memoryNotFound(let persona, let memory): return "memory \(memory) does not exist in persona \(persona)"
        case let .dimensionMismatch(expected, actual):
            return "vector has \(actual) dimensions but this persona's memory vectors have \(expected)"
        case .storage(let failure): return failure.sentence(store: "persona store")
        }
    }
}

extension PersonaStoreError: SQLiteStoreError {}

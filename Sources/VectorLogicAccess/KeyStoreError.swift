import VectorLogicSQLite

/// Why a key-store call failed. Every SQLite failure is mapped to one of these, so callers never see a result code.
public enum KeyStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field is out of range or malformed; nothing was changed.
    case invalid(field: String, message: String)
    /// The disk is full, an I/O call failed, or the file is read-only: changes cannot be made durable now.
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
        case .unavailable(let reason): return "the key store cannot write now: \(reason)"
        case .corrupt(let reason): return "the key store is damaged: \(reason)"
        case .closed: return "the key store is closed"
        case .failed(let reason): return "the key store failed: \(reason)"
        }
    }
}

extension KeyStoreError: SQLiteStoreError {}

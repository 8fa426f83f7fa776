public import VectorLogicSQLite

/// Why a key-store call failed. Every SQLite failure comes out as `.storage`, so callers never see a result code.
public enum KeyStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field is out of range or malformed; nothing was changed.
    case invalid(field: String, message: String)
    /// `keys.sqlite` could not be read or written (full disk, damage, closed store, or a bug).
    case storage(SQLiteError)

    /// One sentence for logs and error answers (no file paths).
    public var description: String {
        switch self {
        case .invalid(_, let message): return message
        case .storage(let failure): return failure.sentence(store: "key store")
        }
    }
}

extension KeyStoreError: SQLiteStoreError {}

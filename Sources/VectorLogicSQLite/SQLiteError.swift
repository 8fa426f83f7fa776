/// Why a SQLite call failed, by what the caller can do about it. Every result code is mapped to one of these
/// (`SQLiteConnection.error(code:message:)`), so the stores above never see a raw result code.
package enum SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The disk is full, an I/O call failed, the file is read-only or locked: writes cannot be made durable now.
    case unavailable(String)
    /// The file is damaged or is not a SQLite database.
    case corrupt(String)
    /// The connection was closed.
    case closed
    /// Any other failure (a bug, not bad input).
    case failed(String)

    /// SQLite's message (no file paths are added here).
    package var description: String {
        switch self {
        case .unavailable(let reason), .corrupt(let reason), .failed(let reason): return reason
        case .closed: return "closed"
        }
    }
}

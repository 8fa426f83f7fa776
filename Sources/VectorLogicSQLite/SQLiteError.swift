#if canImport(Glibc)
import Glibc
#endif

/// Why a SQLite call failed, by what the caller can do about it. Every result code is mapped to one of these
/// (`SQLiteConnection.error(code:message:)`), so the stores above never see a raw result code. Each store's own error
/// type carries it as its `storage` case (`SQLiteStoreError`), so the four outcomes are declared once.
public enum SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The disk is full, an I/O call failed, the file is read-only or locked: writes cannot be made durable now.
    case unavailable(String)
    /// The file is damaged or is not a SQLite database.
    case corrupt(String)
    /// The connection was closed.
    case closed
    /// Any other failure (a bug, not bad input).
    case failed(String)

    /// SQLite's message (no file paths are added here).
    public var description: String {
        switch self {
        case .unavailable(let reason), .corrupt(let reason), .failed(let reason): return reason
        case .closed: return "closed"
        }
    }

    /// One sentence for logs and error answers about the named store, e.g. "the key store is damaged: …".
    public func sentence(store: String) -> String {
        switch self {
        case .unavailable(let reason): return "the \(store) cannot write now: \(reason)"
        case .corrupt(let reason): return "the \(store) is damaged: \(reason)"
        case .closed: return "the \(store) is closed"
        case .failed(let reason): return "the \(store) failed: \(reason)"
        }
    }
}

/// A store's own error type, with a `storage(SQLiteError)` case, so each store maps SQLite's failures into its own
/// type through this one implementation (the enum case witnesses the static requirement).
package protocol SQLiteStoreError: Error {
    static func storage(_ failure: SQLiteError) -> Self
}

extension SQLiteStoreError {
    /// Runs `body`; a `SQLiteError` it throws comes out as this store's error, any other error unchanged.
    package static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            throw Self.storage(error)
        }
    }

    /// Opens the connection at `path` and runs `setUp` on it (pragmas, schema); if anything fails the connection is
    /// closed again, and SQLite's failures come out as this store's error.
    package static func openConnection(path: String, _ setUp: (SQLiteConnection) throws -> Void) throws -> SQLiteConnection {
        let connection = try mapping { try SQLiteConnection(path: path) }
        do {
            try mapping { try setUp(connection) }
        } catch {
            connection.close()
            throw error
        }
        return connection
    }
}

/// The wall clock in milliseconds since the Unix epoch (the stores' timestamps).
package func wallClockMilliseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Int64(time.tv_sec) * 1_000 + Int64(time.tv_nsec) / 1_000_000
}

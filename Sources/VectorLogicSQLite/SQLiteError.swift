#if canImport(Glibc)
import Glibc
#endif

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

/// A store's own error type, with (at least) the four SQLite outcomes as cases, so each store maps SQLite's failures
/// into its own type through this one implementation (enum cases witness the static requirements).
package protocol SQLiteStoreError: Error {
    static func unavailable(_ reason: String) -> Self
    static func corrupt(_ reason: String) -> Self
    static var closed: Self { get }
    static func failed(_ reason: String) -> Self
}

extension SQLiteStoreError {
    /// The store's view of a SQLite failure.
    package init(_ error: SQLiteError) {
        switch error {
        case .unavailable(let reason): self = .unavailable(reason)
        case .corrupt(let reason): self = .corrupt(reason)
        case .closed: self = .closed
        case .failed(let reason): self = .failed(reason)
        }
    }

    /// Runs `body`; a `SQLiteError` it throws comes out as this store's error, any other error unchanged.
    package static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            throw Self(error)
        }
    }
}

/// The wall clock in milliseconds since the Unix epoch (the stores' timestamps).
package func wallClockMilliseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Int64(time.tv_sec) * 1_000 + Int64(time.tv_nsec) / 1_000_000
}

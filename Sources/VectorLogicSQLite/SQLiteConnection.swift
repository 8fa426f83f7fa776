import CSQLite
import VectorLogicIO

/// `SQLITE_TRANSIENT`: SQLite copies bound bytes before the bind call returns (the C macro is not imported).
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One SQLite connection with a cache of prepared statements. Not thread-safe: its owner (`PersonaStore`, `KeyStore`)
/// guards it with a lock.
package final class SQLiteConnection {
    private var handle: OpaquePointer?
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens (creating if needed) the database file at `path`, private to the owner: created 0600 here (SQLite would
    /// create it 0644 under the usual umask), its `-wal` and `-shm` files then take that mode from it; files an older
    /// build left group- or world-readable are tightened.
    package init(path: String) throws(SQLiteError) {
        do {
            try PrivateFiles.prepare(path)
        } catch {
            throw SQLiteError.failed("cannot create \(path): \(error.description)")
        }
        for suffix in ["-wal", "-shm"] { PrivateFiles.restrictIfPresent(path + suffix) }
        var db: OpaquePointer?
        // NOMUTEX: the store serialises every call itself, so SQLite's own mutexes would only cost time.
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let error = SQLiteConnection.error(code: code, message: db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open")
            sqlite3_close_v2(db)
            throw error
        }
        handle = db
        sqlite3_extended_result_codes(db, 0)
        // A writer waits up to 5 s for another process's lock (e.g. an offline tool reading the file) before failing.
        sqlite3_busy_timeout(db, 5_000)
    }

    deinit { close() }

    /// Finalizes every statement and closes the connection; later calls throw `.closed`.
    package func close() {
        for statement in statements.values { statement.finalize() }
        statements.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs one or more statements with no parameters and no rows (DDL, pragmas, BEGIN/COMMIT).
    package func execute(_ sql: String) throws(SQLiteError) {
        guard let handle else { throw SQLiteError.closed }
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw failure(code) }
    }

    /// The cached prepared statement for `sql`, reset and with no bindings.
    package func statement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        guard let handle else { throw SQLiteError.closed }
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var raw: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard code == SQLITE_OK, let raw else { throw failure(code) }
        let statement = SQLiteStatement(raw, connection: self)
        statements[sql] = statement
        return statement
    }

    /// Runs `body` in one write transaction: committed (durably, with `synchronous=FULL`) when it returns, rolled back
    /// when it throws, so a rejected request changes nothing.
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        let value: T
        do {
            value = try body()
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        return value
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    package var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }

    /// The typed error for a failed call, with SQLite's message.
    package func failure(_ code: Int32) -> SQLiteError {
        SQLiteConnection.error(code: code, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed")
    }

    /// Maps a result code: storage trouble is `unavailable` (503), damage is `corrupt`, the rest are bugs.
    package static func error(code: Int32, message: String) -> SQLiteError {
        switch code & 0xFF {
        case SQLITE_FULL: return .unavailable("the disk is full")
        case SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_NOMEM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_PERM, SQLITE_PROTOCOL:
            return .unavailable(message)
        case SQLITE_CORRUPT, SQLITE_NOTADB: return .corrupt(message)
        default: return .failed(message)
        }
    }
}

import CSQLite

/// A prepared statement: 1-based parameter binding, stepping, 0-based column reads.
package final class SQLiteStatement {
    private var raw: OpaquePointer?
    private unowned let connection: SQLiteConnection

    package init(_ raw: OpaquePointer, connection: SQLiteConnection) {
        self.raw = raw
        self.connection = connection
    }

    package func finalize() {
        sqlite3_finalize(raw)
        raw = nil
    }

    /// Ready for new bindings and a new run.
    package func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    package func bind(_ index: Int32, _ value: Int64) throws(SQLiteError) {
        try check(sqlite3_bind_int64(raw, index, value))
    }

    package func bind(_ index: Int32, _ value: Int) throws(SQLiteError) {
        try bind(index, Int64(value))
    }

    package func bind(_ index: Int32, _ value: Double) throws(SQLiteError) {
        try check(sqlite3_bind_double(raw, index, value))
    }

    /// Binds text with its byte length, so a string holding U+0000 is stored whole (with -1 SQLite stops at the NUL).
    package func bind(_ index: Int32, _ value: String) throws(SQLiteError) {
        let bytes = Array(value.utf8)
        let code = bytes.withUnsafeBufferPointer { buffer -> Int32 in
            // An empty string still needs a non-nil pointer, or SQLite stores NULL.
            let start = UnsafeRawPointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1))
            return sqlite3_bind_text(raw, index, start?.assumingMemoryBound(to: CChar.self), Int32(buffer.count), sqliteTransient)
        }
        try check(code)
    }

    /// Binds bytes, or NULL for nil.
    package func bind(_ index: Int32, _ value: [UInt8]?) throws(SQLiteError) {
        guard let value else {
            try check(sqlite3_bind_null(raw, index))
            return
        }
        let code = value.withUnsafeBytes { bytes in
            // A zero-length blob still needs a non-nil pointer, or SQLite stores NULL.
            sqlite3_bind_blob(raw, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), sqliteTransient)
        }
        try check(code)
    }

    /// Advances: true while there is a row to read, false when done.
    package func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(raw)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.failure(code)
        }
    }

    /// Runs a statement that returns no rows.
    package func run() throws(SQLiteError) {
        _ = try step()
        sqlite3_reset(raw)
    }

    package func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }
    package func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(raw, column)) }
    package func double(_ column: Int32) -> Double { sqlite3_column_double(raw, column) }
    package func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }

    package func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(raw, column) else { return "" }
        let count = Int(sqlite3_column_bytes(raw, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The blob's bytes, or nil for NULL.
    package func blob(_ column: Int32) -> [UInt8]? {
        guard !isNull(column) else { return nil }
        let count = Int(sqlite3_column_bytes(raw, column))
        guard count > 0, let bytes = sqlite3_column_blob(raw, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    private func check(_ code: Int32) throws(SQLiteError) {
        guard code == SQLITE_OK else { throw connection.failure(code) }
    }
}

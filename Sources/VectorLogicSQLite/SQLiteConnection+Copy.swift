import VectorLogicIO

extension SQLiteConnection {
    /// Writes a transactionally consistent, compacted copy of the database to the new file `path` (`VACUUM INTO`): one
    /// self-contained file with no WAL, taken while the caller holds the store's lock, so no write is half in it.
    /// The file is created empty with mode 0600 first (VACUUM INTO accepts an empty file, and would create a new one
    /// 0644), so a copy of key hashes or memories is never readable by others.
    package func copy(to path: String) throws(SQLiteError) {
        do {
            try PrivateFiles.prepare(path)
        } catch {
            throw SQLiteError.failed("cannot create \(path): \(error.description)")
        }
        var quoted = "'"
        for character in path { quoted += character == "'" ? "''" : String(character) }
        try execute("VACUUM INTO \(quoted)'")
    }

    /// The pragmas every store opens with: WAL so readers do not block the writer; `synchronous=FULL` (the default) so
    /// a committed transaction is on disk before a 2xx, or NORMAL when the operator chose a weaker durability (still
    /// crash-consistent, but the newest commits may be lost on power failure).
    package static func pragmas(durable: Bool) -> String {
        """
        PRAGMA journal_mode=WAL;
        PRAGMA synchronous=\(durable ? "FULL" : "NORMAL");
        PRAGMA foreign_keys=ON;
        """
    }
}

public import VectorLogicSQLite

extension KeyStore {
    /// What `vectorlogic verify` finds in the key store file at `path` (`SQLiteFileCheck`): SQLite's integrity check,
    /// the layout version, the `api_keys` columns, whether `KeyStore(path:)` — the server's own open — succeeds on a
    /// copy, and every row well formed (`SalvagedKey`: SQLite has no checksum over a row's bytes, so a flipped byte in
    /// a permission or a flag passes its integrity check; `repair` saves such a key revoked). No finding for an absent
    /// file (the server creates it). The original file is never changed.
    public static func check(path: String) -> [StoreFileFinding] {
        SQLiteFileCheck.run(path: path, ddl: schema, maxVersion: layoutVersion) { copy in
            try KeyStore(path: copy).close()
            return try malformedRows(in: copy)
        }
    }

    /// One error finding when some `api_keys` rows are unreadable, or malformed and not revoked.
    private static func malformedRows(in path: String) throws -> [StoreFileFinding] {
        let connection = try KeyStoreError.mapping { try SQLiteConnection(path: path) }
        defer { connection.close() }
        var tally = StoreTableSalvage(table: "api_keys")
        try connection.salvageRows(of: "api_keys", columns: SalvagedKey.columns, into: &tally) { row in
            guard let key = SalvagedKey(row) else { return .dropped }
            return key.revoked && !key.storedRevoked ? .savedRevoked : .saved
        }
        let bad = tally.dropped + tally.savedRevoked + tally.unreadable
        guard bad > 0 || tally.failure != nil else { return [] }
        return [StoreFileFinding(isError: true, message: "\(bad) api_keys rows are malformed or unreadable (\(tally.summary)); "
                                 + "`vectorlogic repair` keeps the intact keys and revokes the malformed ones")]
    }
}

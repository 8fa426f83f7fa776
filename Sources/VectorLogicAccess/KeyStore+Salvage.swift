public import VectorLogicSQLite

extension KeyStore {
    /// Builds a fresh key store at `fresh` (by `KeyStore(path:)`, the server's own open) from every row of the damaged
    /// store at `damaged` that can still be read (`SQLiteConnection.salvageRows`), for `vectorlogic repair`.
    ///
    /// A key is never given back more than it had: a row whose every field is well formed is saved as it was; a row
    /// whose id and secret hash are intact but any other field is not is saved **revoked** (it can no longer
    /// authenticate, and an operator still sees it listed); anything else, and every row that cannot be read, is
    /// absent, so its secret no longer authenticates. `damaged` is read through a scratch copy and never changed.
    public static func salvage(from damaged: String, into fresh: String) throws -> StoreTableSalvage {
        try KeyStoreError.mapping { try SQLiteScratchCopy.withSalvageSource(damaged) { source in try salvage(from: source, into: fresh) } }
    }

    private static func salvage(from source: SQLiteConnection, into fresh: String) throws -> StoreTableSalvage {
        let store = try KeyStore(path: fresh)
        defer { store.close() }
        var tally = StoreTableSalvage(table: "api_keys")
        try store.locked { state in
            let connection = state.connection
            try connection.transaction { () throws in
                let insert = try connection.statement("""
                    INSERT OR IGNORE INTO api_keys (id, name, prefix, secret_sha256, permissions, rate_limit_per_minute,
                        created_at, expires_at, last_used_at, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                    """)
                try source.salvageRows(of: "api_keys", columns: SalvagedKey.columns, into: &tally) { row in
                    guard let salvaged = SalvagedKey(row) else { return .dropped }
                    insert.reset()
                    try salvaged.bind(to: insert)
                    try insert.run()
                    // No change: a second row with the same id or secret hash, which is damage, not a key.
                    guard connection.changes > 0 else { return .dropped }
                    return salvaged.revoked ? .savedRevoked : .saved
                }
            }
            try state.reload()
        }
        return tally
    }
}

/// One readable `api_keys` row, checked field by field (column 0 of the row is its rowid).
struct SalvagedKey {
    /// The columns `init` reads, after the rowid.
    static let columns = "id, name, prefix, secret_sha256, permissions, rate_limit_per_minute, created_at, expires_at, last_used_at, active"

    var id: String
    var name: String
    var prefix: String
    var digest: [UInt8]
    var permissions: String
    var rateLimit: Int
    var createdAt: Int64
    var expiresAt: Int64?
    var lastUsedAt: Int64?
    /// True when a field other than id and digest was malformed: the salvage saves the key inactive.
    var revoked: Bool
    /// Whether the saved row may authenticate: well formed and active before the damage.
    var isActive: Bool
    /// Whether the row was stored revoked (a malformed revoked row is harmless: it cannot authenticate).
    var storedRevoked: Bool

    /// Nil when the row cannot identify a key (id or secret hash damaged).
    init?(_ row: SQLiteStatement) {
        id = row.string(1)
        guard (1...64).contains(id.utf8.count), id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
              let digest = row.blob(4), digest.count == 32 else { return nil }
        self.digest = digest
        name = row.string(2)
        prefix = row.string(3)
        permissions = row.string(5)
        rateLimit = row.int(6)
        createdAt = row.int64(7)
        expiresAt = row.isNull(8) ? nil : row.int64(8)
        lastUsedAt = row.isNull(9) ? nil : row.int64(9)
        let parsed = Set(permissions.split(separator: ",", omittingEmptySubsequences: false).compactMap { APIKeyPermission(rawValue: String($0)) })
        let wellFormed = !parsed.isEmpty && KeyStore.encode(parsed) == permissions
            && (1...256).contains(name.unicodeScalars.count) && (1...12).contains(prefix.utf8.count)
            && (1...10_000_000).contains(rateLimit) && !row.isNull(10) && (row.int(10) == 0 || row.int(10) == 1)
        revoked = !wellFormed
        isActive = wellFormed && row.int(10) == 1
        storedRevoked = !row.isNull(10) && row.int(10) == 0
        if !wellFormed {
            permissions = KeyStore.encode(parsed)
            rateLimit = min(max(rateLimit, 1), 10_000_000)
            if name.isEmpty { name = "salvaged" }
        }
    }

    func bind(to insert: SQLiteStatement) throws(SQLiteError) {
        try insert.bind(1, id)
        try insert.bind(2, name)
        try insert.bind(3, prefix)
        try insert.bind(4, digest)
        try insert.bind(5, permissions)
        try insert.bind(6, rateLimit)
        try insert.bind(7, createdAt)
        if let expiresAt { try insert.bind(8, expiresAt) } else { try insert.bind(8, nil as [UInt8]?) }
        if let lastUsedAt { try insert.bind(9, lastUsedAt) } else { try insert.bind(9, nil as [UInt8]?) }
        try insert.bind(10, isActive ? 1 : 0)
    }
}

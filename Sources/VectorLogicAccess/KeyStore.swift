#if canImport(Glibc)
import Glibc
#endif
import VectorLogicFormat
import VectorLogicSQLite
import VectorLogicSync

/// What a key may do (README "API keys"): `read` GETs and searches, `write` changes vectors and personas, `admin`
/// everything (collections, keys, snapshots).
public enum APIKeyPermission: String, Sendable, Hashable, CaseIterable {
    /// GET and search routes.
    case read
    /// Changes to vectors and personas.
    case write
    /// Collections, keys, snapshots and everything else.
    case admin
}

/// A key's record, without its secret (which is never stored: only its SHA-256 is).
public struct APIKeyRecord: Sendable, Hashable {
    /// Server-made id (UUIDv4).
    public var id: String
    /// The operator's name for it.
    public var name: String
    /// The secret's first 12 characters (`vdb_` + 8 hex), to recognise a key in lists and logs.
    public var prefix: String
    /// What it may do.
    public var permissions: Set<APIKeyPermission>
    /// Requests per minute this key may make (its own rate-limit bucket).
    public var rateLimitPerMinute: Int
    /// Milliseconds since the Unix epoch.
    public var createdAt: Int64
    /// When it stops working; nil: never.
    public var expiresAt: Int64?
    /// Last successful use (kept to the minute); nil: never used.
    public var lastUsedAt: Int64?
    /// False once revoked.
    public var active: Bool
}

/// The outcome of presenting a secret.
public enum KeyCheck: Sendable, Equatable {
    /// A live key.
    case valid(APIKeyRecord)
    /// No key has this secret.
    case unknown
    /// The key was revoked (or its secret rotated away).
    case revoked
    /// The key is past its expiry.
    case expired
}

/// API keys in `<data-dir>/keys.sqlite`: records plus the SHA-256 of each secret, never the secret itself.
///
/// Lookups are served from an in-memory table rebuilt after every change, so authenticating a request costs one hash
/// and one dictionary lookup; `last_used` is written at most once a minute per key.
public final class KeyStore: Sendable {
    /// The file's name inside the server's data directory.
    public static let fileName = "keys.sqlite"
    /// Every key starts with this.
    public static let secretPrefix = "vdb_"

    let state: Locked<KeyStoreState>
    let now: @Sendable () -> Int64

    /// Opens or creates the store at `path`.
    public init(path: String, now: @escaping @Sendable () -> Int64 = KeyStore.systemMilliseconds) throws {
        let connection = try KeyStoreError.openConnection(path: path) { connection in
            try connection.execute(SQLiteConnection.pragmas(durable: true))
            let found = try connection.strings("PRAGMA user_version").first.flatMap { Int($0) } ?? 0
            guard found <= KeyStore.layoutVersion else {
                throw KeyStoreError.storage(.failed("keys.sqlite has layout version \(found); this build reads up to \(KeyStore.layoutVersion)"))
            }
            try connection.transaction {
                try connection.execute(KeyStore.schema)
                if found < KeyStore.layoutVersion { try connection.execute("PRAGMA user_version = \(KeyStore.layoutVersion)") }
            }
        }
        state = Locked(KeyStoreState(connection: connection))
        self.now = now
        try locked { state in try state.reload() }
    }

    /// The wall clock in milliseconds since the Unix epoch.
    @Sendable public static func systemMilliseconds() -> Int64 { wallClockMilliseconds() }

    /// Runs `body` under the lock; SQLite's failures come out as `KeyStoreError`.
    func locked<T>(_ body: (inout KeyStoreState) throws -> T) throws -> T {
        try KeyStoreError.mapping { try state.withLock { state in try body(&state) } }
    }

    /// A consistent copy of `keys.sqlite` at `path`, for snapshots (`SnapshotExtra`). Pending `last_used` times not yet
    /// written are not in it (they are advisory).
    public func copy(to path: String) throws {
        try locked { state in try state.connection.copy(to: path) }
    }

    /// Opens `<directory>/keys.sqlite`.
    public convenience init(dataDirectory: String, now: @escaping @Sendable () -> Int64 = KeyStore.systemMilliseconds) throws {
        try self.init(path: dataDirectory + "/" + KeyStore.fileName, now: now)
    }

    /// `PRAGMA user_version` of this layout (data-format.md "keys.sqlite"); files made before it was recorded have 0.
    static let layoutVersion = 1

    static let schema = """
    CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        secret_sha256 BLOB NOT NULL UNIQUE,
        permissions TEXT NOT NULL,
        rate_limit_per_minute INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        last_used_at INTEGER,
        active INTEGER NOT NULL
    ) STRICT;
    """

    /// Writes pending `last_used` times and closes the connection; later calls throw `.closed`.
    public func close() {
        state.withLock { state in
            try? state.flushLastUsed()
            state.connection.close()
        }
    }

    /// A new secret: `vdb_` and 64 hex digits from the system's CSPRNG.
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        var hex = secretPrefix
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            let digits = String(word, radix: 16)
            hex += String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex
    }

    /// Whether `secret` has the shape of a key (`vdb_` + 64 lowercase hex digits).
    public static func isWellFormed(_ secret: String) -> Bool {
        guard secret.hasPrefix(secretPrefix) else { return false }
        let digits = secret.utf8.dropFirst(secretPrefix.utf8.count)
        return digits.count == 64 && digits.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// Whether `secret` can be a key at all: made keys are `vdb_` + 64 hex; an adopted `VECTORLOGIC_ADMIN_KEY` may be
    /// any 16–256 visible ASCII characters.
    static func isAcceptable(_ secret: String) -> Bool {
        (16...256).contains(secret.utf8.count) && secret.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// Days a new key works when its maker does not say (`POST /v1/keys` and `keys create` alike; README "API keys"):
    /// a forgotten key stops by itself within a year. Both can ask for a key that never expires.
    public static let defaultExpiresInDays = 365
    /// A new key's requests per minute when its maker does not say.
    public static let defaultRateLimitPerMinute = 1_000

    /// Makes a key; returns its record and the secret (shown to the caller once, never stored).
    /// `secret` lets the server adopt `VECTORLOGIC_ADMIN_KEY`: 16–256 visible ASCII characters.
    public func create(name: String, permissions: Set<APIKeyPermission>, rateLimitPerMinute: Int, expiresInDays: Int?,
                       id: String, secret: String = KeyStore.newSecret()) throws -> (record: APIKeyRecord, secret: String) {
        try Self.validate(name: name, permissions: permissions, rateLimitPerMinute: rateLimitPerMinute, expiresInDays: expiresInDays)
        guard Self.isAcceptable(secret) else {
            throw KeyStoreError.invalid(field: "key", message: "an API key must be 16-256 visible ASCII characters")
        }
        let created = now()
        let record = APIKeyRecord(
            id: id, name: name, prefix: String(secret.prefix(12)), permissions: permissions,
            rateLimitPerMinute: rateLimitPerMinute, createdAt: created,
            expiresAt: expiresInDays.map { created + Int64($0) * 86_400_000 }, lastUsedAt: nil, active: true)
        try locked { state in
            let connection = state.connection
            try connection.transaction { () throws in
                let insert = try connection.statement("""
                    INSERT INTO api_keys (id, name, prefix, secret_sha256, permissions, rate_limit_per_minute, created_at,
                                          expires_at, last_used_at, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 1)
                    """)
                try insert.bind(1, record.id)
                try insert.bind(2, record.name)
                try insert.bind(3, record.prefix)
                try insert.bind(4, SHA256.hash(Array(secret.utf8)))
                try insert.bind(5, Self.encode(record.permissions))
                try insert.bind(6, record.rateLimitPerMinute)
                try insert.bind(7, record.createdAt)
                if let expires = record.expiresAt { try insert.bind(8, expires) } else { try insert.bind(8, nil as [UInt8]?) }
                try insert.run()
            }
            try state.reload()
        }
        return (record, secret)
    }

    /// Every key, newest first, without secrets.
    public func list() throws -> [APIKeyRecord] {
        try locked { state in
            try state.flushLastUsed()
            return state.records.values.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        }
    }

    /// Whether no key exists (then the server makes the first admin key).
    public func isEmpty() -> Bool { state.withLock { $0.records.isEmpty } }

    /// Gives the key a new secret; the old one stops working at once. Nil when no active key has this id.
    public func rotate(id: String) throws -> (record: APIKeyRecord, secret: String)? {
        let secret = Self.newSecret()
        let record = try locked { state -> APIKeyRecord? in
            guard var record = state.records[id], record.active else { return nil }
            record.prefix = String(secret.prefix(12))
            let connection = state.connection
            try connection.transaction { () throws in
                let update = try connection.statement("UPDATE api_keys SET secret_sha256 = ?, prefix = ? WHERE id = ?")
                try update.bind(1, SHA256.hash(Array(secret.utf8)))
                try update.bind(2, record.prefix)
                try update.bind(3, id)
                try update.run()
            }
            try state.reload()
            return record
        }
        return record.map { ($0, secret) }
    }

    /// Revokes the key at once (the record stays, inactive). Nil when no key has this id.
    public func revoke(id: String) throws -> APIKeyRecord? {
        try locked { state -> APIKeyRecord? in
            guard state.records[id] != nil else { return nil }
            let connection = state.connection
            try connection.transaction { () throws in
                let update = try connection.statement("UPDATE api_keys SET active = 0 WHERE id = ?")
                try update.bind(1, id)
                try update.run()
            }
            try state.reload()
            return state.records[id]
        }
    }

    /// Checks a presented secret (constant work per call: one SHA-256 and one lookup).
    public func authenticate(_ secret: String) -> KeyCheck {
        guard Self.isAcceptable(secret) else { return .unknown }
        let digest = SHA256.hash(Array(secret.utf8))
        let time = now()
        return state.withLock { state in
            guard let id = state.idsByDigest[digest], var record = state.records[id] else { return .unknown }
            guard record.active else { return .revoked }
            if let expires = record.expiresAt, expires <= time { return .expired }
            if (record.lastUsedAt ?? Int64.min) < time - 60_000 {
                record.lastUsedAt = time
                state.records[id] = record
                state.pendingLastUsed[id] = time
            }
            return .valid(record)
        }
    }

    static func validate(name: String, permissions: Set<APIKeyPermission>, rateLimitPerMinute: Int,
                         expiresInDays: Int?) throws(KeyStoreError) {
        guard !name.isEmpty, name.unicodeScalars.count <= 256 else {
            throw .invalid(field: "name", message: "name must be 1-256 characters")
        }
        guard !permissions.isEmpty else {
            throw .invalid(field: "permissions", message: "permissions must list at least one of read, write, admin")
        }
        guard (1...10_000_000).contains(rateLimitPerMinute) else {
            throw .invalid(field: "rate_limit_per_minute", message: "rate_limit_per_minute must be 1...10000000")
        }
        if let days = expiresInDays, !(1...36_500).contains(days) {
            throw .invalid(field: "expires_in_days", message: "expires_in_days must be 1...36500")
        }
    }

    static func encode(_ permissions: Set<APIKeyPermission>) -> String {
        APIKeyPermission.allCases.filter { permissions.contains($0) }.map(\.rawValue).joined(separator: ",")
    }
}

/// What the key store's lock guards.
struct KeyStoreState {
    let connection: SQLiteConnection
    var records: [String: APIKeyRecord] = [:]
    var idsByDigest: [[UInt8]: String] = [:]
    var pendingLastUsed: [String: Int64] = [:]

    /// Reads every record (a few hundred bytes each; stores hold few keys) after writing pending `last_used` times.
    mutating func reload() throws {
        try flushLastUsed()
        let select = try connection.statement("""
            SELECT id, name, prefix, secret_sha256, permissions, rate_limit_per_minute, created_at, expires_at, last_used_at, active
            FROM api_keys
            """)
        var records: [String: APIKeyRecord] = [:]
        var digests: [[UInt8]: String] = [:]
        while try select.step() {
            let permissions = Set(select.string(4).split(separator: ",").compactMap { APIKeyPermission(rawValue: String($0)) })
            let record = APIKeyRecord(
                id: select.string(0), name: select.string(1), prefix: select.string(2), permissions: permissions,
                rateLimitPerMinute: select.int(5), createdAt: select.int64(6),
                expiresAt: select.isNull(7) ? nil : select.int64(7), lastUsedAt: select.isNull(8) ? nil : select.int64(8),
                active: select.int(9) != 0)
            records[record.id] = record
            if let digest = select.blob(3) { digests[digest] = record.id }
        }
        self.records = records
        idsByDigest = digests
    }

    /// Writes the `last_used_at` times noted since the last write.
    mutating func flushLastUsed() throws {
        guard !pendingLastUsed.isEmpty else { return }
        let pending = pendingLastUsed
        pendingLastUsed = [:]
        let connection = self.connection
        try connection.transaction { () throws in
            let update = try connection.statement("UPDATE api_keys SET last_used_at = ? WHERE id = ?")
            for (id, time) in pending {
                update.reset()
                try update.bind(1, time)
                try update.bind(2, id)
                try update.run()
            }
        }
    }
}

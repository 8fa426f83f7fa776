#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VectorLogicSQLite
import VectorLogicSync

/// Personas and their memories in one SQLite file, safe to call from any thread.
///
/// One connection behind one lock: SQLite serialises writers anyway, every call is short (a memory search is an exact
/// scan of at most `max_memory_size` cached vectors), and one connection keeps the prepared statements and the vector
/// cache simple to invalidate. Every write is one transaction committed with `synchronous=FULL`, so when a call returns
/// the change is on disk; when it throws, nothing changed.
public final class PersonaStore: Sendable {
    /// The file's name inside the server's data directory.
    public static let fileName = "personas.sqlite"

    let state: Locked<StoreState>
    /// Milliseconds since the Unix epoch; injected by tests to age memories without waiting.
    let now: @Sendable () -> Int64

    /// Opens or creates the store at `path` and makes its tables. `durable` (the default) fsyncs every commit; false
    /// keeps commits crash-consistent but lets the newest ones be lost on power failure (the server's weaker modes).
    public init(path: String, durable: Bool = true, now: @escaping @Sendable () -> Int64 = PersonaStore.systemMilliseconds) throws {
        let connection = try PersonaStoreError.openConnection(path: path) { connection in
            try connection.execute(SQLiteConnection.pragmas(durable: durable))
            let version = try connection.statement("PRAGMA user_version")
            let found = try version.step() ? version.int(0) : 0
            version.reset()
            guard found <= PersonaSchema.version else {
                throw SQLiteError.failed("personas.sqlite has layout version \(found); this build reads up to \(PersonaSchema.version)")
            }
            try connection.transaction { () throws in
                try connection.execute(PersonaSchema.tables)
                try connection.execute("PRAGMA user_version = \(PersonaSchema.version)")
            }
        }
        self.state = Locked(StoreState(connection: connection))
        self.now = now
    }

    /// Opens `<directory>/personas.sqlite`.
    public convenience init(dataDirectory: String, durable: Bool = true,
                            now: @escaping @Sendable () -> Int64 = PersonaStore.systemMilliseconds) throws {
        try self.init(path: dataDirectory + "/" + PersonaStore.fileName, durable: durable, now: now)
    }

    /// Closes the connection (SQLite checkpoints the WAL into the main file); later calls throw `.closed`.
    public func close() {
        state.withLock { state in
            state.vectors.removeAll()
            state.connection.close()
        }
    }

    /// The wall clock in milliseconds since the Unix epoch.
    @Sendable public static func systemMilliseconds() -> Int64 { wallClockMilliseconds() }

    /// Runs `body` under the lock; SQLite's failures come out as `PersonaStoreError`.
    func locked<T>(_ body: (inout StoreState) throws -> T) throws -> T {
        try PersonaStoreError.mapping { try state.withLock { state in try body(&state) } }
    }

    /// A consistent copy of `personas.sqlite` at `path`, for snapshots (`SnapshotExtra`).
    public func copy(to path: String) throws {
        try locked { state in try state.connection.copy(to: path) }
    }
}

/// What the lock guards: the connection and, per persona, the normalised vectors its searches scan.
struct StoreState {
    let connection: SQLiteConnection
    /// Dropped for a persona on every write to its memories, rebuilt by the next search.
    var vectors: [String: VectorCache] = [:]
}

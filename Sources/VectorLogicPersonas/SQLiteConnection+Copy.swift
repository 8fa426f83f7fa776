import VectorLogicIO
import VectorLogicSync

extension SQLiteConnection {
    /// Writes a transactionally consistent, compacted copy of the database to the new file `path` (`VACUUM INTO`): one
    /// self-contained file with no WAL, taken while the caller holds the store's lock, so no write is half in it.
    /// The file is created empty with mode 0600 first (VACUUM INTO accepts an empty file, and would create a new one
    /// 0644), so the copy of the key hashes is never readable by others.
    func copy(to path: String) throws(PersonaStoreError) {
        do {
            try PrivateFiles.prepare(path)
        } catch {
            throw PersonaStoreError.failed("cannot create \(path): \(error.description)")
        }
        var quoted = "'"
        for character in path { quoted += character == "'" ? "''" : String(character) }
        try execute("VACUUM INTO \(quoted)'")
    }
}

extension PersonaStore {
    /// A consistent copy of `personas.sqlite` at `path`, for snapshots (`SnapshotExtra`).
    public func copy(to path: String) throws {
        try state.withLock { state throws(PersonaStoreError) in try state.connection.copy(to: path) }
    }
}

extension KeyStore {
    /// A consistent copy of `keys.sqlite` at `path`, for snapshots (`SnapshotExtra`). Pending `last_used` times not yet
    /// written are not in it (they are advisory).
    public func copy(to path: String) throws {
        try state.withLock { state throws(PersonaStoreError) in try state.connection.copy(to: path) }
    }
}

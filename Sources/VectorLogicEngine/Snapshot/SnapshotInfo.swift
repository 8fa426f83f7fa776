/// A snapshot file just written (docs/api.md `Snapshot`: `name`, `bytes`, `sha256`, `created_at`).
public struct SnapshotInfo: Sendable, Hashable, Codable {
    /// The file name (last path component).
    public var name: String
    /// Where it is.
    public var path: String
    /// File size in bytes.
    public var bytes: Int64
    /// SHA-256 of the whole file, 64 lowercase hex digits.
    public var sha256: String
    /// When it was taken, milliseconds since the Unix epoch (also in the file's header).
    public var createdAtMs: Int64
    /// Number of files it holds.
    public var entries: Int
}

/// A snapshot kept by the server in `<data dir>/snapshots/` (list entries; no hash: that would read the whole file).
public struct StoredSnapshot: Sendable, Hashable {
    /// The file name.
    public var name: String
    /// File size in bytes.
    public var bytes: Int64
    /// When it was taken (from the file's header), milliseconds since the Unix epoch; nil when the header is unreadable.
    public var createdAtMs: Int64?
}

/// A file a store the engine does not own (personas, API keys) writes for a snapshot: `write(path)` must leave at `path`
/// a transactionally consistent, self-contained copy (SQLite's `VACUUM INTO`). The engine calls it right before it
/// takes its own cut, copies the file in as entry `name`, and deletes it.
public struct SnapshotExtra: Sendable {
    /// The entry name, which is also the file's name in a restored data directory (e.g. `personas.sqlite`).
    public let name: String
    /// Writes the copy to the given path (which does not exist yet).
    public let write: @Sendable (String) throws -> Void

    /// An extra entry.
    public init(name: String, write: @escaping @Sendable (String) throws -> Void) {
        self.name = name
        self.write = write
    }
}

/// A file to put into a snapshot: its entry name and where its bytes come from.
struct SnapshotInput: Sendable {
    enum Content: Sendable {
        /// Bytes already in memory (the manifest read under the checkpoint lock).
        case bytes([UInt8])
        /// The first `length` bytes of a file (an immutable segment, or a log up to a captured length).
        case file(path: String, length: Int64)
    }

    let name: String
    let content: Content
}

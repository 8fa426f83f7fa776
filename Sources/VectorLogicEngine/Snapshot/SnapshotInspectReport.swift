/// What `vectorlogic snapshot inspect` (and `inspect` on a snapshot file) reports.
public struct SnapshotInspectReport: Sendable, Hashable, Codable {
    /// Always "snapshot".
    public var kind = "snapshot"
    /// The file inspected.
    public var path: String
    /// File size in bytes.
    public var bytes: Int64
    /// Format version from the header (nil when the header is unreadable).
    public var version: Int?
    /// When the snapshot was taken, milliseconds since the Unix epoch.
    public var createdAtMs: Int64?
    /// Every entry the index lists, with its own checksum status.
    public var entries: [SnapshotEntrySummary] = []
    /// Every problem found; empty when the whole file verified.
    public var problems: [String] = []

    /// Whether every checksum and length checked out.
    public var checksumsOK: Bool { problems.isEmpty }

    /// The text form.
    public func render() -> String {
        var lines = ["snapshot \(path): \(bytes) bytes, format version \(version.map(String.init) ?? "?"), created_at \(createdAtMs.map(String.init) ?? "?") ms"]
        for entry in entries {
            lines.append("  \(entry.name): \(entry.originalBytes) bytes (\(entry.compressedBytes) compressed), checksums \(entry.checksumOK ? "ok" : "BAD")")
        }
        lines.append(problems.isEmpty ? "all checksums ok (\(entries.count) entries)" : problems.map { "error: \($0)" }.joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }
}

/// One entry of a snapshot as `inspect` lists it.
public struct SnapshotEntrySummary: Sendable, Hashable, Codable {
    /// File name relative to the data directory.
    public var name: String
    /// Size before compression.
    public var originalBytes: UInt64
    /// Size of the LZ4 frame.
    public var compressedBytes: UInt64
    /// Whether the entry's header, frame, both CRCs, length and trailer all verified.
    public var checksumOK: Bool
}

/// What `restore` wrote.
public struct SnapshotRestoreReport: Sendable, Hashable, Codable {
    /// The data directory created.
    public var directory: String
    /// Files written.
    public var files: Int
    /// Bytes written.
    public var bytes: UInt64
    /// When the snapshot was taken.
    public var createdAtMs: Int64
}

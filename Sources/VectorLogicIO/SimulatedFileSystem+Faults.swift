/// The kinds of operation `SimulatedFileSystem` counts and can fail. Reads (`read`, `size`, `exists`, `contents`, `map`)
/// are not counted: they change nothing on disk, so they are not interesting crash points.
public enum OperationKind: String, Sendable, Hashable, CaseIterable {
    /// `open` (with or without create) and `lock` (which creates its file).
    case open
    /// `FileHandle.write`.
    case write
    /// `FileHandle.sync`.
    case sync
    /// `FileHandle.truncate`.
    case truncate
    /// `FileSystem.rename`.
    case rename
    /// `FileSystem.remove`.
    case remove
    /// `FileSystem.syncDirectory`.
    case syncDirectory
    /// `FileSystem.createDirectory`.
    case createDirectory
}

/// What an injected fault does to the chosen operation.
public enum FaultKind: Sendable, Hashable {
    /// The operation does nothing and throws `IOError.failed` (an EIO). One-shot: later operations succeed.
    case ioError
    /// The operation does nothing and throws `IOError.noSpace` (ENOSPC). One-shot.
    case noSpace
    /// The process "dies" just before the operation: it does not happen, and it and every later call throw until
    /// `crash()` is called, which then drops everything that was not durable.
    case crash
}

/// One operation as recorded by `SimulatedFileSystem.operationLog`: its number (1-based), kind and path.
public struct SimulatedOperation: Sendable, Hashable, CustomStringConvertible {
    /// The value of `operationCount` once this operation was counted.
    public var number: Int
    /// What it was.
    public var kind: OperationKind
    /// The path it touched.
    public var path: String

    /// "#12 sync wal/…log".
    public var description: String { "#\(number) \(kind.rawValue) \(path)" }
}

/// An armed fault: after `remaining` more matching operations succeed, the next one gets `kind`.
struct ArmedFault {
    var remaining: Int
    var kind: FaultKind
    var operations: Set<OperationKind>
}

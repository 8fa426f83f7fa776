/// The one seam for file I/O (LevelDB's `Env`): the engine touches files only through this protocol,
/// so tests can swap in `SimulatedFileSystem` to crash at any write or fsync and to fail any call.
///
/// Durability contract every implementation keeps (and `SimulatedFileSystem` enforces on a simulated crash):
/// - Bytes written to a file survive a crash only after `FileHandle.sync()` on that file returned.
/// - A file created, renamed or removed survives (or stays gone) only after `syncDirectory` on its parent returned.
/// - `rename` replaces the destination atomically: after a crash either the old or the new file is there, never a mix.
/// - Paths are plain `/`-separated strings; directories are not created implicitly.
/// - Everything created is private to the owner: files 0600, directories 0700 (data-format.md "Data directory layout").
public protocol FileSystem: Sendable {
    /// Opens a file for reading and writing, creating it (empty) when `create` is true and it does not exist.
    func open(_ path: String, create: Bool) throws(IOError) -> any FileHandle
    /// Whether a file or directory exists at `path`.
    func exists(_ path: String) -> Bool
    /// The names (not paths) of the entries in a directory, sorted.
    func contents(ofDirectory path: String) throws(IOError) -> [String]
    /// Creates a directory and any missing parents; succeeds when it already exists.
    func createDirectory(_ path: String) throws(IOError)
    /// Atomically renames `from` to `to`, replacing `to` if it exists.
    func rename(_ from: String, to: String) throws(IOError)
    /// Removes a file (or an empty directory).
    func remove(_ path: String) throws(IOError)
    /// Makes creations, renames and removals in the directory durable.
    func syncDirectory(_ path: String) throws(IOError)
    /// The size of a file in bytes.
    func size(of path: String) throws(IOError) -> Int64
    /// Takes an exclusive advisory lock on `path` (created if missing) for the life of the returned lock;
    /// throws `IOError.locked` at once when another process holds it.
    func lock(_ path: String) throws(IOError) -> any FileLock
    /// Maps a whole file read-only. The mapping stays valid after the file is closed or renamed.
    func map(_ path: String) throws(IOError) -> MappedFile
    /// What is at `path` without following a symbolic link in its last component (lstat); nil when nothing is there.
    func entryKind(_ path: String) -> FileEntryKind?
    /// Opens an existing regular file read-only, never following a symbolic link in its last component (O_NOFOLLOW):
    /// a link, a directory or any other non-regular entry throws `.notFound` (there is no regular file at `path`).
    /// For files a client names (stored snapshots), where a planted link must not expose another file.
    func openRegularFile(_ path: String) throws(IOError) -> any FileHandle
    /// Bytes an unprivileged writer can still use on the file system holding `path` (statvfs `f_bavail × f_frsize`),
    /// or nil when unknown. Advisory: another process may take them first.
    func availableBytes(_ path: String) -> Int64?
}

extension FileSystem {
    /// Unknown by default (a file system without a notion of capacity).
    public func availableBytes(_ path: String) -> Int64? { nil }
}

/// The kind of a directory entry as `lstat` reports it.
public enum FileEntryKind: Sendable, Hashable {
    /// A regular file.
    case regular
    /// A directory.
    case directory
    /// A symbolic link (not followed).
    case symbolicLink
    /// A FIFO, socket or device.
    case other
}

/// An open file. Not safe for concurrent use from several threads unless stated by the implementation.
public protocol FileHandle: AnyObject, Sendable {
    /// Reads up to `count` bytes at `offset`; fewer only at end of file.
    func read(at offset: Int64, count: Int) throws(IOError) -> [UInt8]
    /// Writes all of `bytes` at `offset`, extending the file as needed.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(IOError)
    /// Makes every byte written so far durable (fdatasync).
    func sync() throws(IOError)
    /// Cuts or extends the file to `length` bytes.
    func truncate(to length: Int64) throws(IOError)
    /// The current size in bytes.
    func size() throws(IOError) -> Int64
    /// Releases the descriptor; further calls fail.
    func close()
    /// Reads up to `buffer.count` bytes at `offset` into `buffer` without allocating; returns how many were read
    /// (fewer only at end of file). Safe from several threads at once (reads carry their own offsets).
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int
}

extension FileHandle {
    /// Default for handles without a direct read: through `read(at:count:)` (one allocation per call).
    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int {
        let bytes = try read(at: offset, count: buffer.count)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
        return bytes.count
    }
}

/// A held directory lock; released by `release()` or when the process exits.
public protocol FileLock: AnyObject, Sendable {
    /// Releases the lock.
    func release()
}

/// A read-only mapping of a whole file (or, in simulation, a heap copy with the same lifetime rules).
public final class MappedFile: @unchecked Sendable {
    /// The mapped bytes; valid until this object is deinitialised.
    public let bytes: UnsafeRawBufferPointer
    private let unmap: @Sendable (UnsafeRawBufferPointer) -> Void
    private let release: (@Sendable (UnsafeRawBufferPointer) -> Void)?

    /// Wraps a mapping, the function that releases it and, optionally, one that drops a range's pages from this
    /// process's resident set (`releasePages`).
    public init(bytes: UnsafeRawBufferPointer, unmap: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
                releasePages: (@Sendable (UnsafeRawBufferPointer) -> Void)? = nil) {
        self.bytes = bytes
        self.unmap = unmap
        self.release = releasePages
    }

    /// Drops the pages of `range` (byte offsets into `bytes`) from the process's resident set; the mapping stays valid
    /// and reads fault the bytes back in from the file (the page cache keeps them while memory allows). For a read-only
    /// shared file mapping this loses nothing. Used after a pass over rows that later reads take with `pread`.
    public func releasePages(_ range: Range<Int>) {
        guard let base = bytes.baseAddress, let release, range.lowerBound >= 0, range.upperBound <= bytes.count,
              !range.isEmpty else { return }
        release(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    deinit { unmap(bytes) }
}

/// An I/O failure, with the path and the system's reason; never retried by the engine.
public enum IOError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file or directory does not exist.
    case notFound(path: String)
    /// The device is full (ENOSPC/EDQUOT).
    case noSpace(path: String)
    /// Another process holds the lock.
    case locked(path: String)
    /// Any other failure: the operation, the path and errno's text.
    case failed(operation: String, path: String, reason: String)

    /// One sentence for logs and operators.
    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such file or directory"
        case .noSpace(let path): return "\(path): no space left on device"
        case .locked(let path): return "\(path) is locked by another process"
        case let .failed(operation, path, reason): return "\(operation) \(path) failed: \(reason)"
        }
    }
}

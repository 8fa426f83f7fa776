import Synchronization
import VectorLogicSync

/// An in-memory file system that models exactly what survives a crash under the `FileSystem` contract, with
/// deterministic fault injection, so tests can kill the engine at every I/O point and check recovery.
///
/// The model:
/// - Each file (an inode, independent of its names) has a *durable* content and a list of *pending* changes
///   (writes and truncations since its last `sync()`); its current content is the durable content with the pending
///   changes applied. `FileHandle.sync()` makes the current content durable.
/// - Each directory has *current* entries and *durable* entries (name → file or directory). `create`, `rename`,
///   `remove` and `createDirectory` change the current entries of the parent(s); `syncDirectory(d)` makes d's current
///   entries durable. A rename between two directories is durable in each only once each is synced.
/// - `crash()` is a power cut: every directory's entries revert to its durable entries, every file's content to its durable
///   content (optionally plus a seeded random prefix of its pending changes, the last one torn at a random byte:
///   the disk wrote some of the unsynced tail in order and stopped), files and directories no longer reachable from the
///   root disappear, every open handle and lock from before the crash is dead, and injected faults are disarmed.
/// - Writing past the end of a file fills the gap with zeros; `map` returns a private copy of the current content
///   (segments are immutable after they are written, so this matches a read-only mmap for VectorLogic's use).
/// - Paths are normalised by splitting on "/" and dropping empty and "." components, so "/a/b", "a//b" and "./a/b"
///   name the same file; the root always exists.
///
/// Fault injection (`failAfter`) counts the operations listed in `OperationKind`; `operationCount` and `operationLog`
/// expose the count so a test can run a workload once, read the count N, then replay it N times crashing at each point.
/// Thread-safe: all state sits behind one lock (`Locked`).
public final class SimulatedFileSystem: FileSystem {
    let state: Locked<SimulatedState>
    private let available = Locked<Int64?>(nil)

    /// An empty file system (just the root). `seed` drives the torn-prefix choice of `crash(keepingTornPrefix:)`.
    public init(seed: UInt64 = 0) {
        state = Locked(SimulatedState(seed: seed))
    }

    /// Number of counted operations attempted so far (including ones that failed by injection), since creation.
    public var operationCount: Int { state.withLock { $0.operationCount } }

    /// Every counted operation so far, oldest first (for diagnosing which crash point failed a test).
    public var operationLog: [SimulatedOperation] { state.withLock { $0.operationLog } }

    /// Whether a `.crash` fault has fired and `crash()` has not been called yet.
    public var isCrashed: Bool { state.withLock { $0.crashed } }

    /// Arms a fault: after `operations` more counted operations of the given kinds succeed, the next one (number
    /// `operationCount + operations + 1` when `kinds` is everything) gets `kind`. `operations: 0` hits the very next one.
    /// Replaces any fault already armed.
    public func failAfter(operations: Int, kind: FaultKind, on kinds: Set<OperationKind> = Set(OperationKind.allCases)) {
        state.withLock { $0.fault = ArmedFault(remaining: max(0, operations), kind: kind, operations: kinds) }
    }

    /// Disarms any pending fault.
    public func clearFaults() { state.withLock { $0.fault = nil } }

    /// What `availableBytes` answers from now on (nil: unknown, the default): a disk that is filling up, for the
    /// engine's free-space guard. Writes themselves are not limited by it (arm `.noSpace` faults for that).
    public func setAvailableBytes(_ bytes: Int64?) { available.withLock { $0 = bytes } }

    /// The value set by `setAvailableBytes`.
    public func availableBytes(_ path: String) -> Int64? { available.withLock { $0 } }

    /// Simulates a power cut and restart: drops every unsynced byte and every directory change not followed by
    /// `syncDirectory`, kills open handles and locks, clears the crashed state and any armed fault.
    /// With `keepingTornPrefix`, each file keeps a random (seeded) in-order prefix of its unsynced changes, the last one
    /// possibly cut mid-write: the realistic torn tail a WAL reader must tolerate.
    public func crash(keepingTornPrefix: Bool = false) {
        state.withLock { $0.crash(keepingTornPrefix: keepingTornPrefix) }
    }

    /// The durable content of a file (what a crash now would leave, without a torn prefix), or nil when the file would not
    /// survive. For assertions in tests.
    public func durableContents(of path: String) -> [UInt8]? {
        state.withLock { $0.durableContents(of: path) }
    }

    /// The current content of a file, bypassing fault injection (for corrupting files in tests, see `overwrite`).
    public func currentContents(of path: String) -> [UInt8]? {
        state.withLock { try? $0.fileID(path) }.flatMap { id in state.withLock { $0.files[id]?.current } }
    }

    /// Replaces a file's content, durably and without counting an operation: models bit rot or an external edit.
    public func overwrite(_ path: String, with bytes: [UInt8]) throws(IOError) {
        try state.withLock { (s) throws(IOError) in
            let id = try s.fileID(path)
            s.files[id] = SimulatedFile(durable: bytes)
        }
    }

    /// Opens (optionally creating) a file. Counted as `.open`.
    public func open(_ path: String, create: Bool) throws(IOError) -> any FileHandle {
        let (id, generation) = try state.withLock { (s) throws(IOError) in
            try s.count(.open, path)
            return (try s.openFile(path, create: create), s.generation)
        }
        return SimulatedFileHandle(fileSystem: self, file: id, generation: generation, path: path)
    }

    /// The entry at `path` (the simulation has no links or special files). Not counted.
    public func entryKind(_ path: String) -> FileEntryKind? {
        state.withLock { s -> FileEntryKind? in
            guard !s.crashed else { return nil }
            switch s.resolve(path) {
            case .file?: return .regular
            case .directory?: return .directory
            case nil: return nil
            }
        }
    }

    /// Opens an existing file; a directory is `.notFound`. Counted as `.open`.
    public func openRegularFile(_ path: String) throws(IOError) -> any FileHandle {
        let (id, generation) = try state.withLock { (s) throws(IOError) in
            try s.count(.open, path)
            guard case .file? = s.resolve(path) else { throw IOError.notFound(path: path) }
            return (try s.openFile(path, create: false), s.generation)
        }
        return SimulatedFileHandle(fileSystem: self, file: id, generation: generation, path: path)
    }

    /// Whether a file or directory exists now (false while crashed).
    public func exists(_ path: String) -> Bool {
        state.withLock { s in !s.crashed && s.resolve(path) != nil }
    }

    /// Sorted names in a directory.
    public func contents(ofDirectory path: String) throws(IOError) -> [String] {
        try state.withLock { (s) throws(IOError) in
            try s.checkAlive("contents", path)
            let id = try s.directoryID(path)
            return (s.directories[id]?.current.keys.map { $0 } ?? []).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
    }

    /// mkdir -p. Counted as `.createDirectory`; each new directory is durable only after its parent is synced.
    public func createDirectory(_ path: String) throws(IOError) {
        try state.withLock { (s) throws(IOError) in
            try s.count(.createDirectory, path)
            try s.createDirectory(path)
        }
    }

    /// Moves a file or directory entry, replacing a file at `to`. Counted as `.rename`.
    public func rename(_ from: String, to: String) throws(IOError) {
        try state.withLock { (s) throws(IOError) in
            try s.count(.rename, from)
            try s.rename(from, to)
        }
    }

    /// Removes a file or an empty directory entry. Counted as `.remove`.
    public func remove(_ path: String) throws(IOError) {
        try state.withLock { (s) throws(IOError) in
            try s.count(.remove, path)
            try s.remove(path)
        }
    }

    /// Makes the directory's current entries durable. Counted as `.syncDirectory`.
    public func syncDirectory(_ path: String) throws(IOError) {
        try state.withLock { (s) throws(IOError) in
            try s.count(.syncDirectory, path)
            let id = try s.directoryID(path)
            let entries = s.directories[id]?.current ?? [:]
            s.directories[id]?.durable = entries
        }
    }

    /// Current size of a file (0 for a directory).
    public func size(of path: String) throws(IOError) -> Int64 {
        try state.withLock { (s) throws(IOError) in
            try s.checkAlive("size", path)
            guard let entry = s.resolve(path) else { throw IOError.notFound(path: path) }
            if case .file(let id) = entry { return Int64(s.files[id]?.current.count ?? 0) }
            return 0
        }
    }

    /// Takes an in-process exclusive lock on `path`, creating the file like `open(create: true)`. Counted as `.open`.
    public func lock(_ path: String) throws(IOError) -> any FileLock {
        let (key, generation) = try state.withLock { (s) throws(IOError) in
            try s.count(.open, path)
            _ = try s.openFile(path, create: true)
            let key = SimulatedState.normalise(path).joined(separator: "/")
            guard !s.locks.contains(key) else { throw IOError.locked(path: path) }
            s.locks.insert(key)
            return (key, s.generation)
        }
        return SimulatedFileLock(fileSystem: self, key: key, generation: generation)
    }

    /// A private copy of the file's current bytes, freed when the `MappedFile` is released.
    public func map(_ path: String) throws(IOError) -> MappedFile {
        let content = try state.withLock { (s) throws(IOError) in
            try s.checkAlive("map", path)
            return s.files[try s.fileID(path)]?.current ?? []
        }
        guard !content.isEmpty else { return MappedFile(bytes: UnsafeRawBufferPointer(start: nil, count: 0), unmap: { _ in }) }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: content.count, alignment: 64)
        copy.copyBytes(from: content)
        return MappedFile(bytes: UnsafeRawBufferPointer(copy)) { bytes in bytes.deallocate() }
    }
}

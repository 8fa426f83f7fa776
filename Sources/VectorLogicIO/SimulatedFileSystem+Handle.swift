import VectorLogicSync
import Synchronization

/// A handle on a simulated inode. Dead after `close()` or after a crash of its file system (generation changed).
final class SimulatedFileHandle: FileHandle {
    private let fileSystem: SimulatedFileSystem
    private let file: Int
    private let generation: Int
    private let path: String
    private let closed = Atomic<Bool>(false)

    init(fileSystem: SimulatedFileSystem, file: Int, generation: Int, path: String) {
        self.fileSystem = fileSystem
        self.file = file
        self.generation = generation
        self.path = path
    }

    /// Runs `body` on the file's state after checking the handle is alive (and counting `kind` when given).
    private func withFile<T>(_ operation: String, counting kind: OperationKind?,
                             _ body: (inout SimulatedFile) throws(IOError) -> T) throws(IOError) -> T {
        let closed = closed.load(ordering: .acquiring)
        return try fileSystem.state.withLock { (s) throws(IOError) -> T in
            if let kind { try s.count(kind, path) } else { try s.checkAlive(operation, path) }
            // Take the file out of the dictionary while changing it, so its arrays stay uniquely referenced (no copy per write).
            guard !closed, s.generation == generation, var state = s.files.removeValue(forKey: file) else {
                throw IOError.failed(operation: operation, path: path, reason: "file handle is closed")
            }
            defer { s.files[file] = state }
            return try body(&state)
        }
    }

    func read(at offset: Int64, count: Int) throws(IOError) -> [UInt8] {
        try withFile("read", counting: nil) { (f) throws(IOError) -> [UInt8] in
            guard offset >= 0, count >= 0 else { throw IOError.failed(operation: "read", path: path, reason: "negative offset or count") }
            guard offset < Int64(f.current.count) else { return [] }
            let start = Int(offset)
            return Array(f.current[start..<min(f.current.count, start + count)])
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(IOError) {
        let copy = Array(bytes)
        try withFile("write", counting: .write) { (f) throws(IOError) in
            guard offset >= 0, offset <= Int64(Int32.max) * 64 else {
                throw IOError.failed(operation: "write", path: path, reason: "offset out of range")
            }
            f.change(.write(offset: Int(offset), bytes: copy))
        }
    }

    func sync() throws(IOError) {
        try withFile("sync", counting: .sync) { f in f.sync() }
    }

    func truncate(to length: Int64) throws(IOError) {
        try withFile("truncate", counting: .truncate) { (f) throws(IOError) in
            guard length >= 0, length <= Int64(Int32.max) * 64 else {
                throw IOError.failed(operation: "truncate", path: path, reason: "length out of range")
            }
            f.change(.truncate(length: Int(length)))
        }
    }

    func size() throws(IOError) -> Int64 {
        try withFile("size", counting: nil) { f in Int64(f.current.count) }
    }

    func close() { closed.store(true, ordering: .releasing) }
}

/// An in-process lock entry; released explicitly or by a crash (a new generation).
final class SimulatedFileLock: FileLock {
    private let fileSystem: SimulatedFileSystem
    private let key: String
    private let generation: Int
    private let released = Atomic<Bool>(false)

    init(fileSystem: SimulatedFileSystem, key: String, generation: Int) {
        self.fileSystem = fileSystem
        self.key = key
        self.generation = generation
    }

    deinit { release() }

    func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        fileSystem.state.withLock { s in
            if s.generation == generation { s.locks.remove(key) }
        }
    }
}

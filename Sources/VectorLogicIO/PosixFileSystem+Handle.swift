#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A descriptor opened by `PosixFileSystem`. pread/pwrite carry their own offsets, so concurrent reads and writes at
/// different offsets are safe; `close` must not race with other calls (a programmer error).
final class PosixFileHandle: FileHandle {
    private let descriptor: Atomic<Int32>
    private let path: String

    init(descriptor: Int32, path: String) {
        self.descriptor = Atomic(descriptor)
        self.path = path
    }

    deinit {
        let fd = descriptor.load(ordering: .relaxed)
        if fd >= 0 { _ = Glibc.close(fd) }
    }

    private func fd(_ operation: String) throws(IOError) -> Int32 {
        let fd = descriptor.load(ordering: .acquiring)
        guard fd >= 0 else { throw IOError.failed(operation: operation, path: path, reason: "file handle is closed") }
        return fd
    }

    func read(at offset: Int64, count: Int) throws(IOError) -> [UInt8] {
        let fd = try fd("read")
        guard count >= 0, offset >= 0 else { throw IOError.failed(operation: "read", path: path, reason: "negative offset or count") }
        var result = [UInt8](repeating: 0, count: count)
        var done = 0
        var failure: IOError?
        result.withUnsafeMutableBytes { buffer in
            while done < count {
                let remaining = count - done
                let chunk: Int
                do throws(IOError) {
                    chunk = try retryingEINTR("read", path) {
                        pread(fd, buffer.baseAddress! + done, remaining, off_t(offset) + off_t(done))
                    }
                } catch {
                    failure = error
                    return
                }
                if chunk == 0 { break }  // end of file
                done += chunk
            }
        }
        if let failure { throw failure }
        if done < count { result.removeLast(count - done) }
        return result
    }

    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int {
        let fd = try fd("read")
        guard offset >= 0 else { throw IOError.failed(operation: "read", path: path, reason: "negative offset") }
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let remaining = buffer.count - done
            let chunk = try retryingEINTR("read", path) { pread(fd, base + done, remaining, off_t(offset) + off_t(done)) }
            if chunk == 0 { break }  // end of file
            done += chunk
        }
        return done
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(IOError) {
        let fd = try fd("write")
        guard offset >= 0 else { throw IOError.failed(operation: "write", path: path, reason: "negative offset") }
        var done = 0
        while done < bytes.count {
            let remaining = bytes.count - done
            let chunk = try retryingEINTR("write", path) {
                pwrite(fd, bytes.baseAddress! + done, remaining, off_t(offset) + off_t(done))
            }
            done += chunk
        }
    }

    func sync() throws(IOError) {
        let fd = try fd("sync")
        #if os(Linux)
        try retryingEINTR("fdatasync", path) { fdatasync(fd) }
        #else
        try retryingEINTR("fsync", path) { fsync(fd) }
        #endif
    }

    func truncate(to length: Int64) throws(IOError) {
        let fd = try fd("truncate")
        try retryingEINTR("ftruncate", path) { ftruncate(fd, off_t(length)) }
    }

    func size() throws(IOError) -> Int64 {
        let fd = try fd("size")
        var info = stat()
        try retryingEINTR("fstat", path) { fstat(fd, &info) }
        return Int64(info.st_size)
    }

    func close() {
        let fd = descriptor.exchange(-1, ordering: .acquiringAndReleasing)
        if fd >= 0 { _ = Glibc.close(fd) }
    }
}

/// The descriptor holding a flock; closing it releases the lock.
final class PosixFileLock: FileLock {
    private let descriptor: Atomic<Int32>

    init(descriptor: Int32) { self.descriptor = Atomic(descriptor) }

    deinit { release() }

    /// Unlocks before closing: a child forked (before its exec) shares the open file description, and closing our
    /// descriptor alone would leave the lock held by the child until it exits.
    func release() {
        let fd = descriptor.exchange(-1, ordering: .acquiringAndReleasing)
        if fd >= 0 {
            _ = flock(fd, LOCK_UN)
            _ = Glibc.close(fd)
        }
    }
}

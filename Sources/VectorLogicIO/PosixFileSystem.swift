#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real file system through POSIX calls (open/pread/pwrite/fdatasync/rename, directory fsync via O_DIRECTORY,
/// flock for the data-directory lock, read-only shared mmap). Stateless, so it is trivially Sendable.
public struct PosixFileSystem: FileSystem {
    /// The process's file system.
    public init() {}

    /// Mode of every file created: owner read/write only (the files hold the user's data and key hashes).
    static let fileMode: mode_t = 0o600
    /// Mode of every directory created: owner only.
    static let directoryMode: mode_t = 0o700

    /// Opens read-write (O_CLOEXEC), creating with mode 0600 when asked. A file opened to be created is never reached
    /// through a symbolic link (O_NOFOLLOW): a link planted under a name the engine writes (a snapshot's `.tmp`, a new
    /// segment) fails the open instead of redirecting the write elsewhere.
    public func open(_ path: String, create: Bool) throws(IOError) -> any FileHandle {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_NOFOLLOW : 0)
        let fd = try retryingEINTR("open", path) { Glibc.open(path, flags, Self.fileMode) }
        return PosixFileHandle(descriptor: fd, path: path)
    }

    /// lstat(2): the entry itself, a symbolic link not followed.
    public func entryKind(_ path: String) -> FileEntryKind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }

    /// open(O_RDONLY | O_NOFOLLOW | O_NONBLOCK) then fstat: a link fails with ELOOP, and anything but a regular file
    /// (O_NONBLOCK keeps a FIFO from blocking the open) is closed again; both are reported as `.notFound`.
    public func openRegularFile(_ path: String) throws(IOError) -> any FileHandle {
        var fd: Int32
        repeat {
            fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        } while fd < 0 && errno == EINTR
        if fd < 0 {
            let code = errno
            throw code == ELOOP ? IOError.notFound(path: path) : posixError(code, "open", path)
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            _ = Glibc.close(fd)
            throw IOError.notFound(path: path)
        }
        return PosixFileHandle(descriptor: fd, path: path)
    }

    /// Whether `path` names anything (stat succeeds).
    public func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Entry names without "." and "..", sorted bytewise.
    public func contents(ofDirectory path: String) throws(IOError) -> [String] {
        guard let directory = opendir(path) else { throw posixError(errno, "opendir", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// mkdir -p: creates each missing component with mode 0700 (existing ones are left as they are).
    public func createDirectory(_ path: String) throws(IOError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, Self.directoryMode) != 0 {
                let code = errno
                var info = stat()
                guard code == EEXIST, stat(prefix, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                    throw posixError(code == EEXIST ? ENOTDIR : code, "mkdir", prefix)
                }
            }
            prefix += "/"
        }
    }

    /// rename(2): atomic replacement of `to`.
    public func rename(_ from: String, to: String) throws(IOError) {
        try retryingEINTR("rename", from) { Glibc.rename(from, to) }
    }

    /// unlink(2) for files, rmdir(2) for empty directories.
    public func remove(_ path: String) throws(IOError) {
        try retryingEINTR("remove", path) { Glibc.remove(path) }
    }

    /// fsync(2) on the directory opened with O_DIRECTORY: makes its entries (creates, renames, removes) durable.
    public func syncDirectory(_ path: String) throws(IOError) {
        let fd = try retryingEINTR("open directory", path) { Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { _ = Glibc.close(fd) }
        try retryingEINTR("fsync directory", path) { fsync(fd) }
    }

    /// statvfs(3): blocks available to unprivileged users × fragment size.
    public func availableBytes(_ path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(clamping: UInt64(info.f_bavail).multipliedReportingOverflow(by: UInt64(info.f_frsize)).partialValue)
    }

    /// stat(2)'s st_size.
    public func size(of path: String) throws(IOError) -> Int64 {
        var info = stat()
        try retryingEINTR("stat", path) { stat(path, &info) }
        return Int64(info.st_size)
    }

    /// flock(LOCK_EX | LOCK_NB) on `path` (created if missing). flock locks belong to the open file description, so a
    /// second `lock` of the same path fails even within one process, and the kernel drops the lock when the process dies.
    public func lock(_ path: String) throws(IOError) -> any FileLock {
        let fd = try retryingEINTR("open lock", path) { Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, Self.fileMode) }
        do {
            try retryingEINTR("flock", path) { flock(fd, LOCK_EX | LOCK_NB) }
        } catch {
            _ = Glibc.close(fd)
            throw error
        }
        return PosixFileLock(descriptor: fd)
    }

    /// mmap(PROT_READ, MAP_SHARED) of the whole file; the descriptor is closed at once and the mapping lives on until
    /// the `MappedFile` is released. A zero-length file yields an empty buffer (mmap rejects length 0).
    public func map(_ path: String) throws(IOError) -> MappedFile {
        let fd = try retryingEINTR("open", path) { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
        defer { _ = Glibc.close(fd) }
        var info = stat()
        try retryingEINTR("fstat", path) { fstat(fd, &info) }
        let length = Int(info.st_size)
        guard length > 0 else {
            return MappedFile(bytes: UnsafeRawBufferPointer(start: nil, count: 0), unmap: { _ in })
        }
        guard let address = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), address != MAP_FAILED else {
            throw posixError(errno, "mmap", path)
        }
        return MappedFile(bytes: UnsafeRawBufferPointer(start: address, count: length), unmap: { bytes in
            _ = munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        }, releasePages: { range in
            // madvise needs a page-aligned start: release only the whole pages inside the range.
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            guard page > 0, let base = range.baseAddress else { return }
            let start = (Int(bitPattern: base) + page - 1) / page * page
            let end = (Int(bitPattern: base) + range.count) / page * page
            guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
            // MADV_DONTNEED on a shared read-only file mapping unmaps the pages; the file's bytes are untouched.
            _ = madvise(pointer, end - start, MADV_DONTNEED)
        })
    }
}

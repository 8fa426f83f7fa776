#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that another library creates itself (SQLite's databases): made private to the owner before and after that
/// library opens them, like every file the `FileSystem` seam creates (0600).
public enum PrivateFiles {
    /// Creates `path` empty with mode 0600 when it is absent (SQLite treats an empty file as a new database, and keeps
    /// the mode of an existing one; its `-wal` and `-shm` files copy the database file's mode); when it exists, removes
    /// any group and other permission bits (files made by older builds were 0644).
    public static func prepare(_ path: String) throws(IOError) {
        let fd = try retryingEINTR("open", path) { Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, PosixFileSystem.fileMode) }
        defer { _ = Glibc.close(fd) }
        restrict(descriptor: fd)
    }

    /// Removes group and other permission bits of `path` when it exists (best effort: a file another user owns is left).
    public static func restrictIfPresent(_ path: String) {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return }
        defer { _ = Glibc.close(fd) }
        restrict(descriptor: fd)
    }

    private static func restrict(descriptor fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o077 != 0 else { return }
        _ = fchmod(fd, info.st_mode & 0o700)
    }
}

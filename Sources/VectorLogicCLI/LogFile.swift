import Foundation
import VectorLogicSync
#if canImport(Glibc)
import Glibc
#endif

/// The file `serve --log-file` appends log lines to, reopened on SIGHUP: logrotate renames the file, then signals the
/// server, whose next line starts the new file (no `copytruncate`, so no line is lost or cut).
///
/// Lines are written whole with `O_APPEND` under one lock, so a reopen never closes a descriptor a write is using.
final class LogFile: Sendable {
    let path: String
    private let descriptor: Locked<Int32>

    /// Opens (creating, mode 0640) `path` for appending.
    init(path: String) throws(LogFileError) {
        self.path = path
        descriptor = Locked(try LogFile.open(path))
    }

    deinit {
        descriptor.withLock { fd in if fd >= 0 { _ = close(fd) } }
    }

    /// Appends `line` (which ends with a newline); a failed write is dropped, as a failed write to stderr would be.
    func write(_ line: String) {
        var bytes = Array(line.utf8)
        descriptor.withLock { fd in
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { raw in Glibc.write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset) }
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// Opens `path` afresh and switches to it; on failure keeps writing to the old file and says why.
    func reopen() -> LogFileError? {
        let fresh: Int32
        do {
            fresh = try LogFile.open(path)
        } catch {
            return error
        }
        let old = descriptor.withLock { fd in
            defer { fd = fresh }
            return fd
        }
        _ = close(old)
        return nil
    }

    private static func open(_ path: String) throws(LogFileError) -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw LogFileError(path: path, reason: String(cString: strerror(errno))) }
        return fd
    }
}

/// A log file that could not be opened.
struct LogFileError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "could not open the log file \(path): \(reason)" }
}

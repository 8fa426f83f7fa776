import VectorLogicFormat
public import VectorLogicIO

/// One finding of `Verifier` (or of `Inspector`'s checksum pass): the file, the byte offset when known, and why.
///
/// `severity` separates damage (`error`: `verify` exits 1, `repair` acts) from harmless leftovers of a crash that
/// `Database.open` cleans up by itself (`warning`: a torn log tail, a `.tmp` file, an orphan segment).
public struct ToolProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How serious a finding is.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// Damage or inconsistency: the database will not open, or would serve wrong data.
        case error
        /// A leftover of an interrupted write that the next open (or `repair`) removes; not damage.
        case warning
    }

    /// A file name relative to the data directory (or the path given to the tool).
    public var file: String
    /// Byte offset inside `file` where the damage starts, when it is known.
    public var offset: Int64?
    /// Error or warning.
    public var severity: Severity
    /// One sentence.
    public var message: String

    /// A finding.
    public init(file: String, offset: Int64?, severity: Severity = .error, message: String) {
        self.file = file
        self.offset = offset
        self.severity = severity
        self.message = message
    }

    /// `file @ offset: message`, as `verify` prints it.
    public var description: String {
        let at = offset.map { " @ \($0)" } ?? ""
        return "\(severity.rawValue): \(file)\(at): \(message)"
    }
}

/// Why an offline tool could not run at all (as opposed to the problems it found).
public enum ToolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The directory's lock is held by a running server (exit code 3).
    case locked(String)
    /// The path does not exist or is not a kind of file the tool knows.
    case invalidPath(String)
    /// An I/O call failed.
    case io(String)
    /// The operation could not complete for the reason given (one sentence), e.g. a damaged snapshot (exit code 1).
    case failed(String)

    /// One sentence for stderr.
    public var description: String {
        switch self {
        case .locked(let path): return "the data directory \(path) is locked by a running server; stop it first (or pass --force-read-only to inspect/verify)"
        case .invalidPath(let reason): return reason
        case .io(let reason): return "I/O error: \(reason)"
        case .failed(let reason): return reason
        }
    }
}

/// Runs a body with the directory lock held, or without it when `forceReadOnly` (inspect/verify of a live directory).
///
/// Offline tools must not read a directory a server is changing underneath them (they would report a half-written
/// segment as damage), and `repair` must keep a server from starting while it moves files.
public enum DataDirectoryLock {
    /// Takes the lock of `directory` for the duration of `body`; throws `ToolError.locked` when a process holds it.
    public static func withLock<T>(_ directory: String, fileSystem: any FileSystem = PosixFileSystem(), forceReadOnly: Bool = false,
                                   _ body: () throws(ToolError) -> T) throws(ToolError) -> T {
        if forceReadOnly { return try body() }
        let lock: any FileLock
        do {
            lock = try fileSystem.lock(directory + "/" + FileNames.lock)
        } catch IOError.locked {
            throw ToolError.locked(directory)
        } catch {
            throw ToolError.io(error.description)
        }
        defer { lock.release() }
        return try body()
    }

    /// Whether another process holds the lock of `directory` (probes by taking and releasing it).
    public static func isLocked(_ directory: String, fileSystem: any FileSystem = PosixFileSystem()) -> Bool {
        do {
            let lock = try fileSystem.lock(directory + "/" + FileNames.lock)
            lock.release()
            return false
        } catch {
            if case .locked = error { return true }
            return false
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps an errno to the IOError the engine acts on: no-space and lock contention are distinguished because the engine
/// reacts to them differently (read-only mode, exit code 3); everything else carries strerror's text.
func posixError(_ code: Int32, _ operation: String, _ path: String) -> IOError {
    switch code {
    case ENOENT: return .notFound(path: path)
    case ENOSPC, EDQUOT: return .noSpace(path: path)
    case EWOULDBLOCK: return .locked(path: path)
    default:
        let reason = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        return .failed(operation: operation, path: path, reason: reason)
    }
}

/// Runs a syscall returning -1 on failure, retrying on EINTR; throws the mapped errno.
@discardableResult
func retryingEINTR<T: BinaryInteger>(_ operation: String, _ path: String, _ call: () -> T) throws(IOError) -> T {
    while true {
        let result = call()
        if result >= 0 { return result }
        let code = errno
        if code == EINTR { continue }
        throw posixError(code, operation, path)
    }
}

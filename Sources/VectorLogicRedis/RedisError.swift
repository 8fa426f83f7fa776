/// Why a Redis command did not get a reply.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not connected (down, or reconnecting after a backoff); nothing was sent.
    case unavailable(String)
    /// No reply within the timeout (the late reply, if any, is discarded).
    case timedOut(milliseconds: Int64)
    /// The connection closed before the reply.
    case connectionClosed
    /// The peer sent bytes that are not RESP2 (the connection is dropped).
    case protocolError(String)
    /// The client was closed.
    case shutdown

    /// One sentence.
    public var description: String {
        switch self {
        case .unavailable(let why): return "Redis is unavailable: \(why)"
        case .timedOut(let milliseconds): return "Redis did not answer within \(milliseconds) ms"
        case .connectionClosed: return "the connection to Redis closed before the reply"
        case .protocolError(let what): return "Redis sent something that is not RESP2: \(what)"
        case .shutdown: return "the Redis client is closed"
        }
    }
}

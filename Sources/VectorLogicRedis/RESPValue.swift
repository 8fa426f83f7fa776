/// One RESP2 value (the Redis serialization protocol, https://redis.io/docs/latest/develop/reference/protocol-spec/):
/// what a reply can be. Bulk strings are bytes; `nil` bulk strings and arrays are RESP2's null replies.
public enum RESPValue: Sendable, Equatable {
    /// `+OK`.
    case simpleString(String)
    /// `-ERR …`: an error reply (the connection stays usable).
    case error(String)
    /// `:42`.
    case integer(Int64)
    /// `$3\r\nabc`, or `$-1` (nil).
    case bulkString([UInt8]?)
    /// `*2 …`, or `*-1` (nil).
    case array([RESPValue]?)

    /// The text of a simple or bulk string; nil for anything else.
    public var string: String? {
        switch self {
        case .simpleString(let text): return text
        case .bulkString(let bytes?): return String(decoding: bytes, as: UTF8.self)
        default: return nil
        }
    }
}

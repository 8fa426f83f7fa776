import NIOCore

/// A total RESP2 reader: `parse` returns a whole value, nil when more bytes are needed (consuming nothing), or throws
/// on bytes that are not RESP2 or exceed the limits — it never traps and never allocates from an unchecked length.
///
/// The limits fit what this client asks for (script results: a few short strings) with room to spare; a reply past
/// them means the peer is not the Redis we expect, and the connection is dropped.
enum RESPParser {
    /// Largest bulk string accepted.
    static let maxBulkBytes = 1 << 20
    /// Most elements in one array.
    static let maxArrayCount = 4_096
    /// Deepest array nesting.
    static let maxDepth = 8
    /// Longest `+`/`-`/`:` line or length line.
    static let maxLineBytes = 64 << 10

    static func parse(_ buffer: inout ByteBuffer) throws(RedisError) -> RESPValue? {
        var view = buffer
        guard let value = try parseValue(&view, depth: 0) else { return nil }
        buffer = view
        return value
    }

    private static func parseValue(_ buffer: inout ByteBuffer, depth: Int) throws(RedisError) -> RESPValue? {
        guard depth <= maxDepth else { throw .protocolError("arrays nested deeper than \(maxDepth)") }
        guard let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        var probe = buffer
        probe.moveReaderIndex(forwardBy: 1)
        guard let line = try readLine(&probe) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            buffer = probe
            return .simpleString(String(decoding: line, as: UTF8.self))
        case UInt8(ascii: "-"):
            buffer = probe
            return .error(String(decoding: line, as: UTF8.self))
        case UInt8(ascii: ":"):
            buffer = probe
            return .integer(try integer(line))
        case UInt8(ascii: "$"):
            let length = try integer(line)
            if length == -1 {
                buffer = probe
                return .bulkString(nil)
            }
            guard length >= 0, length <= Int64(maxBulkBytes) else { throw .protocolError("bulk string of \(length) bytes") }
            guard probe.readableBytes >= Int(length) + 2 else { return nil }
            guard let bytes = probe.readBytes(length: Int(length)), probe.readBytes(length: 2) == [13, 10] else {
                throw .protocolError("bulk string not followed by CRLF")
            }
            buffer = probe
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            let count = try integer(line)
            if count == -1 {
                buffer = probe
                return .array(nil)
            }
            guard count >= 0, count <= Int64(maxArrayCount) else { throw .protocolError("array of \(count) elements") }
            var items: [RESPValue] = []
            items.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let item = try parseValue(&probe, depth: depth + 1) else { return nil }
                items.append(item)
            }
            buffer = probe
            return .array(items)
        default:
            throw .protocolError("unknown reply type byte \(type)")
        }
    }

    /// The bytes up to CRLF (consumed with it), nil when no CRLF has arrived yet.
    private static func readLine(_ buffer: inout ByteBuffer) throws(RedisError) -> [UInt8]? {
        let view = buffer.readableBytesView
        guard let cr = view.firstIndex(of: 13) else {
            if view.count > maxLineBytes { throw .protocolError("a reply line longer than \(maxLineBytes) bytes") }
            return nil
        }
        let length = cr - view.startIndex
        guard length <= maxLineBytes else { throw .protocolError("a reply line longer than \(maxLineBytes) bytes") }
        guard view.count > length + 1 else { return nil }
        guard view[cr + 1] == 10 else { throw .protocolError("CR without LF") }
        let line = buffer.readBytes(length: length) ?? []
        buffer.moveReaderIndex(forwardBy: 2)
        return line
    }

    private static func integer(_ bytes: [UInt8]) throws(RedisError) -> Int64 {
        var digits = bytes[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .protocolError("not an integer: \(String(decoding: bytes.prefix(32), as: UTF8.self))")
        }
        let magnitude = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) }
        return negative ? -magnitude : magnitude
    }

    /// A command as RESP2: an array of bulk strings.
    static func encode(_ arguments: [String], into buffer: inout ByteBuffer) {
        buffer.writeString("*\(arguments.count)\r\n")
        for argument in arguments {
            buffer.writeString("$\(argument.utf8.count)\r\n")
            buffer.writeString(argument)
            buffer.writeString("\r\n")
        }
    }
}

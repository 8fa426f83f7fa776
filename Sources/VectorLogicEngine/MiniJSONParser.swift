import Logging
import Synchronization
import VectorLogicJSON

/// A small total JSON parser for metadata the engine wrote itself (see `MetadataCodec`): never traps, bounded depth.
struct MiniJSONParser {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    private func fail() -> MetadataDecodeError { MetadataDecodeError(offset: position) }

    private mutating func expect(_ literal: String) throws(MetadataDecodeError) {
        for byte in literal.utf8 {
            guard position < bytes.count, bytes[position] == byte else { throw fail() }
            position += 1
        }
    }

    mutating func parseValue(depth: Int) throws(MetadataDecodeError) -> JSONValue {
        guard depth < 128 else { throw fail() }
        skipSpace()
        guard position < bytes.count else { throw fail() }
        switch bytes[position] {
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        default: return .number(try parseNumber())
        }
    }

    private mutating func parseArray(depth: Int) throws(MetadataDecodeError) -> JSONValue {
        position += 1
        var items: [JSONValue] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
        while true {
            items.append(try parseValue(depth: depth + 1))
            skipSpace()
            guard position < bytes.count else { throw fail() }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "]") { return .array(items) }
            guard byte == UInt8(ascii: ",") else { throw fail() }
        }
    }

    private mutating func parseObject(depth: Int) throws(MetadataDecodeError) -> JSONValue {
        position += 1
        var object = JSONObject()
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(object) }
        while true {
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail() }
            let key = try parseString()
            skipSpace()
            try expect(":")
            object[key] = try parseValue(depth: depth + 1)
            skipSpace()
            guard position < bytes.count else { throw fail() }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "}") { return .object(object) }
            guard byte == UInt8(ascii: ",") else { throw fail() }
        }
    }

    private mutating func parseNumber() throws(MetadataDecodeError) -> Double {
        let start = position
        while position < bytes.count, "+-0123456789.eE".utf8.contains(bytes[position]) { position += 1 }
        guard position > start else { throw fail() }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else { throw fail() }
        return number
    }

    private mutating func parseString() throws(MetadataDecodeError) -> String {
        position += 1
        var out: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            guard byte == UInt8(ascii: "\\") else { out.append(byte); continue }
            guard position < bytes.count else { throw fail() }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"): try appendUnicodeEscape(into: &out)
            default: out.append(escape)
            }
        }
        throw fail()
    }

    private mutating func hex4() throws(MetadataDecodeError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            position += 1
            guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { throw fail() }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func appendUnicodeEscape(into out: inout [UInt8]) throws(MetadataDecodeError) {
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code), position + 2 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
           bytes[position + 1] == UInt8(ascii: "u") {
            position += 2
            let low = try hex4()
            code = 0x10000 + ((code - 0xD800) << 10) + (low &- 0xDC00) & 0x3FF
        }
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }
}

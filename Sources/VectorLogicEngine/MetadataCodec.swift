import Logging
import Synchronization
import VectorLogicJSON

/// Metadata as stored in the log and in segments: compact UTF-8 JSON text.
///
/// A seam: until `VectorLogicJSON`'s `JSONWriter`/`JSONParser` are on main this holds a small local writer and a
/// total parser for the same text; switching changes no bytes on disk (compact JSON, keys in stored order).
enum MetadataCodec {
    /// Compact JSON for a value; the empty byte string stands for "no metadata" where it is stored.
    static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, into: &out)
        return out
    }

    /// Parses stored metadata; nil for empty input, throws on damaged bytes.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(MetadataDecodeError) -> JSONValue? {
        guard !bytes.isEmpty else { return nil }
        var parser = MiniJSONParser(bytes: bytes)
        let value = try parser.parseValue(depth: 0)
        parser.skipSpace()
        guard parser.position == bytes.count else { throw MetadataDecodeError(offset: parser.position) }
        return value
    }

    /// Parses stored metadata from an array.
    static func decode(_ bytes: [UInt8]) throws(MetadataDecodeError) -> JSONValue? {
        do {
            return try withRawBytes(bytes) { raw throws(MetadataDecodeError) in try decode(raw) }
        }
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): writeNumber(number, into: &out)
        case .string(let text): writeString(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(entry.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(entry.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeNumber(_ number: Double, into out: inout [UInt8]) {
        if number.isFinite, number == number.rounded(), abs(number) < 9_007_199_254_740_992 {
            out.append(contentsOf: String(Int64(number)).utf8)
        } else if number.isFinite {
            out.append(contentsOf: number.description.utf8)
        } else {
            out.append(contentsOf: "null".utf8)
        }
    }

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Stored metadata that is not valid JSON (a damaged segment or log).
struct MetadataDecodeError: Error, Sendable {
    /// Byte offset within the metadata text.
    let offset: Int
}

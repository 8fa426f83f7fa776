/// Finds values inside JSON text without building a tree: the spans (byte ranges) of an object's members and of the
/// value at a key, so a filter reads one field of a row's metadata by scanning its bytes.
///
/// Written for `CompactJSON` text (no duplicate keys, keys escaped the writer's way) but tolerant of whitespace.
/// Total: every index is bounds-checked and no recursion is used, so damaged or hostile bytes end a scan early
/// (the value is reported absent) and never trap or read outside the buffer.
///
/// Cost: one pass over the bytes before the wanted key — a key compare per member and a bracket-counting skip per
/// value before it. For the small metadata of real rows (a few keys) this is tens of nanoseconds and no allocation,
/// against ~1 µs and a few allocations to parse the whole object into a `JSONValue` (BENCHMARKS.md, issue 9).
public enum JSONSpans {
    /// Calls `body` with the key (the bytes between its quotes, still escaped) and value span of each member of the
    /// object that `span` holds, in order, until `body` returns false. Does nothing when `span` is not an object;
    /// stops at the first malformed byte.
    public static func forEachMember(of span: Slice<UnsafeRawBufferPointer>,
                                     _ body: (Slice<UnsafeRawBufferPointer>, Slice<UnsafeRawBufferPointer>) -> Bool) {
        let bytes = span.base
        let end = span.endIndex
        var index = skipWhitespace(bytes, span.startIndex, end)
        guard index < end, bytes[index] == UInt8(ascii: "{") else { return }
        index = skipWhitespace(bytes, index + 1, end)
        guard index < end, bytes[index] != UInt8(ascii: "}") else { return }
        while index < end, bytes[index] == UInt8(ascii: "\"") {
            guard let keyEnd = stringEnd(bytes, index, end) else { return }
            let key = bytes[(index + 1)..<(keyEnd - 1)]
            index = skipWhitespace(bytes, keyEnd, end)
            guard index < end, bytes[index] == UInt8(ascii: ":") else { return }
            let valueStart = skipWhitespace(bytes, index + 1, end)
            guard let valueEnd = valueEnd(bytes, valueStart, end) else { return }
            guard body(key, bytes[valueStart..<valueEnd]) else { return }
            index = skipWhitespace(bytes, valueEnd, end)
            guard index < end, bytes[index] == UInt8(ascii: ",") else { return }
            index = skipWhitespace(bytes, index + 1, end)
        }
    }

    /// The value span of `key` in the object `span` holds, or nil. `key` is the wanted key as the writer escapes it
    /// (`JSONSpans.escapedKey`); `name` is the same key unescaped, used only when both contain non-ASCII bytes, so keys
    /// that are equal Swift Strings (canonically equivalent Unicode) match as they do in `JSONObject`; `keyIsASCII`
    /// says whether `key` is all ASCII (computed once by the caller).
    public static func member(_ key: [UInt8], name: String, keyIsASCII: Bool,
                              in span: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer>? {
        var found: Slice<UnsafeRawBufferPointer>?
        forEachMember(of: span) { candidate, value in
            if keysEqual(candidate, key) || (!keyIsASCII && sameName(candidate, name)) {
                found = value
                return false
            }
            return true
        }
        return found
    }

    /// The bytes between the quotes of `key` as `JSONWriter` writes it.
    public static func escapedKey(_ key: String) -> [UInt8] {
        var buffer: [UInt8] = []
        JSONWriter.writeString(key, into: &buffer)
        return Array(buffer.dropFirst().dropLast())
    }

    /// Parses one value span into a `JSONValue` (nil when malformed). Cheap for scalars: no allocation for numbers,
    /// booleans, null and strings of up to 15 UTF-8 bytes (Swift's small strings).
    public static func value(_ span: Slice<UnsafeRawBufferPointer>) -> JSONValue? {
        let raw = UnsafeRawBufferPointer(rebasing: span)
        guard let first = raw.first else { return nil }
        var reader = JSONReader(raw)
        do {
            switch first {
            case UInt8(ascii: "\""): return .string(try reader.readString())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let number = try reader.readDouble()
                try reader.finish()
                return .number(number)
            case UInt8(ascii: "t"): return raw.elementsEqual("true".utf8) ? .bool(true) : nil
            case UInt8(ascii: "f"): return raw.elementsEqual("false".utf8) ? .bool(false) : nil
            case UInt8(ascii: "n"): return raw.elementsEqual("null".utf8) ? .null : nil
            default: return try JSONParser.parse(raw)
            }
        } catch {
            return nil
        }
    }

    // MARK: - Scanning

    @inline(__always)
    static func skipWhitespace(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int {
        var index = start
        while index < end {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return index
            }
        }
        return index
    }

    /// The index just past the string whose opening quote is at `start`, or nil when it is unterminated.
    @inline(__always)
    static func stringEnd(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var index = start + 1
        while index < end {
            switch bytes[index] {
            case UInt8(ascii: "\""): return index + 1
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        return nil
    }

    /// The index just past the value starting at `start` (strings and containers matched by counting brackets outside
    /// strings; scalars run to the next delimiter), or nil when the text ends first.
    static func valueEnd(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        guard start < end else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return stringEnd(bytes, start, end)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < end {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard let after = stringEnd(bytes, index, end) else { return nil }
                    index = after
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
            }
            return nil
        case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ":"):
            return nil
        default:
            var index = start
            while index < end {
                switch bytes[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: return index
                default: index += 1
                }
            }
            return index
        }
    }

    @inline(__always)
    static func keysEqual(_ candidate: Slice<UnsafeRawBufferPointer>, _ key: [UInt8]) -> Bool {
        guard candidate.count == key.count else { return false }
        var index = candidate.startIndex
        for byte in key {
            guard candidate.base[index] == byte else { return false }
            index += 1
        }
        return true
    }

    /// The candidate key (between its quotes) decoded and compared as a String, when it has non-ASCII bytes.
    static func sameName(_ candidate: Slice<UnsafeRawBufferPointer>, _ name: String) -> Bool {
        guard candidate.contains(where: { $0 >= 0x80 }) else { return false }
        guard candidate.startIndex > candidate.base.startIndex, candidate.endIndex < candidate.base.endIndex else { return false }
        let quoted = candidate.base[(candidate.startIndex - 1)..<(candidate.endIndex + 1)]
        guard case .string(let decoded)? = value(quoted) else { return false }
        return decoded == name
    }
}

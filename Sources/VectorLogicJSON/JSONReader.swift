/// A pull cursor over a UTF-8 JSON document: the one parser behind `JSONParser`, and the fast path the server uses to
/// decode request bodies field by field (vectors go straight into `[Float]` without a `JSONValue` per number).
///
/// Total: every method either consumes a well-formed piece of JSON or throws `JSONParseError`; no input traps.
/// The reader borrows `bytes`, which must stay valid while it is used (use it inside `withUnsafeBytes`).
public struct JSONReader {
    /// The document.
    let bytes: UnsafeRawBufferPointer
    /// Bounds on depth, string and number sizes.
    public let limits: JSONLimits
    /// Byte offset of the next unread byte.
    public internal(set) var offset: Int = 0
    /// Containers currently open.
    var depth: Int = 0

    /// A reader at the start of `bytes`.
    public init(_ bytes: UnsafeRawBufferPointer, limits: JSONLimits = .default) {
        self.bytes = bytes
        self.limits = limits
    }

    /// The kind of value that starts at the next non-whitespace byte.
    public enum Kind: Sendable, Hashable {
        /// `{`
        case object
        /// `[`
        case array
        /// `"`
        case string
        /// `-` or a digit
        case number
        /// `true` or `false`
        case bool
        /// `null`
        case null
    }

    /// Iteration state of one open object or array (whether a member has been read yet).
    public struct Container: Sendable {
        var isFirst = true
    }

    // MARK: - Bytes

    @inline(__always) var isAtEnd: Bool { offset >= bytes.count }

    @inline(__always) func byte(at index: Int) -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    @inline(__always) mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }

    func error(_ message: String, at position: Int? = nil) -> JSONParseError {
        JSONParseError(message, offset: position ?? offset)
    }

    /// The kind of the next value, after skipping whitespace; throws at the end of input or on a byte no value starts with.
    public mutating func peekKind() throws(JSONParseError) -> Kind {
        skipWhitespace()
        guard let next = byte(at: offset) else { throw error("unexpected end of JSON") }
        switch next {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "N"), UInt8(ascii: "I"): throw error("NaN and Infinity are not valid JSON numbers")
        default: throw error("unexpected character in JSON")
        }
    }

    /// Checks that only whitespace remains.
    public mutating func finish() throws(JSONParseError) {
        skipWhitespace()
        guard isAtEnd else { throw error("unexpected data after the JSON value") }
    }

    // MARK: - Containers

    mutating func open(_ opening: UInt8, _ name: String) throws(JSONParseError) {
        skipWhitespace()
        guard byte(at: offset) == opening else { throw error("expected \(name)") }
        depth += 1
        guard depth <= limits.maxDepth else { throw error("JSON is nested deeper than \(limits.maxDepth) levels") }
        offset += 1
    }

    /// Consumes `{`; then call `nextKey(_:)` until it returns nil.
    public mutating func beginObject() throws(JSONParseError) -> Container {
        try open(UInt8(ascii: "{"), "an object")
        return Container()
    }

    /// Consumes `[`; then call `nextElement(_:)` until it returns false.
    public mutating func beginArray() throws(JSONParseError) -> Container {
        try open(UInt8(ascii: "["), "an array")
        return Container()
    }

    /// The next key of an open object (the caller must then read its value), or nil after consuming the closing `}`.
    public mutating func nextKey(_ container: inout Container) throws(JSONParseError) -> String? {
        skipWhitespace()
        guard let next = byte(at: offset) else { throw error("unterminated object") }
        if next == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return nil
        }
        if container.isFirst {
            container.isFirst = false
        } else {
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or '}' in an object") }
            offset += 1
            skipWhitespace()
        }
        guard byte(at: offset) == UInt8(ascii: "\"") else { throw error("expected a string key in an object") }
        let key = try readString()
        skipWhitespace()
        guard byte(at: offset) == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
        offset += 1
        return key
    }

    /// True when an open array has another element (the caller must then read it); false after consuming `]`.
    public mutating func nextElement(_ container: inout Container) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard let next = byte(at: offset) else { throw error("unterminated array") }
        if next == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return false
        }
        if container.isFirst {
            container.isFirst = false
        } else {
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or ']' in an array") }
            offset += 1
        }
        return true
    }

    // MARK: - Scalars

    /// Reads `true` or `false`.
    public mutating func readBool() throws(JSONParseError) -> Bool {
        skipWhitespace()
        if matchLiteral("true") { return true }
        if matchLiteral("false") { return false }
        throw error("expected true or false")
    }

    /// Consumes `null` when it comes next and says so; otherwise leaves the reader where it was.
    public mutating func readNullIfPresent() throws(JSONParseError) -> Bool {
        skipWhitespace()
        return matchLiteral("null")
    }

    mutating func matchLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return false }
        let base = literal.utf8Start
        for index in 0..<count where bytes[offset + index] != base[index] { return false }
        offset += count
        return true
    }

    // MARK: - Values

    /// Reads any value into a `JSONValue` (objects keep key order; a repeated key keeps its last value).
    public mutating func readValue() throws(JSONParseError) -> JSONValue {
        var over = false
        return try readValue(end: Int.max, over: &over)
    }

    /// Reads a value like `readValue()` unless its text is longer than `maxBytes`: then stops as soon as it has read past
    /// that many bytes (without building the rest) and returns nil, leaving the reader inside the value.
    public mutating func readValue(maxBytes: Int) throws(JSONParseError) -> JSONValue? {
        skipWhitespace()
        let (end, overflow) = offset.addingReportingOverflow(maxBytes)
        var over = false
        let value = try readValue(end: overflow ? Int.max : end, over: &over)
        return over || offset > end ? nil : value
    }

    /// `readValue`, giving up (with `over` set) once `offset` passes `end`.
    mutating func readValue(end: Int, over: inout Bool) throws(JSONParseError) -> JSONValue {
        switch try peekKind() {
        case .object:
            var container = try beginObject()
            var builder = ObjectBuilder()
            while let key = try nextKey(&container) {
                builder.set(key, try readValue(end: end, over: &over))
                if over || offset > end {
                    over = true
                    return .null
                }
            }
            return .object(builder.object)
        case .array:
            var container = try beginArray()
            var items: [JSONValue] = []
            while try nextElement(&container) {
                items.append(try readValue(end: end, over: &over))
                if over || offset > end {
                    over = true
                    return .null
                }
            }
            return .array(items)
        case .string:
            return .string(try readString())
        case .number:
            return .number(try readDouble())
        case .bool:
            return .bool(try readBool())
        case .null:
            guard try readNullIfPresent() else { throw error("unexpected character in JSON") }
            return .null
        }
    }

    /// Skips one value of any kind, validating it.
    public mutating func skipValue() throws(JSONParseError) {
        _ = try readValue()
    }
}

/// Builds a `JSONObject` while parsing: keeps document order, and replaces a repeated key's value in its first position
/// without the quadratic scan of `JSONObject`'s subscript (an index is built once the object grows).
struct ObjectBuilder {
    var object = JSONObject()
    var index: [String: Int]? = nil

    mutating func set(_ key: String, _ value: JSONValue) {
        if let index {
            if let position = index[key] {
                object.entries[position].value = value
            } else {
                self.index?[key] = object.entries.count
                object.entries.append((key, value))
            }
            return
        }
        if let position = object.entries.firstIndex(where: { $0.key == key }) {
            object.entries[position].value = value
            return
        }
        object.entries.append((key, value))
        if object.entries.count > 16 {
            var built: [String: Int] = [:]
            for (position, entry) in object.entries.enumerated() { built[entry.key] = position }
            index = built
        }
    }
}

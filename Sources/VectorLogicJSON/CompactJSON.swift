/// One JSON value as compact UTF-8 text in `JSONWriter`'s form: no whitespace, each object's keys unique and in
/// document order, numbers in their shortest round-trip form, only `"`, `\` and control characters escaped.
///
/// This is what metadata is everywhere past the request parser: the log and segments store these bytes, the memtable
/// keeps them, responses copy them out unchanged, and filters read fields straight from them (`JSONSpans`), so a
/// vector's metadata is parsed into a `JSONValue` only by PATCH (which merges) and by callers that ask for `value()`.
///
/// Equality is byte equality: two values that differ only in key order are different texts (and equal `JSONValue`s).
public struct CompactJSON: Sendable, Hashable {
    /// The text, never empty.
    public let bytes: [UInt8]

    /// The writer's text of `value`.
    public init(_ value: JSONValue) {
        bytes = JSONWriter.bytes(value)
    }

    /// Parses `text` (any valid JSON) and keeps its compact form; throws where `JSONParser` would.
    public init(parsing text: UnsafeRawBufferPointer, limits: JSONLimits = .default) throws(JSONParseError) {
        self.init(try JSONParser.parse(text, limits: limits))
    }

    /// Wraps bytes this module's writer produced earlier and that were kept checksummed since (the log, a segment).
    /// Nothing is checked: readers of the text (`JSONSpans`, `value()`) are total, so damaged bytes give wrong answers
    /// or a thrown error, never a trap.
    public init(writtenBytes bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The parsed value (for merging, or for callers that want a tree).
    public func value() throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(bytes)
    }

    /// The text as a String.
    public var text: String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the value is an object.
    public var isObject: Bool {
        bytes.first == UInt8(ascii: "{")
    }

    /// The number of top-level keys of an object (0 for any other value), counted without parsing the values.
    public var objectKeyCount: Int {
        bytes.withUnsafeBytes { raw in
            var count = 0
            JSONSpans.forEachMember(of: raw[...]) { _, _ in
                count += 1
                return true
            }
            return count
        }
    }
}

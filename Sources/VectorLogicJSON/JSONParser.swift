/// Parses whole JSON documents (RFC 8259) into `JSONValue`s.
///
/// Total: never traps on any input. Rejects NaN/Infinity literals, invalid UTF-8, lone surrogates, unescaped control
/// characters, trailing garbage, numbers that overflow Double, and nesting deeper than `limits.maxDepth`.
public enum JSONParser {
    /// Parses one document from raw bytes.
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: JSONLimits = .default) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(bytes, limits: limits)
        let value = try reader.readValue()
        try reader.finish()
        return value
    }

    /// Parses one document from an array of bytes.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONParseError) -> JSONValue in try parse(raw, limits: limits) }
        }
        return try result.get()
    }

    /// Parses one document from a string (its UTF-8 bytes).
    public static func parse(_ string: String, limits: JSONLimits = .default) throws(JSONParseError) -> JSONValue {
        var copy = string
        let result = copy.withUTF8 { utf8 in
            Result { () throws(JSONParseError) -> JSONValue in try parse(UnsafeRawBufferPointer(utf8), limits: limits) }
        }
        return try result.get()
    }

    /// Parses a document that must be a JSON array of finite numbers into Floats (see `JSONReader.readFloatArray`).
    public static func parseFloatArray(_ bytes: UnsafeRawBufferPointer, limits: JSONLimits = .default) throws(JSONParseError) -> [Float] {
        var reader = JSONReader(bytes, limits: limits)
        let values = try reader.readFloatArray()
        try reader.finish()
        return values
    }
}

import VectorLogicJSON

/// Metadata as stored in the log and in segments: compact UTF-8 JSON text written by `JSONWriter` and read back by
/// `JSONParser` (total: damaged bytes throw, never trap). The empty byte string stands for "no metadata".
enum MetadataCodec {
    /// Compact JSON for a value.
    static func encode(_ value: JSONValue) -> [UInt8] {
        JSONWriter.bytes(value)
    }

    /// Parses stored metadata; nil for empty input, throws on damaged bytes.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(MetadataDecodeError) -> JSONValue? {
        guard !bytes.isEmpty else { return nil }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw MetadataDecodeError(offset: error.offset)
        }
    }

    /// Parses stored metadata from an array.
    static func decode(_ bytes: [UInt8]) throws(MetadataDecodeError) -> JSONValue? {
        try withRawBytes(bytes) { raw throws(MetadataDecodeError) in try decode(raw) }
    }
}

/// Stored metadata that is not valid JSON (a damaged segment or log).
struct MetadataDecodeError: Error, Sendable {
    /// Byte offset within the metadata text.
    let offset: Int
}

import HTTPTypes
import VectorLogicEngine
import VectorLogicJSON

/// The text an item was upserted with (its *document*, as Chroma calls it), kept in the item's stored metadata under
/// the reserved first key `$document` (README "Decisions": no new field in the log or segment formats, so every file
/// written before stays readable and the engine, its tools and its crash tests are unchanged).
///
/// - Stored form: `{"$document":"<text>",<the client's metadata members>}`. The key is always first, so reading it
///   back is a prefix check plus one string scan (`split`), and clients never see it inside `metadata`.
/// - `$` starts every filter operator, so no metadata filter can name the key: documents never leak into filters.
/// - A client's metadata or PATCH naming `$document` is refused (400), so the key is only ever the server's.
/// - The document counts toward the 64 KiB and 100-key metadata limits (`Limits`): a longer text is refused with a
///   400 naming the limit (its embedding alone would be truncated to the model's 256 tokens, but a stored document is
///   never silently cut).
enum StoredDocument {
    /// The reserved metadata key.
    static let key = "$document"
    /// The bytes every stored text begins with.
    static let prefix = Array(#"{"$document":"#.utf8)

    /// The metadata to store for an item with `text` and the client's `metadata` (an object, or nil).
    static func compose(_ text: String, metadata: CompactJSON?) -> CompactJSON {
        var bytes = prefix
        bytes.reserveCapacity(prefix.count + text.utf8.count + 2 + (metadata?.bytes.count ?? 0))
        JSONWriter.writeString(text, into: &bytes)
        if let metadata, metadata.isObject, metadata.bytes.count > 2 {  // `{}` has no members to carry over
            bytes.append(UInt8(ascii: ","))
            bytes.append(contentsOf: metadata.bytes.dropFirst())
        } else {
            bytes.append(UInt8(ascii: "}"))
        }
        return CompactJSON(writtenBytes: bytes)
    }

    /// The client's metadata (nil when only the document was stored) and the document, from stored metadata.
    static func split(_ stored: CompactJSON?) -> (metadata: CompactJSON?, document: String?) {
        guard let stored, stored.bytes.starts(with: prefix) else { return (stored, nil) }
        return stored.bytes.withUnsafeBytes { raw -> (CompactJSON?, String?) in
            var document: String?
            var valueEnd = 0
            JSONSpans.forEachMember(of: raw[...]) { _, value in
                if case .string(let text)? = JSONSpans.value(value) { document = text }
                valueEnd = value.endIndex
                return false
            }
            guard let document, valueEnd < raw.count else { return (stored, nil) }
            guard raw[valueEnd] == UInt8(ascii: ",") else { return (nil, document) }
            var rest: [UInt8] = [UInt8(ascii: "{")]
            rest.append(contentsOf: raw[(valueEnd + 1)...])
            return (CompactJSON(writtenBytes: rest), document)
        }
    }

    private static let escapedKey = JSONSpans.escapedKey(key)

    /// Refuses client metadata that names the reserved key.
    static func refuseReserved(_ metadata: CompactJSON?, field: String, item: Int?) throws(APIError) {
        guard let metadata else { return }
        let named = metadata.bytes.withUnsafeBytes { raw in
            JSONSpans.member(escapedKey, name: key, keyIsASCII: true, in: raw[...]) != nil
        }
        if named {
            throw APIError.invalid("\(JSONReader.path(field, item: item)) may not use the key \(key): it holds the item's text "
                                   + "(send \"text\" and read it back with include_document)", field: field, item: item)
        }
    }

    /// Refuses a text whose stored form (document plus metadata) exceeds the metadata limit, naming it.
    static func checkSize(_ stored: CompactJSON, item: Int?) throws(APIError) {
        guard stored.bytes.count > Limits.maxMetadataBytes else { return }
        throw APIError(.badRequest, "invalid_request",
                       "\(JSONReader.path("text", item: item)) and its metadata take \(stored.bytes.count) bytes stored; a document "
                       + "is kept with its metadata in at most \(Limits.maxMetadataBytes) bytes (store longer texts elsewhere "
                       + "and send their vectors, or split them; limit max_metadata_bytes)",
                       details: APIError.detailsObject(field: "text", item: item,
                                                       extra: [("limit", .string("max_metadata_bytes")), ("max", .int(Limits.maxMetadataBytes))]))
    }

    /// `,"document":"…"` (or `null`) for an answer that asked for documents.
    static func write(_ document: String?, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: #","document":"#.utf8)
        if let document {
            JSONWriter.writeString(document, into: &buffer)
        } else {
            buffer.append(contentsOf: "null".utf8)
        }
    }
}

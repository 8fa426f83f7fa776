import VectorLogicJSON

/// The OpenAPI 3.1 document served at `/openapi.json` (hand-written in OpenAPIDocument+Text.swift).
enum OpenAPIDocument {
    /// The document, parsed once and served compact.
    static let value: JSONValue? = try? JSONParser.parse(text)

    /// The bytes served.
    static let bytes: [UInt8] = value.map(JSONWriter.bytes) ?? Array(text.utf8)
}

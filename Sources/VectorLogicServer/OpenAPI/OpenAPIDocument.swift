/// The OpenAPI 3.1 document served at `/openapi.json` (hand-written; see OpenAPIDocument+Text.swift).
enum OpenAPIDocument {
    /// The document's bytes.
    static let bytes: [UInt8] = Array(text.utf8)
}

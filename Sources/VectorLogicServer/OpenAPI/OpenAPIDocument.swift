import VectorLogicJSON

/// The OpenAPI 3.1 document served at `/openapi.json`: `openapi.json` beside this file, embedded in the binary at build
/// time (data, not code). The persona routes are described once, as `components/pathItems`, and referenced from both
/// `/personas…` and `/v1/personas…`. OpenAPIDocumentTests checks its paths and methods against `Routes.table`, and
/// schemathesis checks it against the running server.
enum OpenAPIDocument {
    /// The document, parsed once (nil only if the embedded file is not JSON, which a test rules out).
    static let value: JSONValue? = try? JSONParser.parse(PackageResources.openapi_json)

    /// The bytes served: the document written compact.
    static let bytes: [UInt8] = value.map(JSONWriter.bytes) ?? PackageResources.openapi_json
}

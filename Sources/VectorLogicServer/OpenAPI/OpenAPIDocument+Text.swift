extension OpenAPIDocument {
    static let text = #"{"openapi":"3.1.0","info":{"title":"VectorLogic","version":"1.0.0"},"paths":{}}"#
}

import HTTPTypes
import VectorLogicJSON

/// The bound on text work one request may ask for, declared once for every route that embeds a list of texts
/// (`POST /v1/embeddings` `input`, upsert items with `text`).
enum TextLimits {
    /// Most texts in one request: 2,048, OpenAI's own cap on inputs per `/v1/embeddings` call, so OpenAI SDKs and
    /// LangChain-style clients already batch at or below this size. It bounds the work: the local model truncates each
    /// text at 256 tokens, so a request is at most ~0.5 M tokens; at the 20–30 texts/s measured for minilm-debian texts
    /// on the loaded 2-core machine (BENCHMARKS.md "Embeddings") 2,048 of them hold the model ~1–1.5 min, where the
    /// vector batch limit (10,000) would hold it ~6 min while every other text request waits.
    static let maxTextsPerRequest = 2_048

    /// 400 `invalid_request` naming the limit (`details.limit` "max_texts", `details.max` 2048), as the other caps do.
    static func tooMany(field: String, item: Int?) -> APIError {
        APIError(.badRequest, "invalid_request",
                 "more than \(maxTextsPerRequest) texts in one request (limit max_texts); send at most \(maxTextsPerRequest) per request",
                 details: APIError.detailsObject(field: field, item: item,
                                                 extra: [("limit", .string("max_texts")), ("max", .int(maxTextsPerRequest))]))
    }
}

import Hummingbird
import VectorLogicEmbedding
import VectorLogicJSON

extension Routes {
    /// `POST /v1/embeddings` in OpenAI's request and answer shape, so OpenAI SDKs (and other databases) can use this
    /// server as their embedding endpoint. `read` permission: it reads nothing stored but costs CPU, so it is metered.
    static func embeddings(state: ServerState) -> [RouteDefinition] { [
        .read(.post, "/v1/embeddings", operation: "createEmbeddings", body: EmbeddingsBody.keys) { request, _ -> Response in
            let body = try await state.body.decode(request) { reader in try EmbeddingsBody.decode(&reader) }
            guard let provider = state.embedding else { throw APIError.noEmbeddingProvider }
            if let dimensions = body.dimensions, let width = provider.dimension, dimensions != width {
                throw APIError.invalid("dimensions \(dimensions) differs from the provider's \(width)", field: "dimensions")
            }
            let vectors = try await state.embed(body.input)
            var tokens = 0
            if let local = await provider.resolved() as? LocalEmbeddingProvider {
                tokens = body.input.reduce(0) { $0 + local.embedder.tokenizer.encode($1).count }
            }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(64 + vectors.count * (vectors.first?.count ?? 0) * 12)
            buffer.append(contentsOf: #"{"object":"list","data":["#.utf8)
            for (index, vector) in vectors.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer.append(contentsOf: #"{"object":"embedding","index":"#.utf8)
                JSONWriter.writeInteger(Int64(index), into: &buffer)
                buffer.append(contentsOf: #","embedding":"#.utf8)
                JSONWriter.writeFloatArray(vector, into: &buffer)
                buffer.append(UInt8(ascii: "}"))
            }
            buffer.append(contentsOf: #"],"model":"#.utf8)
            JSONWriter.writeString(provider.model, into: &buffer)
            buffer.append(contentsOf: #","usage":{"prompt_tokens":"#.utf8)
            JSONWriter.writeInteger(Int64(tokens), into: &buffer)
            buffer.append(contentsOf: #","total_tokens":"#.utf8)
            JSONWriter.writeInteger(Int64(tokens), into: &buffer)
            buffer.append(contentsOf: "}}".utf8)
            return JSONResponse.make(status: .ok, bytes: buffer)
        },
    ] }
}

/// `POST /v1/embeddings` body (OpenAI's): `input` one text or up to `TextLimits.maxTextsPerRequest`; `model` is accepted and ignored (the
/// server's provider decides; the answer names it); `encoding_format` only `float`; `dimensions` must equal the
/// provider's; `user` is ignored.
struct EmbeddingsBody {
    var input: [String]
    var dimensions: Int?

    static let keys = BodyKeys(["input", "model", "encoding_format", "dimensions", "user"])

    static func decode(_ reader: inout JSONReader) throws -> EmbeddingsBody {
        var input: [String]?
        var dimensions: Int?
        try reader.object("body", keys: keys) { key, _, reader in
            switch key {
            case "input":
                if try reader.kind("input") == .string {
                    input = [try reader.string("input")]
                } else {
                    var texts: [String] = []
                    try reader.array("input") { index, reader in
                        guard index < TextLimits.maxTextsPerRequest else { throw TextLimits.tooMany(field: "input", item: nil) }
                        texts.append(try reader.string("input", item: index))
                    }
                    input = texts
                }
            case "model", "user": _ = try reader.string(key)
            case "encoding_format":
                let format = try reader.string("encoding_format")
                guard format == "float" else { throw APIError.invalid("encoding_format must be float", field: "encoding_format") }
            case "dimensions": dimensions = try reader.integer("dimensions", range: 1...65_536)
            default: throw reader.undecoded(key)
            }
        }
        guard let input, !input.isEmpty else { throw APIError.invalid("input is required: a text or a nonempty array of texts", field: "input") }
        if let empty = input.firstIndex(where: { $0.isEmpty }) {
            throw APIError.invalid("input[\(empty)] is empty; every text needs at least one character", field: "input", item: empty)
        }
        return EmbeddingsBody(input: input, dimensions: dimensions)
    }
}

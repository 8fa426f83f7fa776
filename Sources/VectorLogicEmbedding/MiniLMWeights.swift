/// all-MiniLM-L6-v2's shape (its config.json): a 6-layer BERT, hidden size 384, 12 heads of 32, feed-forward 1536,
/// 512 positions, vocabulary 30,522, LayerNorm epsilon 1e-12.
struct MiniLMConfig: Sendable {
    static let hidden = 384
    static let heads = 12
    static let headSize = 32
    static let intermediate = 1536
    static let layers = 6
    static let positions = 512
    static let vocabulary = 30_522
    static let layerNormEpsilon: Float = 1e-12
}

/// One encoder layer's tensors: PyTorch `Linear` weights are [out, in] row-major, so y = x · Wᵀ + b.
struct MiniLMLayer: @unchecked Sendable {
    // @unchecked: pointers into the immutable mapping owned by MiniLMWeights.
    let query, key, value, attentionOutput: UnsafePointer<Float>
    let queryBias, keyBias, valueBias, attentionOutputBias: UnsafePointer<Float>
    let attentionNormWeight, attentionNormBias: UnsafePointer<Float>
    let intermediate, intermediateBias, output, outputBias: UnsafePointer<Float>
    let outputNormWeight, outputNormBias: UnsafePointer<Float>
}

/// The encoder's tensors, in place in the mapped `model.safetensors` (names and shapes checked on load).
struct MiniLMWeights: @unchecked Sendable {
    // @unchecked: `file` keeps the mapping alive; nothing is written through these pointers.
    let file: SafeTensors
    let wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings: UnsafePointer<Float>
    let embeddingNormWeight, embeddingNormBias: UnsafePointer<Float>
    let layers: [MiniLMLayer]

    init(file: SafeTensors) throws(EmbeddingError) {
        typealias C = MiniLMConfig
        let h = C.hidden
        self.file = file
        wordEmbeddings = try file.floats("embeddings.word_embeddings.weight", shape: [C.vocabulary, h])
        positionEmbeddings = try file.floats("embeddings.position_embeddings.weight", shape: [C.positions, h])
        tokenTypeEmbeddings = try file.floats("embeddings.token_type_embeddings.weight", shape: [2, h])
        embeddingNormWeight = try file.floats("embeddings.LayerNorm.weight", shape: [h])
        embeddingNormBias = try file.floats("embeddings.LayerNorm.bias", shape: [h])
        var layers: [MiniLMLayer] = []
        for i in 0..<C.layers {
            let p = "encoder.layer.\(i)."
            layers.append(
                MiniLMLayer(
                    query: try file.floats(p + "attention.self.query.weight", shape: [h, h]),
                    key: try file.floats(p + "attention.self.key.weight", shape: [h, h]),
                    value: try file.floats(p + "attention.self.value.weight", shape: [h, h]),
                    attentionOutput: try file.floats(p + "attention.output.dense.weight", shape: [h, h]),
                    queryBias: try file.floats(p + "attention.self.query.bias", shape: [h]),
                    keyBias: try file.floats(p + "attention.self.key.bias", shape: [h]),
                    valueBias: try file.floats(p + "attention.self.value.bias", shape: [h]),
                    attentionOutputBias: try file.floats(p + "attention.output.dense.bias", shape: [h]),
                    attentionNormWeight: try file.floats(p + "attention.output.LayerNorm.weight", shape: [h]),
                    attentionNormBias: try file.floats(p + "attention.output.LayerNorm.bias", shape: [h]),
                    intermediate: try file.floats(p + "intermediate.dense.weight", shape: [C.intermediate, h]),
                    intermediateBias: try file.floats(p + "intermediate.dense.bias", shape: [C.intermediate]),
                    output: try file.floats(p + "output.dense.weight", shape: [h, C.intermediate]),
                    outputBias: try file.floats(p + "output.dense.bias", shape: [h]),
                    outputNormWeight: try file.floats(p + "output.LayerNorm.weight", shape: [h]),
                    outputNormBias: try file.floats(p + "output.LayerNorm.bias", shape: [h])
                ))
        }
        self.layers = layers
    }
}

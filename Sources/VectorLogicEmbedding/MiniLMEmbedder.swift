internal import VectorLogicSync

/// all-MiniLM-L6-v2 run in this process: texts in, 384-d L2-normalised float32 vectors out, equal to
/// `SentenceTransformer("all-MiniLM-L6-v2").encode(texts, normalize_embeddings=True)` to float rounding (cosine
/// ≥ 0.999 per text, checked against the minilm-debian reference vectors by the tests).
///
/// Thread-safe: one forward pass runs at a time (a lock), using up to `threads` cores, so the cost of
/// embedding is bounded whatever the number of callers; callers should call from a thread that may block (a worker
/// pool), never from an event loop.
public final class MiniLMEmbedder: Sendable {
    /// Width of every vector.
    public static let dimension = 384
    /// Most token rows in one forward pass: bounds the activations to 28 MB (2,048 × (3 + 1 + 1) × 384 floats and
    /// 2,048 × 1,536 for the feed-forward: 13.8 KB a token), whatever the number of texts; 8 texts of the full 256
    /// tokens fit. 4,096 measured +194 MB peak RSS at batch 256 on 2 threads (over the 150 MB budget); 2,048 rows
    /// still fill the matrix products.
    public static let maxTokensPerPass = 2_048

    /// The tokenizer (public so tests and tools can compare ids with the reference tokenizer).
    public let tokenizer: WordPieceTokenizer
    /// Cores a forward pass may use.
    public let threads: Int
    /// OpenBLAS's kernel set in use (e.g. "SkylakeX"), for logs and benchmarks.
    public var blasCore: String { encoder.blas.coreName }
    private let encoder: MiniLMEncoder
    private let gate = Locked(())

    /// Loads `tokenizer.json` and `model.safetensors` from `directory`, checks names, shapes and (unless
    /// `verifyChecksum` is false) the weights' sha256 (once per file: `MiniLMModelFiles.verifyOnce`). Throws `EmbeddingError.modelFileMissing` / `.modelFileDamaged`
    /// naming the file.
    public init(directory: String, threads: Int = 1, verifyChecksum: Bool = true) throws(EmbeddingError) {
        tokenizer = try WordPieceTokenizer(tokenizerJSON: MiniLMModelFiles.readTokenizer(in: directory))
        let file = try SafeTensors(path: directory + "/model.safetensors")
        if verifyChecksum { try MiniLMModelFiles.verifyOnce(path: file.path) }
        encoder = MiniLMEncoder(weights: try MiniLMWeights(file: file), blas: try OpenBLAS.library.get())
        self.threads = max(1, min(threads, 256))
    }

    /// Embeds `texts` (each truncated to 256 tokens, as sentence-transformers does); one vector per text, in order.
    public func embed(_ texts: [String]) -> [[Float]] {
        embed(tokenized: texts.map(tokenizer.encode))
    }

    /// Embeds token id sequences (each 1...512 ids, ids below the vocabulary size; longer ones are cut at 512).
    public func embed(tokenized: [[Int32]]) -> [[Float]] {
        let sequences = tokenized.map { ids -> [Int32] in
            if ids.isEmpty { return [tokenizer.classifierID, tokenizer.separatorID] }
            return ids.prefix(MiniLMConfig.positions).map { $0 >= 0 && Int($0) < MiniLMConfig.vocabulary ? $0 : tokenizer.unknownID }
        }
        var result: [[Float]] = []
        result.reserveCapacity(sequences.count)
        var start = 0
        while start < sequences.count {
            var end = start
            var tokens = 0
            while end < sequences.count, end == start || tokens + sequences[end].count <= Self.maxTokensPerPass {
                tokens += sequences[end].count
                end += 1
            }
            let batch = Array(sequences[start..<end])
            let flat = [Float](unsafeUninitializedCapacity: batch.count * Self.dimension) { buffer, count in
                for i in 0..<buffer.count { buffer[i] = 0 }
                if let base = buffer.baseAddress { run(batch, into: base) }
                count = buffer.count
            }
            for i in 0..<batch.count { result.append(Array(flat[(i * Self.dimension)..<((i + 1) * Self.dimension)])) }
            start = end
        }
        return result
    }

    private func run(_ batch: [[Int32]], into out: UnsafeMutablePointer<Float>) {
        gate.withLock { _ in
            encoder.encode(batch, threads: threads, into: out)
        }
    }
}

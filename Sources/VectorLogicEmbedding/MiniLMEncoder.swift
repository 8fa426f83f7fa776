internal import CVectorLogicEmbeddingKernels

/// The BERT encoder forward pass of all-MiniLM-L6-v2, then mean pooling and L2 normalisation, over a packed batch:
/// the token rows of every text are stacked into one [tokens × 384] matrix with no padding at all, so the dense
/// layers (94% of the arithmetic for texts of ~60 tokens) are one matrix product per weight and batch, and attention
/// runs per text over its own rows. Packing computes exactly what a padded batch computes for the real tokens
/// (padding only adds masked rows), so the result equals sentence-transformers' to float rounding.
///
/// With `threads` > 1: a batch of at least `threads` texts is cut into `threads` groups of contiguous texts with
/// near-equal token counts, each encoded on its own core; fewer texts share each matrix product by output columns
/// and attention by heads (`ParallelSlices`).
struct MiniLMEncoder: Sendable {
    let weights: MiniLMWeights
    let blas: OpenBLAS.Library

    /// Embeds `sequences` (token ids, each 1...512 long) into `out`, 384 floats per sequence, L2-normalised.
    func encode(_ sequences: [[Int32]], threads: Int, into out: UnsafeMutablePointer<Float>) {
        guard threads > 1, sequences.count >= threads else {
            encodeGroup(sequences, threads: threads, into: out)
            return
        }
        let groups = Self.balancedGroups(sequences.map(\.count), parts: threads)
        let target = Unchecked(out)
        ParallelSlices.run(groups.count) { part in
            let group = groups[part]
            encodeGroup(Array(sequences[group]), threads: 1, into: target.value + group.lowerBound * MiniLMConfig.hidden)
        }
    }

    /// `lengths` cut into `parts` non-empty contiguous groups with near-equal sums (parts ≤ lengths.count).
    static func balancedGroups(_ lengths: [Int], parts: Int) -> [Range<Int>] {
        let total = lengths.reduce(0, +)
        var groups: [Range<Int>] = []
        var start = 0, sum = 0
        for part in 0..<(parts - 1) {
            let goal = total * (part + 1) / parts
            var end = start
            repeat {
                sum += lengths[end]
                end += 1
            } while end < lengths.count - (parts - 1 - part) && sum + lengths[end] / 2 < goal
            groups.append(start..<end)
            start = end
        }
        groups.append(start..<lengths.count)
        return groups
    }

    private func encodeGroup(_ sequences: [[Int32]], threads: Int, into out: UnsafeMutablePointer<Float>) {
        typealias C = MiniLMConfig
        let h = C.hidden
        var starts: [Int] = []
        var tokens = 0
        for sequence in sequences {
            starts.append(tokens)
            tokens += sequence.count
        }
        guard tokens > 0 else { return }
        let hidden = UnsafeMutablePointer<Float>.allocate(capacity: tokens * h)
        let attended = UnsafeMutablePointer<Float>.allocate(capacity: tokens * h)
        let qkv = UnsafeMutablePointer<Float>.allocate(capacity: 3 * tokens * h)
        let wide = UnsafeMutablePointer<Float>.allocate(capacity: tokens * C.intermediate)
        defer {
            hidden.deallocate()
            attended.deallocate()
            qkv.deallocate()
            wide.deallocate()
        }
        embed(sequences, into: hidden)
        let spans = zip(starts, sequences).map { Span(start: $0, length: $1.count) }
        let eps = C.layerNormEpsilon
        for layer in weights.layers {
            let q = qkv, k = qkv + tokens * h, v = qkv + 2 * tokens * h
            linear(hidden, rows: tokens, inputs: h, layer.query, layer.queryBias, outputs: h, into: q, threads: threads)
            linear(hidden, rows: tokens, inputs: h, layer.key, layer.keyBias, outputs: h, into: k, threads: threads)
            linear(hidden, rows: tokens, inputs: h, layer.value, layer.valueBias, outputs: h, into: v, threads: threads)
            // The attention context goes into `wide` (free until the feed-forward), its projection into `attended`.
            attention(spans, q: q, k: k, v: v, into: wide, threads: threads)
            linear(wide, rows: tokens, inputs: h, layer.attentionOutput, layer.attentionOutputBias, outputs: h, into: attended, threads: threads)
            vl_emb_add_layernorm(attended, hidden, layer.attentionNormWeight, layer.attentionNormBias, tokens, h, eps)
            linear(attended, rows: tokens, inputs: h, layer.intermediate, layer.intermediateBias, outputs: C.intermediate, into: wide, threads: threads)
            gelu(wide, rows: tokens, threads: threads)
            linear(wide, rows: tokens, inputs: C.intermediate, layer.output, layer.outputBias, outputs: h, into: hidden, threads: threads)
            vl_emb_add_layernorm(hidden, attended, layer.outputNormWeight, layer.outputNormBias, tokens, h, eps)
        }
        pool(spans, hidden: hidden, into: out)
    }

    /// Word + position + token-type (always type 0) embeddings, then LayerNorm.
    private func embed(_ sequences: [[Int32]], into hidden: UnsafeMutablePointer<Float>) {
        typealias C = MiniLMConfig
        let h = C.hidden
        var row = 0
        for sequence in sequences {
            for (position, id) in sequence.enumerated() {
                let word = weights.wordEmbeddings + Int(id) * h
                let place = weights.positionEmbeddings + position * h
                let target = hidden + row * h
                for i in 0..<h { target[i] = word[i] + place[i] + weights.tokenTypeEmbeddings[i] }
                row += 1
            }
        }
        vl_emb_add_layernorm(hidden, nil, weights.embeddingNormWeight, weights.embeddingNormBias, row, h, C.layerNormEpsilon)
    }

    /// y = x · Wᵀ + b for a PyTorch Linear weight W [outputs × inputs]; with threads, each core computes a block of
    /// output columns (rows of W are contiguous, so a block is a plain sub-matrix).
    private func linear(
        _ x: UnsafePointer<Float>, rows: Int, inputs: Int, _ weight: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
        outputs: Int, into y: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let blocks = ParallelSlices.ranges(outputs, parts: threads, granule: 32)
        let pointers = Unchecked((x, weight, bias, y)), sgemm = blas.sgemm
        ParallelSlices.run(blocks.count) { part in
            let (x, weight, bias, y) = pointers.value
            let block = blocks[part]
            sgemm(
                OpenBLAS.rowMajor, OpenBLAS.noTrans, OpenBLAS.trans, Int32(rows), Int32(block.count), Int32(inputs), 1, x, Int32(inputs),
                weight + block.lowerBound * inputs, Int32(inputs), 0, y + block.lowerBound, Int32(outputs))
            vl_emb_add_bias(y + block.lowerBound, bias + block.lowerBound, rows, block.count, outputs)
        }
    }

    private func gelu(_ x: UnsafeMutablePointer<Float>, rows: Int, threads: Int) {
        let blocks = ParallelSlices.ranges(rows, parts: threads)
        let pointer = Unchecked(x)
        ParallelSlices.run(blocks.count) { part in
            let block = blocks[part]
            vl_emb_gelu(pointer.value + block.lowerBound * MiniLMConfig.intermediate, block.count * MiniLMConfig.intermediate)
        }
    }

    /// Scaled dot-product attention, per text and head: softmax(Q Kᵀ / √32) V over the text's own rows; with
    /// threads, each core takes a block of heads.
    private func attention(
        _ spans: [Span], q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        into context: UnsafeMutablePointer<Float>, threads: Int
    ) {
        typealias C = MiniLMConfig
        let longest = spans.map(\.length).max() ?? 0
        let headBlocks = ParallelSlices.ranges(C.heads, parts: threads)
        let pointers = Unchecked((q, k, v, context)), sgemm = blas.sgemm
        ParallelSlices.run(headBlocks.count) { part in
            let (q, k, v, context) = pointers.value
            let h = Int32(C.hidden), d = Int32(C.headSize)
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: longest * longest)
            defer { scores.deallocate() }
            let scale = 1 / Float(C.headSize).squareRoot()
            for span in spans {
                let n = Int32(span.length)
                for head in headBlocks[part] {
                    let offset = span.start * C.hidden + head * C.headSize
                    sgemm(OpenBLAS.rowMajor, OpenBLAS.noTrans, OpenBLAS.trans, n, n, d, scale, q + offset, h, k + offset, h, 0, scores, n)
                    vl_emb_softmax_rows(scores, span.length, span.length, span.length)
                    sgemm(OpenBLAS.rowMajor, OpenBLAS.noTrans, OpenBLAS.noTrans, n, d, n, 1, scores, n, v + offset, h, 0, context + offset, h)
                }
            }
        }
    }

    /// Mean over each text's token rows, then division by the L2 norm (sentence-transformers' Pooling + Normalize).
    private func pool(_ spans: [Span], hidden: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let h = MiniLMConfig.hidden
        for (index, span) in spans.enumerated() {
            let target = out + index * h
            for i in 0..<h { target[i] = 0 }
            for row in span.start..<(span.start + span.length) {
                let source = hidden + row * h
                for i in 0..<h { target[i] += source[i] }
            }
            var norm: Float = 0
            for i in 0..<h {
                target[i] /= Float(span.length)
                norm += target[i] * target[i]
            }
            // sentence-transformers divides by max(norm, 1e-12) (torch.nn.functional.normalize).
            let scale = 1 / max(norm.squareRoot(), 1e-12)
            for i in 0..<h { target[i] *= scale }
        }
    }
}

/// One text's rows in a packed batch.
struct Span: Sendable {
    let start: Int
    let length: Int
}

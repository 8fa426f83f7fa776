import CVectorLogicEmbeddingKernels
import Testing

/// The dispatched (AVX2) element-wise kernels against their libm versions.
@Suite("Embedding kernels")
struct EmbeddingKernelTests {
    /// GELU: |AVX2 − libm| ≤ 2e-7 · (1 + |x|) over [-10, 10] (A&S erf is within 1.5e-7).
    @Test func geluMatchesLibm() {
        let inputs = (0..<4_001).map { Float($0 - 2_000) / 200 }
        var fast = inputs, exact = inputs
        vl_emb_gelu(&fast, fast.count)
        vl_emb_gelu_portable(&exact, exact.count)
        for i in inputs.indices {
            #expect(abs(fast[i] - exact[i]) <= 2e-7 * (1 + abs(inputs[i])), "x = \(inputs[i]): \(fast[i]) vs \(exact[i])")
        }
    }

    /// Softmax rows of odd widths sum to 1 and match libm's expf to 1e-6 relative.
    @Test func softmaxMatchesLibm() {
        for width in [1, 7, 8, 9, 33, 256] {
            let row = (0..<width).map { Float(($0 * 37) % 23) - 11.5 }
            var fast = row + row, exact = row + row
            vl_emb_softmax_rows(&fast, 2, width, width)
            vl_emb_softmax_rows_portable(&exact, 2, width, width)
            #expect(abs(fast.reduce(0, +) - 2) < 1e-5)
            for i in fast.indices { #expect(abs(fast[i] - exact[i]) <= 1e-6 * max(exact[i], 1e-6)) }
        }
    }
}

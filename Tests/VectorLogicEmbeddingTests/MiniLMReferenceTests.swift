import Foundation
import Testing
import VectorLogicEmbedding

/// The local model against the minilm-debian reference vectors (made by sentence-transformers from the same
/// model.safetensors, sha256 53aa5117…).
@Suite("MiniLM vs sentence-transformers reference vectors")
struct MiniLMReferenceTests {
    /// Cosine ≥ 0.999 for each of the 1,000 reference texts (≥ 200 of them truncated at 256 tokens); prints min and mean.
    @Test func embeddingsMatchTheReferenceVectors() throws {
        let embedder = try EmbeddingTestData.embedder.get()
        let directory = try EmbeddingTestData.datasetDirectory()
        let base = try EmbeddingTestData.texts(directory + "/base.texts.jsonl")
        let rows = EmbeddingTestData.referenceSample(base)
        try #require(rows.count == 1_000)
        let expected = try EmbeddingTestData.vectors(directory + "/base.fvecs", rows: rows)
        let tokenized = rows.map { embedder.tokenizer.encode(base[$0]) }
        #expect(tokenized.filter { $0.count == 256 }.count >= 200)
        let start = ContinuousClock.now
        let ours = embedder.embed(tokenized: tokenized)
        let elapsed = ContinuousClock.now - start
        let cosines = zip(ours, expected).map { EmbeddingTestData.cosine($0, $1) }
        let worst = cosines.enumerated().min { $0.element < $1.element }
        let mean = cosines.reduce(0, +) / Double(cosines.count)
        print("MiniLM reference: \(cosines.count) texts, min cosine \(worst?.element ?? 0) (row \(rows[worst?.offset ?? 0])), mean \(mean), \(elapsed)")
        for (index, cosine) in cosines.enumerated() where cosine < 0.999 {
            Issue.record("row \(rows[index]): cosine \(cosine)")
        }
        #expect(ours.allSatisfy { abs(EmbeddingTestData.cosine($0, $0) - 1) < 1e-5 && $0.count == 384 })
    }

    /// A text embeds to the same vector alone and inside a batch of texts of other lengths (packing is exact).
    @Test func batchingDoesNotChangeAVector() throws {
        let embedder = try EmbeddingTestData.embedder.get()
        let texts = ["a short one", String(repeating: "a longer text about Debian packages ", count: 20), "x", ""]
        let batch = embedder.embed(texts)
        for (index, text) in texts.enumerated() {
            let alone = embedder.embed([text])[0]
            #expect(EmbeddingTestData.cosine(alone, batch[index]) > 0.999_999)
        }
    }
}

import Foundation
import Testing
import VectorLogicEmbedding

/// Missing or damaged model files are refused with the file's path.
@Suite("Model files")
struct ModelFilesTests {
    /// A directory without the files: the error names tokenizer.json and the fetch command.
    @Test func missingFilesAreNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vl-model-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: EmbeddingError.modelFileMissing(file: dir + "/tokenizer.json")) { try MiniLMEmbedder(directory: dir) }
        try FileManager.default.copyItem(atPath: EmbeddingTestData.modelDirectory + "/tokenizer.json", toPath: dir + "/tokenizer.json")
        #expect(throws: EmbeddingError.modelFileMissing(file: dir + "/model.safetensors")) { try MiniLMEmbedder(directory: dir) }
        #expect(!MiniLMModelFiles.present(in: dir))
        #expect(EmbeddingError.modelFileMissing(file: "x").description.contains("tools/fetch-model"))
    }

    /// One flipped byte in the weights fails the sha256 check; a cut file fails the header's ranges.
    @Test func damagedWeightsAreRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vl-model-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: EmbeddingTestData.modelDirectory + "/tokenizer.json", toPath: dir + "/tokenizer.json")
        var weights = try Data(contentsOf: URL(fileURLWithPath: EmbeddingTestData.modelDirectory + "/model.safetensors"))
        weights[weights.count / 2] ^= 0x40
        try weights.write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        do {
            _ = try MiniLMEmbedder(directory: dir)
            Issue.record("a damaged model loaded")
        } catch {
            #expect(error.description.contains("sha256"))
            #expect(error.description.contains(dir + "/model.safetensors"))
        }
        try weights.prefix(1_000_000).write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        do {
            _ = try MiniLMEmbedder(directory: dir, verifyChecksum: false)
            Issue.record("a cut model loaded")
        } catch {
            #expect(error.description.contains("model.safetensors"))
        }
    }
}

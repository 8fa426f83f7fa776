import Foundation
import Testing
import VectorLogicEmbedding

/// The WordPiece tokenizer against the `tokenizers` library (PyPI; tools/test installs it) on the same texts.
@Suite("WordPiece tokenizer vs tokenizers")
struct TokenizerReferenceTests {
    /// Hand-made texts for what the dataset rarely has: accents, CJK, literal special tokens, control and format
    /// characters, other whitespace, emoji, unassigned scalars, a 101-character word, punctuation runs, 1 MB of text.
    static let edgeCases: [String] = [
        "", " ", "Crème Brûlée à la carte — naïve façade", "İstanbul ΣΊΣΥΦΟΣ ǅemal ẞtraße ﬁne", "中文字符 and 日本語のテキスト 한국어",
        "a[SEP]b [MASK] [CLS][UNK] [PAD]x [sep] [MASK", "tab\there\nnew\r\nline\u{0B}vt\u{85}nel\u{A0}nbsp\u{3000}ideo\u{2028}ls",
        "zero\u{200B}width soft\u{AD}hyphen private\u{E000}use bom\u{FEFF}x nul\u{0}byte repl\u{FFFD}char",
        "emoji 😀🤣🥰🫠 unassigned \u{378} math 𝐀𝐁 e\u{301}\u{327}", String(repeating: "x", count: 101) + " " + String(repeating: "y", count: 100),
        "C++ (GNU) 3.14159 $HOME ~/.bashrc <tag>=\"v\"; a|b^c`d", "don't won’t «quoted» „lower“ ‘single’ …ellipsis",
        "DOWNLOAD_HTTPS://EXAMPLE.COM/path?query=1&b=2#frag", String(repeating: "lorem ipsum dolor ", count: 60_000),
    ]

    /// Token ids equal the reference for the 1,000 reference texts of minilm-debian and the edge cases above.
    @Test func idsMatchTheTokenizersLibrary() throws {
        let embedder = try EmbeddingTestData.embedder.get()
        let base = try EmbeddingTestData.texts(try EmbeddingTestData.datasetDirectory() + "/base.texts.jsonl")
        let texts = EmbeddingTestData.referenceSample(base).map { base[$0] } + Self.edgeCases
        let reference = try Self.referenceIDs(texts)
        try #require(reference.count == texts.count)
        var mismatches = 0
        for (index, text) in texts.enumerated() {
            let ours = embedder.tokenizer.encode(text)
            if ours != reference[index] {
                mismatches += 1
                if mismatches <= 5 { Issue.record("text \(index) \(text.prefix(80).debugDescription): ours \(ours.prefix(40)) reference \(reference[index].prefix(40))") }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(texts.count) texts tokenized differently")
        let truncated = texts.indices.filter { reference[$0].count == 256 }.count
        #expect(truncated >= 200, "only \(truncated) truncated texts in the sample")
    }

    /// Runs Tests/VectorLogicEmbeddingTests/reference_tokenizer.py over `texts`.
    static func referenceIDs(_ texts: [String]) throws -> [[Int32]] {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("vl-tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let input = work.appendingPathComponent("texts.jsonl"), output = work.appendingPathComponent("ids.jsonl")
        var lines = Data()
        for text in texts {
            lines.append(try JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed]))
            lines.append(UInt8(ascii: "\n"))
        }
        try lines.write(to: input)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("reference_tokenizer.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, EmbeddingTestData.modelDirectory + "/tokenizer.json", input.path, output.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestDataError("reference_tokenizer.py failed (exit \(process.terminationStatus)); is `tokenizers` installed? tools/test installs it")
        }
        let data = try Data(contentsOf: output)
        return try data.split(separator: UInt8(ascii: "\n")).map { line in
            guard let ids = try JSONSerialization.jsonObject(with: line) as? [Int] else { throw TestDataError("bad reference line") }
            return ids.map { Int32($0) }
        }
    }
}

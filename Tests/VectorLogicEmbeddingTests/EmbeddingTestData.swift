import Foundation
import VectorLogicEmbedding
import VectorLogicJSON

/// Where the model and the minilm-debian dataset are, and the sample of texts the reference tests use.
///
/// The dataset is found through `VECTORLOGIC_DATASET_DIR`, which `tools/test` sets (CI clones the repository with
/// the project's shared folder beside it). A run without it fails and says so: the reference tests are the proof
/// that the model is the same model, so they never pass vacuously.
enum EmbeddingTestData {
    /// The model directory: `VECTORLOGIC_MODEL_DIR`, else the cache directory tools/fetch-model fills.
    static var modelDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["VECTORLOGIC_MODEL_DIR"] ?? MiniLMModelFiles.defaultDirectory(environment: environment)
    }

    /// The minilm-debian directory, or an error that says how to provide it.
    static func datasetDirectory() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["VECTORLOGIC_DATASET_DIR"], !path.isEmpty else {
            throw TestDataError("VECTORLOGIC_DATASET_DIR is not set: run tools/test, or set it to the minilm-debian directory")
        }
        return path
    }

    /// One embedder per test process.
    static let embedder: Result<MiniLMEmbedder, EmbeddingError> = Result { () throws(EmbeddingError) in
        // The checksum is skipped here (tools/fetch-model checked it; ModelFilesTests tests the check): hashing 90 MB
        // takes a debug build tens of seconds.
        try MiniLMEmbedder(directory: modelDirectory, threads: 2, verifyChecksum: false)
    }

    /// Texts of `file` (JSON lines with a "text" field), in file order.
    static func texts(_ file: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        var texts: [String] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard case .object(let object) = try JSONParser.parse([UInt8](line)), case .string(let text)? = object["text"] else {
                throw TestDataError("\(file): a line without a text field")
            }
            texts.append(text)
        }
        return texts
    }

    /// The reference sample: every 125th base row (800 rows, the dataset's mix) and the first 200 further rows of
    /// at least 1,500 UTF-8 bytes (all longer than 256 tokens in this dataset, so truncation is exercised).
    static func referenceSample(_ texts: [String]) -> [Int] {
        var rows = Array(stride(from: 0, to: min(texts.count, 100_000), by: 125))
        let chosen = Set(rows)
        var long = 0
        for (row, text) in texts.enumerated() where long < 200 && !chosen.contains(row) && text.utf8.count >= 1_500 {
            rows.append(row)
            long += 1
        }
        return rows
    }

    /// Rows `rows` of an `.fvecs` file.
    static func vectors(_ file: String, rows: [Int]) throws -> [[Float]] {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        var out: [[Float]] = []
        for row in rows {
            try handle.seek(toOffset: UInt64(row) * 1_540)
            guard let record = try handle.read(upToCount: 1_540), record.count == 1_540 else {
                throw TestDataError("\(file): row \(row) is missing")
            }
            out.append(record.withUnsafeBytes { raw in
                (0..<384).map { raw.loadUnaligned(fromByteOffset: 4 + 4 * $0, as: Float.self) }
            })
        }
        return out
    }

    /// Cosine of two vectors.
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in 0..<min(a.count, b.count) {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        return dot / max((na * nb).squareRoot(), 1e-30)
    }
}

/// A test precondition that does not hold, with the reason.
struct TestDataError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

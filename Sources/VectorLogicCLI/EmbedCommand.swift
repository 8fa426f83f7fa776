import ArgumentParser
import Foundation
import VectorLogicEmbedding
import VectorLogicJSON

/// `vectorlogic embed`: texts → vectors with the local model, offline (no server). Texts come from the arguments,
/// else from `--input FILE` or stdin (`-`): one per line, or JSON lines with a `text` field. Output: JSON lines
/// `{"index":i,"embedding":[…]}` or `.fvecs` (`--format fvecs`), to stdout or `--output`. A progress line on a
/// terminal's stderr for inputs over 256 texts. Texts are embedded 256 at a time, so memory stays bounded.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed texts with the local all-MiniLM-L6-v2 model (JSON lines or .fvecs out).",
        discussion: "Exit codes: 0 done, 1 the model could not be loaded or a file could not be read or written, 2 bad arguments."
    )

    @Argument(help: "Texts to embed (else --input or stdin).") var texts: [String] = []
    @Option(name: .customLong("input"), help: "File of texts, one per line or JSON lines with a text field; - for stdin.") var input: String?
    @Option(name: .customLong("output"), help: "Output file (default stdout).") var output: String?
    @Option(name: .customLong("format"), help: "jsonl or fvecs.") var format = "jsonl"
    @Option(name: .customLong("model-dir"), help: "Model directory (default: tools/fetch-model's).") var modelDir: String?
    @Option(name: .customLong("threads"), help: "Cores to use (default: all).") var threads: Int?

    init() {}

    func run() throws {
        guard format == "jsonl" || format == "fvecs" else {
            ToolOutput.error("--format must be jsonl or fvecs")
            throw ExitCodes.usage
        }
        let lines: [String]
        if !texts.isEmpty {
            lines = texts
        } else {
            let data: Data
            if let input, input != "-" {
                guard let read = FileManager.default.contents(atPath: input) else {
                    ToolOutput.error("cannot read \(input)")
                    throw ExitCodes.failure
                }
                data = read
            } else {
                data = FileHandle.standardInput.readDataToEndOfFile()
            }
            lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map(Self.text(ofLine:))
        }
        let environment = ProcessInfo.processInfo.environment
        let embedder: MiniLMEmbedder
        do {
            embedder = try MiniLMEmbedder(directory: modelDir ?? MiniLMModelFiles.defaultDirectory(environment: environment),
                                          threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        } catch {
            ToolOutput.error(error.description)
            throw ExitCodes.failure
        }
        var out = Data()
        let showProgress = lines.count > 256 && isatty(2) == 1
        var start = 0
        while start < lines.count {
            let batch = Array(lines[start..<min(lines.count, start + 256)])
            for (offset, vector) in embedder.embed(batch).enumerated() {
                Self.append(vector, index: start + offset, format: format, to: &out)
            }
            start += batch.count
            if showProgress { ToolOutput.write("\rembedded \(start)/\(lines.count)", to: 2) }
        }
        if showProgress { ToolOutput.write("\n", to: 2) }
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: out) else {
                ToolOutput.error("cannot write \(output)")
                throw ExitCodes.failure
            }
        } else {
            FileHandle.standardOutput.write(out)
        }
    }

    /// A JSON line's `text` field, else the line itself.
    static func text(ofLine line: Data.SubSequence) -> String {
        if line.first == UInt8(ascii: "{"), case .object(let object)? = try? JSONParser.parse([UInt8](line)),
           case .string(let text)? = object["text"] {
            return text
        }
        return String(decoding: line, as: UTF8.self)
    }

    static func append(_ vector: [Float], index: Int, format: String, to out: inout Data) {
        if format == "fvecs" {
            var width = Int32(vector.count).littleEndian
            withUnsafeBytes(of: &width) { out.append(contentsOf: $0) }
            for value in vector {
                var bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: &bits) { out.append(contentsOf: $0) }
            }
        } else {
            var line: [UInt8] = Array(#"{"index":"#.utf8)
            JSONWriter.writeInteger(Int64(index), into: &line)
            line.append(contentsOf: #","embedding":"#.utf8)
            JSONWriter.writeFloatArray(vector, into: &line)
            line.append(contentsOf: "}\n".utf8)
            out.append(contentsOf: line)
        }
    }
}

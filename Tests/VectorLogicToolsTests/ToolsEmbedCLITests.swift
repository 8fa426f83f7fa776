import Foundation
import Testing
import VectorLogicJSON

/// `vectorlogic embed` through the built executable: texts from arguments and from a JSON-lines file, JSON lines and
/// `.fvecs` out, the same vectors both ways; a missing model directory is exit 1 naming the file.
@Suite struct ToolsEmbedCLITests {
    @Test func embedsArgumentsAndFilesAlike() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vl-embed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let byArguments = try VectorLogicProcess.run(["embed", "apt: command-line package manager", "Crème brûlée"], timeoutSeconds: 120)
        #expect(byArguments.status == 0, "\(byArguments.stderr)")
        let lines = byArguments.stdout.split(separator: "\n")
        try #require(lines.count == 2)
        var fromJSON: [[Float]] = []
        for line in lines {
            guard case .object(let object) = try JSONParser.parse(String(line)), case .array(let values)? = object["embedding"] else {
                Issue.record("bad line \(line.prefix(80))")
                continue
            }
            fromJSON.append(values.compactMap { if case .number(let v) = $0 { return Float(v) } else { return nil } })
        }
        #expect(fromJSON.allSatisfy { $0.count == 384 })
        try Data(#"{"text":"apt: command-line package manager"}\#nCrème brûlée\#n"#.utf8).write(to: URL(fileURLWithPath: dir + "/in.jsonl"))
        let byFile = try VectorLogicProcess.run(
            ["embed", "--input", dir + "/in.jsonl", "--format", "fvecs", "--output", dir + "/out.fvecs"], timeoutSeconds: 120)
        #expect(byFile.status == 0, "\(byFile.stderr)")
        let fvecs = try Data(contentsOf: URL(fileURLWithPath: dir + "/out.fvecs"))
        try #require(fvecs.count == 2 * 1_540)
        for row in 0..<2 {
            let vector = fvecs.withUnsafeBytes { raw in (0..<384).map { raw.loadUnaligned(fromByteOffset: row * 1_540 + 4 + 4 * $0, as: Float.self) } }
            // JSON keeps float32 exactly (shortest round-trip digits), so both outputs agree bit for bit.
            #expect(vector == fromJSON[row])
        }
        let missing = try VectorLogicProcess.run(["embed", "--model-dir", dir + "/nothing", "x"], timeoutSeconds: 60)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains(dir + "/nothing/tokenizer.json") && missing.stderr.contains("tools/fetch-model"))
    }
}

// Embedding throughput of the in-process all-MiniLM-L6-v2 (release build; see BENCHMARKS.md "Embeddings").
//
//   embedding-bench --model-dir DIR --texts base.texts.jsonl [--threads 1,2] [--batch 1,32,256] [--texts-per-run N]
//
// Prints one JSON object per (threads, batch) run, plus one with the load time and RSS before/after loading.
// Texts are the first N texts of the file (N = --texts-per-run, default 1,024; batch 1 uses a quarter of them),
// the same texts tools/bench/embedding/embedding_bench.py gives sentence-transformers.
import Foundation
import VectorLogicEmbedding

func argument(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    guard let index = args.firstIndex(of: name), index + 1 < args.count else { return fallback }
    return args[index + 1]
}

func residentKilobytes(_ field: String) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
    return 0
}

let environment = ProcessInfo.processInfo.environment
let modelDirectory = argument("--model-dir", MiniLMModelFiles.defaultDirectory(environment: environment))
let textsPath = argument("--texts", "")
let threadCounts = argument("--threads", "1,2").split(separator: ",").compactMap { Int($0) }
let batchSizes = argument("--batch", "1,32,256").split(separator: ",").compactMap { Int($0) }
let perRun = Int(argument("--texts-per-run", "1024")) ?? 1_024

guard let data = FileManager.default.contents(atPath: textsPath) else {
    FileHandle.standardError.write(Data("embedding-bench: cannot read --texts \(textsPath)\n".utf8))
    exit(2)
}
var texts: [String] = []
for line in data.split(separator: UInt8(ascii: "\n")) where texts.count < perRun {
    if let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any], let text = object["text"] as? String {
        texts.append(text)
    }
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

var checksum: Float = 0
for threads in threadCounts {
    // One embedder at a time, so RSS after loading is one model's.
    let rssBefore = residentKilobytes("VmRSS")
    let loadStart = ContinuousClock.now
    let embedder: MiniLMEmbedder
    do { embedder = try MiniLMEmbedder(directory: modelDirectory, threads: threads) } catch {
        FileHandle.standardError.write(Data("embedding-bench: \(error)\n".utf8))
        exit(1)
    }
    print(
        "{\"kind\":\"load\",\"blas\":\"\(embedder.blasCore)\",\"threads\":\(threads),\"seconds\":\(seconds(since: loadStart)),\"rss_before_kb\":\(rssBefore),"
            + "\"rss_after_kb\":\(residentKilobytes("VmRSS"))}")
    for batch in batchSizes {
        let run = Array(texts.prefix(batch == 1 ? max(1, texts.count / 4) : texts.count))
        _ = embedder.embed(Array(run.prefix(batch)))  // warm-up: pages in the weights
        let start = ContinuousClock.now
        var index = 0
        while index < run.count {
            let vectors = embedder.embed(Array(run[index..<min(run.count, index + batch)]))
            checksum += vectors.first?.first ?? 0
            index += batch
        }
        let elapsed = seconds(since: start)
        print(
            "{\"kind\":\"run\",\"engine\":\"vectorlogic\",\"threads\":\(threads),\"batch\":\(batch),\"texts\":\(run.count),"
                + "\"seconds\":\(elapsed),\"texts_per_second\":\(Double(run.count) / elapsed),\"rss_peak_kb\":\(residentKilobytes("VmHWM"))}")
    }
}
FileHandle.standardError.write(Data("checksum \(checksum)\n".utf8))

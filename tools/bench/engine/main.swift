import Foundation
import VectorLogicDistance
import VectorLogicEngine
import VectorLogicIndex
import VectorLogicIO

// engine-bench: ingest and reopen figures of the VectorLogic engine (BENCHMARKS.md "Engine").
// Usage: engine-bench [--data base.fvecs] [--work DIR] [--single-cap 20000] [--single-seconds 20]
//                     [--configs 1x1,8x1,64x1,1x256,8x256,64x256] [--synthetic 1000000] [--skip-ingest]
//                     [--blocks]   (only the per-block checksum costs: data-format.md "Block checksums")
//                     [--scroll]   (only the cost of a scroll page over a memtable: BENCHMARKS.md "Scroll")
// --data defaults to $VECTORLOGIC_DATASET_DIR/base.fvecs.
// Child mode (used by the crash reopen figure): engine-bench --child-crash DIR --data F --count N

let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

guard let dataPath = option("--data") ?? ProcessInfo.processInfo.environment["VECTORLOGIC_DATASET_DIR"].map({ $0 + "/base.fvecs" }) else {
    emit("engine-bench: give --data base.fvecs or set VECTORLOGIC_DATASET_DIR", to: 2)
    exit(2)
}
if let directory = option("--child-crash") {
    let count = Int(option("--count") ?? "") ?? 100_000
    guard let dataset = Dataset.load(dataPath, limit: count) else { fatalError("cannot read \(dataPath)") }
    try await Reopen.crashChild(directory: directory, dataset: dataset, count: count)
}

let work = option("--work") ?? NSTemporaryDirectory() + "vectorlogic-engine-bench"
let singleCap = Int(option("--single-cap") ?? "") ?? 20_000
let singleSeconds = Double(option("--single-seconds") ?? "") ?? 20
let configs = (option("--configs") ?? "1x1,8x1,64x1,1x256,8x256,64x256").split(separator: ",").compactMap { spec -> (Int, Int)? in
    let parts = spec.split(separator: "x").compactMap { Int($0) }
    return parts.count == 2 ? (parts[0], parts[1]) : nil
}
// --reuse keeps an earlier run's ingest-8x256 directory (the clean 100,000-vector database) for the reopen figures.
if !arguments.contains("--reuse") { try? FileManager.default.removeItem(atPath: work) }
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
guard let dataset = Dataset.load(dataPath, limit: 100_000) else {
    emit("cannot read \(dataPath)", to: 2)
    exit(1)
}
emit("data: \(dataset.vectors.count) × \(dataset.dimension) from \(dataPath)")
let query = dataset.vectors[dataset.vectors.count / 2]
if arguments.contains("--scroll") {
    try await Scroll.run(dataset: dataset, work: work)
    exit(0)
}
if arguments.contains("--blocks") {
    try await Blocks.run(dataset: dataset, work: work)
    exit(0)
}

if !arguments.contains("--skip-ingest") {
    emit("| writers | batch | acked vectors | seconds | acked vec/s | fsyncs/s | writes/fsync | p50 ms | p99 ms | indexed vec/s | peak backlog |")
    emit("|---|---|---|---|---|---|---|---|---|---|---|")
    for (writers, batch) in configs {
        let directory = work + "/ingest-\(writers)x\(batch)"
        let limit = batch == 1 ? singleCap : dataset.vectors.count
        let result = try await Ingest.run(dataset: dataset, directory: directory, writers: writers, batch: batch,
                                          limit: limit, maxSeconds: batch == 1 ? singleSeconds : 600)
        emit(result.row)
        if !(writers == 8 && batch == 256) { try? FileManager.default.removeItem(atPath: directory) }
    }
}

let clean = work + "/ingest-8x256"
if !FileManager.default.fileExists(atPath: clean) {
    _ = try await Ingest.run(dataset: dataset, directory: clean, writers: 8, batch: 256, limit: dataset.vectors.count, maxSeconds: 600)
}
let cleanRuns = try await Reopen.series(directory: clean, query: query, collection: Ingest.collection, runs: 5)
emit("reopen after clean shutdown, 100,000 vectors: first answer ms \(cleanRuns.map { String(format: "%.1f", $0) })")

let crashed = work + "/crashed"
try? FileManager.default.removeItem(atPath: crashed)
let status = try Reopen.runCrashChild(directory: crashed, dataPath: dataPath, count: dataset.vectors.count)
emit("crash child exit status \(status) (9 = SIGKILL)")
// Not closed: a clean close would first build the HNSW graph of the 100,000 replayed rows (minutes on 2 shared cores).
let crashFirst = try await Reopen.measure(directory: crashed, query: query, collection: Ingest.collection, close: false)
emit(String(format: "reopen after SIGKILL with a full memtable (100,000 vectors in the log): open %.1f ms, first answer %.1f ms",
            crashFirst.open, crashFirst.firstAnswer))

if let synthetic = Int(option("--synthetic") ?? "") {
    let directory = work + "/synthetic"
    let clock = ContinuousClock()
    let start = clock.now
    try await Reopen.buildSynthetic(directory: directory, count: synthetic, dimension: dataset.dimension)
    emit(String(format: "built %d synthetic vectors in %.1f s", synthetic, Timing.seconds(clock.now - start)))
    let runs = try await Reopen.series(directory: directory, query: Dataset.synthetic(count: 1, dimension: dataset.dimension, seed: 7).vectors[0],
                                       collection: "synthetic", runs: 5)
    emit("reopen after clean shutdown, \(synthetic) synthetic vectors (flat): first answer ms \(runs.map { String(format: "%.1f", $0) })")
}
if !arguments.contains("--reuse") { try? FileManager.default.removeItem(atPath: work) }
exit(0)

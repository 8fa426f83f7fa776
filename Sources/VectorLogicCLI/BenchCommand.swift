import ArgumentParser
import Foundation
import Synchronization
import VectorLogicDistance
import VectorLogicIndex

/// `vectorlogic bench`: builds an HNSW graph in-process over a TEXMEX dataset and reports, per ef, recall@k and
/// single-thread queries per second, plus build time, index bytes and resident memory (docs/cli.md).
///
/// The graph is built with `MutableHNSW` on `--threads` threads, serialised to the graph-section bytes, and searched
/// through `FrozenHNSW` over those bytes — the path a segment takes after a flush (`--graph mutable` searches the
/// in-memory graph instead).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Build an HNSW index from .fvecs files and measure recall and queries per second."
    )

    @Option(help: "Base vectors (.fvecs).") var base: String
    @Option(help: "Query vectors (.fvecs).") var query: String
    @Option(help: "Ground truth ids (.ivecs), best first.") var groundtruth: String
    @Option(help: "cosine, dot or euclidean.") var metric: String = "cosine"
    @Option(help: "HNSW links per node (layer 0 keeps 2m).") var m: Int = 16
    @Option(name: .customLong("ef-construction"), help: "Candidate list size while building.") var efConstruction: Int = 200
    @Option(help: "Comma-separated search ef values.") var ef: String = "10,16,32,64,128,256"
    @Option(help: "Neighbours per query.") var k: Int = 10
    @Option(help: "Threads used to build.") var threads: Int = 1
    @Option(name: .customLong("search-threads"),
            help: "Also time this many threads searching at once, each pass right after a one-thread pass (total QPS, and the median of the pairs' ratios).")
    var searchThreads: Int = 1
    @Option(help: "Timed passes over the queries per ef; the median is reported.") var repeats: Int = 3
    @Option(help: "Use only the first N base vectors (ground truth then no longer matches).") var limit: Int?
    @Option(help: "frozen (serialised graph, default) or mutable.") var graph: String = "frozen"
    @Option(help: "Traversal of the frozen graph: sq8 (8-bit codes, float32 re-rank; what segments use) or float.")
    var traversal: String = "sq8"
    @Option(name: .customLong("build-walk"),
            help: "What inserts walk while building: sq8 (8-bit codes of all rows, links chosen on float32; default) or float.")
    var buildWalk: String = "sq8"
    @Option(help: "SQ8 traversal: re-measure bounded (only candidates that could be among the k nearest; default) or all.")
    var rerank: String = "bounded"
    @Option(name: .customLong("rerank-reads"),
            help: "SQ8 traversal: re-rank rows read from memory (mapped, default) or with pread from --base (pread).")
    var rerankReads: String = "mapped"
    @Option(name: .customLong("filter-selectivity"),
            help: "Comma-separated fractions; adds filtered recall/QPS against the exact filtered answer.")
    var filterSelectivity: String?
    @Option(name: .customLong("graph-file"),
            help: "Reuse the graph section saved in this file (skips the build), or save it there after building.")
    var graphFile: String?
    @Flag(help: "Only time the distance kernels (C vs Swift SIMD) on the base vectors.") var kernels = false
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard DistanceMetric(rawValue: metric) != nil else { throw ValidationError("--metric must be cosine, dot or euclidean") }
        guard m >= 2, m <= 128 else { throw ValidationError("--m must be in 2...128") }
        guard efConstruction >= 1, k >= 1, k <= 1000, threads >= 1, threads <= 256, repeats >= 1,
              searchThreads >= 1, searchThreads <= 256 else {
            throw ValidationError("--ef-construction, --k, --threads, --search-threads and --repeats must be positive (k ≤ 1000)")
        }
        guard !efValues.isEmpty else { throw ValidationError("--ef must list positive integers") }
        guard graph == "frozen" || graph == "mutable" else { throw ValidationError("--graph must be frozen or mutable") }
        guard traversal == "sq8" || traversal == "float" else { throw ValidationError("--traversal must be sq8 or float") }
        guard buildWalk == "sq8" || buildWalk == "float" else { throw ValidationError("--build-walk must be sq8 or float") }
        guard rerank == "bounded" || rerank == "all" else { throw ValidationError("--rerank must be bounded or all") }
        guard rerankReads == "mapped" || rerankReads == "pread" else { throw ValidationError("--rerank-reads must be mapped or pread") }
        guard filterSelectivity == nil || !selectivities.isEmpty else {
            throw ValidationError("--filter-selectivity must list fractions in (0, 1]")
        }
    }

    var efValues: [Int] { ef.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 } }
    var selectivities: [Double] {
        (filterSelectivity ?? "").split(separator: ",").compactMap { Double($0) }.filter { $0 > 0 && $0 <= 1 }
    }

    func run() throws {
        let metric = DistanceMetric(rawValue: self.metric) ?? .cosine
        let source: FlatVectorSource
        let queries: FlatVectorSource
        let truth: [[Int32]]
        do {
            source = try TexmexFile.readVectors(base, limit: limit)
            queries = try TexmexFile.readVectors(query)
            truth = try TexmexFile.readIDs(groundtruth)
        } catch {
            FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
            throw ExitCodes.failure
        }
        guard queries.dimension == source.dimension, truth.count >= queries.count else {
            FileHandle.standardError.write(Data("bench: query dimension or ground-truth count does not match the base\n".utf8))
            throw ExitCodes.failure
        }
        if kernels {
            print(KernelBench.run(source))
            return
        }
        let parameters = HNSWParameters(m: m, efConstruction: efConstruction)
        var index: MutableHNSW?
        var buildSeconds = 0.0
        var bytes: [UInt8]
        if let graphFile, let saved = FileManager.default.contents(atPath: graphFile) {
            bytes = [UInt8](saved)
        } else {
            let built = BenchRunner.build(source, metric: metric, parameters: parameters, threads: threads,
                                          quantizedWalk: buildWalk == "sq8")
            index = built.0
            buildSeconds = built.1
            // serialized() runs this pass too (a no-op then); timed here on its own.
            // First what a memtable runs after each batch (rows in no list), then what the rest of the pass finds.
            let orphans = built.0.linkOrphans()?.unreachableBefore ?? 0
            let clock = ContinuousClock()
            let start = clock.now
            let connected = built.0.connectUnreachable()
            FileHandle.standardError.write(Data(("bench: \(orphans) unreachable rows before linkOrphans(); connect pass "
                + "\(BenchRunner.seconds(clock.now - start)) s, \(connected.unreachableBefore) rows left to link back\n").utf8))
            bytes = built.0.serialized()
            if let graphFile, !FileManager.default.createFile(atPath: graphFile, contents: Data(bytes)) {
                FileHandle.standardError.write(Data("bench: could not save the graph to \(graphFile)\n".utf8))
            }
        }
        let graphBytes = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 64)
        defer { graphBytes.deallocate() }
        graphBytes.copyBytes(from: bytes)
        let frozen = try FrozenHNSW(graph: UnsafeRawBufferPointer(graphBytes), source: source, metric: metric,
                                    count: source.count, rerankAll: rerank == "all",
                                    rerankReads: rerankReads == "pread" ? try Self.fvecsRowReader(path: base, dimension: source.dimension) : nil)
        var quantizeSeconds = 0.0
        if traversal == "sq8" {
            let clock = ContinuousClock()
            let start = clock.now
            frozen.prepareQuantizedTraversal()
            quantizeSeconds = BenchRunner.seconds(clock.now - start)
        }
        let searcher: BenchRunner.Searcher
        if graph == "mutable", let index {
            searcher = { q, k, ef, accept in index.search(q, k: k, ef: ef, accept: accept) }
        } else {
            searcher = { q, k, ef, accept in frozen.search(q, k: k, ef: ef, accept: accept) }
        }
        let results = efValues.map { ef in
            BenchRunner.measure(searcher, queries: queries, truth: truth, k: k, ef: ef, repeats: repeats, threads: searchThreads)
        }
        var filtered: [BenchRunner.FilteredResult] = []
        for s in selectivities {
            for ef in efValues {
                filtered.append(BenchRunner.measureFiltered(searcher, source: source, queries: queries, metric: metric,
                                                            k: k, ef: ef, selectivity: s))
            }
        }
        let report = BenchReport(
            vectors: source.count, dimension: source.dimension, buildSeconds: buildSeconds, indexBytes: bytes.count,
            vectorBytes: source.count * source.dimension * 4, rssBytes: BenchRunner.residentBytes(), threads: threads,
            searchThreads: searchThreads,
            m: m, efConstruction: efConstruction, k: k,
            graph: graph == "frozen" && frozen.usesQuantizedTraversal ? "frozen-sq8" : graph,
            quantizeSeconds: quantizeSeconds, quantizedBytes: frozen.quantizedBytes, kernel: Distance.usesAVX512VNNI ? "c-avx2-fma+avx512-vnni" : Distance.usesAVX2 ? "c-avx2-fma" : "c-portable",
            results: results, filtered: filtered, statistics: frozen.statistics)
        print(json ? report.json() : report.text())
    }
}

import Foundation
import VectorLogicIndex

/// What `vectorlogic bench` prints: the JSON object of docs/cli.md (its keys first, extra keys after)
/// or a text table.
struct BenchReport {
    var vectors: Int
    var dimension: Int
    var buildSeconds: Double
    var indexBytes: Int
    var vectorBytes: Int
    var rssBytes: Int
    var threads: Int
    var searchThreads: Int
    var m: Int
    var efConstruction: Int
    var k: Int
    var graph: String
    /// Seconds to build the SQ8 codes after the graph (0 with float traversal).
    var quantizeSeconds: Double
    var quantizedBytes: Int
    var kernel: String
    var results: [BenchRunner.EfResult]
    var filtered: [BenchRunner.FilteredResult]
    var statistics: GraphStatistics

    var vectorsPerSecond: Double { buildSeconds > 0 ? Double(vectors) / buildSeconds : 0 }

    static func number(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    func json() -> String {
        let rows = results.map { r in
            let parallel = r.parallelQPS.map { ",\"parallel_qps\":\(Self.number($0, 1)),\"scaling\":\(Self.number(r.scaling ?? $0 / max(r.qps, 1e-9), 3))" } ?? ""
            return "{\"ef\":\(r.ef),\"recall\":\(Self.number(r.recall, 4)),\"qps\":\(Self.number(r.qps, 1))\(parallel)}"
        }
        var out = "{\"vectors\":\(vectors),\"dimension\":\(dimension),\"build_seconds\":\(Self.number(buildSeconds, 3)),"
        out += "\"index_bytes\":\(indexBytes),\"rss_bytes\":\(rssBytes),\"results\":[\(rows.joined(separator: ","))]"
        out += ",\"vectors_per_second\":\(Self.number(vectorsPerSecond, 1)),\"vector_bytes\":\(vectorBytes)"
        out += ",\"threads\":\(threads),\"search_threads\":\(searchThreads),\"m\":\(m),\"ef_construction\":\(efConstruction),\"k\":\(k)"
        out += ",\"graph\":\"\(graph)\",\"kernel\":\"\(kernel)\",\"max_level\":\(statistics.maxLevel)"
        out += ",\"mean_degree\":\(Self.number(statistics.meanDegree, 2))"
        out += ",\"quantize_seconds\":\(Self.number(quantizeSeconds, 3)),\"quantized_bytes\":\(quantizedBytes)"
        if !filtered.isEmpty {
            let f = filtered.map { r in
                "{\"selectivity\":\(r.selectivity),\"ef\":\(r.ef),\"recall\":\(Self.number(r.recall, 4)),"
                    + "\"qps\":\(Self.number(r.qps, 1)),\"exact_qps\":\(Self.number(r.exactQPS, 1)),"
                    + "\"planner_prefers_exact\":\(r.plannerPrefersExact)}"
            }
            out += ",\"filtered\":[\(f.joined(separator: ","))]"
        }
        return out + "}"
    }

    func text() -> String {
        var lines = [
            "vectors \(vectors) × \(dimension), m \(m), ef_construction \(efConstruction), \(threads) build thread(s), kernel \(kernel)",
            "build \(Self.number(buildSeconds, 2)) s (\(Self.number(vectorsPerSecond, 0)) vectors/s)",
            "graph \(indexBytes) bytes (+ \(vectorBytes) bytes of vectors), max level \(statistics.maxLevel), "
                + "mean degree \(Self.number(statistics.meanDegree, 2)), resident \(rssBytes / 1_048_576) MiB",
            "sq8 codes \(quantizedBytes) bytes, built in \(Self.number(quantizeSeconds, 3)) s",
            "searching the \(graph) graph, k = \(k), one thread, one query at a time",
            "    ef   recall@\(k)        QPS" + (searchThreads > 1 ? "   QPS with \(searchThreads) threads   scaling (median of paired passes)" : ""),
        ]
        for r in results {
            var line = String(format: "%6d   %9.4f %10.1f", r.ef, r.recall, r.qps)
            if let parallel = r.parallelQPS { line += String(format: " %21.1f %9.2fx", parallel, r.scaling ?? parallel / max(r.qps, 1e-9)) }
            lines.append(line)
        }
        if !filtered.isEmpty {
            lines.append("filtered (vs exact filtered answer): selectivity ef recall QPS exact-QPS planner")
            for r in filtered {
                lines.append(String(format: "  %8.4f %5d %7.4f %9.1f %9.1f %@", r.selectivity, r.ef, r.recall, r.qps,
                                    r.exactQPS, r.plannerPrefersExact ? "exact" : "graph"))
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// The figures of one `/metrics` exposition that the admin console shows, summed over their labels: the console reads
/// the same text a Prometheus scrape gets (no second bookkeeping), so the two can never disagree.
struct MetricsSample: Sendable, Equatable {
    /// When the exposition was taken.
    var at: ContinuousClock.Instant
    /// `vectorlogic_http_requests_total`, every route and status.
    var requests: Double = 0
    /// `vectorlogic_http_requests_total` of the search routes (rate class `search`).
    var searches: Double = 0
    /// `vectorlogic_http_request_duration_seconds_bucket` summed over routes: upper bound (seconds) → cumulative count.
    var latencyBuckets: [Double: Double] = [:]
    /// `vectorlogic_rate_limited_total`.
    var rateLimited: Double = 0
    /// `vectorlogic_auth_failures_total` (every reason: missing, unknown, revoked, expired key, forbidden).
    var authFailures: Double = 0
    /// `vectorlogic_upserted_vectors_total`.
    var upsertedVectors: Double = 0
    /// `vectorlogic_wal_fsyncs_total`.
    var fsyncs: Double = 0
    /// `process_cpu_seconds_total`; nil when the host does not measure it.
    var cpuSeconds: Double?
    /// Gauges by name (`vectorlogic_disk_bytes`, `process_resident_memory_bytes`, …), summed over labels.
    var gauges: [String: Double] = [:]

    /// The gauges the console shows, as `/metrics` names them.
    static let gaugeNames: Set<String> = [
        "vectorlogic_http_connections", "vectorlogic_admin_streams", "process_resident_memory_bytes",
        "vectorlogic_machine_memory_bytes", "vectorlogic_disk_bytes", "vectorlogic_memtable_vectors", "vectorlogic_segments",
        "vectorlogic_flushes_running", "vectorlogic_compactions_running", "vectorlogic_vectors", "vectorlogic_collections",
        "vectorlogic_writable",
    ]

    /// Reads a Prometheus text exposition. `searchRoutes` are the route templates whose requests count as searches.
    /// Lines of other families are skipped before their labels are read, so a sample costs one pass over the text.
    init(exposition: [UInt8], searchRoutes: Set<String>, at: ContinuousClock.Instant) {
        self.at = at
        for line in MetricsText.lines(exposition) {
            switch line.name {
            case "vectorlogic_http_requests_total":
                requests += line.value
                if let route = line.label("route"), searchRoutes.contains(route) { searches += line.value }
            case "vectorlogic_http_request_duration_seconds_bucket":
                if let bound = line.label("le").flatMap(MetricsText.bound) { latencyBuckets[bound, default: 0] += line.value }
            case "vectorlogic_rate_limited_total": rateLimited += line.value
            case "vectorlogic_auth_failures_total": authFailures += line.value
            case "vectorlogic_upserted_vectors_total": upsertedVectors += line.value
            case "vectorlogic_wal_fsyncs_total": fsyncs += line.value
            case "process_cpu_seconds_total": cpuSeconds = (cpuSeconds ?? 0) + line.value
            case let name where MetricsSample.gaugeNames.contains(String(name)): gauges[String(name), default: 0] += line.value
            default: continue
            }
        }
    }
}

/// A minimal reader of the Prometheus text format (version 0.0.4) as swift-prometheus writes it: one sample per line,
/// `name{label="value",…} number`, `#` lines are comments.
enum MetricsText {
    /// One sample line; the label text is kept raw and read on demand.
    struct Line {
        var name: Substring
        var labels: Substring
        var value: Double

        /// The value of label `key`, unescaped (`\\`, `\"`, `\n`); nil when absent.
        func label(_ key: String) -> String? {
            var rest = labels[...]
            while let equals = rest.firstIndex(of: "=") {
                let name = rest[..<equals].drop { $0 == "," || $0 == " " }
                var index = rest.index(after: equals)
                guard index < rest.endIndex, rest[index] == "\"" else { return nil }
                index = rest.index(after: index)
                var value = ""
                while index < rest.endIndex, rest[index] != "\"" {
                    if rest[index] == "\\", rest.index(after: index) < rest.endIndex {
                        index = rest.index(after: index)
                        value.append(rest[index] == "n" ? "\n" : rest[index])
                    } else {
                        value.append(rest[index])
                    }
                    index = rest.index(after: index)
                }
                if name == key { return value }
                rest = index < rest.endIndex ? rest[rest.index(after: index)...] : ""
            }
            return nil
        }
    }

    /// The sample lines of `text`; malformed lines are skipped.
    static func lines(_ text: [UInt8]) -> [Line] {
        String(decoding: text, as: UTF8.self).split(separator: "\n").compactMap { row -> Line? in
            guard let first = row.first, first != "#" else { return nil }
            guard let space = row.lastIndex(of: " "), let value = Double(row[row.index(after: space)...]) else { return nil }
            let series = row[..<space]
            guard let brace = series.firstIndex(of: "{") else { return Line(name: series, labels: "", value: value) }
            let close = series.lastIndex(of: "}") ?? series.endIndex
            return Line(name: series[..<brace], labels: series[series.index(after: brace)..<close], value: value)
        }
    }

    /// A bucket's `le` as seconds (`+Inf` is infinity).
    static func bound(_ text: String) -> Double? {
        text == "+Inf" ? .infinity : Double(text)
    }
}

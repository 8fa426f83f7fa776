import VectorLogicJSON

/// One frame of the admin console's push channel: the figures of the last interval, computed from two `/metrics`
/// samples (rates are differences of counters over the interval; p50/p99 come from the differences of the latency
/// histogram's buckets, as Prometheus's `histogram_quantile` computes them).
enum LiveFrame {
    /// The frame's JSON object. `previous` and `current` are consecutive samples.
    static func make(from previous: MetricsSample, to current: MetricsSample, timestampMs: Int64) -> JSONValue {
        let elapsed = current.at - previous.at
        let seconds = max(1e-3, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        func rate(_ path: KeyPath<MetricsSample, Double>) -> JSONValue {
            .number(rounded(max(0, current[keyPath: path] - previous[keyPath: path]) / seconds))
        }
        func gauge(_ name: String) -> JSONValue { current.gauges[name].map { .number($0) } ?? .null }
        let latency = histogramDelta(from: previous.latencyBuckets, to: current.latencyBuckets)
        let cpu: JSONValue = {
            guard let now = current.cpuSeconds, let before = previous.cpuSeconds else { return .null }
            return .number(rounded(max(0, now - before) / seconds * 100))
        }()
        let memoryPercent: JSONValue = {
            guard let rss = current.gauges["process_resident_memory_bytes"],
                  let machine = current.gauges["vectorlogic_machine_memory_bytes"], machine > 0 else { return .null }
            return .number(rounded(rss / machine * 100))
        }()
        return .object(JSONObject([
            ("timestamp_ms", .int(timestampMs)),
            ("interval_ms", .number(rounded(seconds * 1000))),
            ("connections", gauge("vectorlogic_http_connections")),
            ("admin_streams", gauge("vectorlogic_admin_streams")),
            ("requests_per_s", rate(\.requests)),
            ("searches_per_s", rate(\.searches)),
            ("p50_ms", quantile(0.5, latency).map { .number(rounded($0 * 1000)) } ?? .null),
            ("p99_ms", quantile(0.99, latency).map { .number(rounded($0 * 1000)) } ?? .null),
            ("ingest_vectors_per_s", rate(\.upsertedVectors)),
            ("cpu_percent", cpu),
            ("rss_bytes", gauge("process_resident_memory_bytes")),
            ("memory_percent", memoryPercent),
            ("disk_bytes", gauge("vectorlogic_disk_bytes")),
            ("fsyncs_per_s", rate(\.fsyncs)),
            ("memtable_rows", gauge("vectorlogic_memtable_vectors")),
            ("segments", gauge("vectorlogic_segments")),
            ("flushes_running", gauge("vectorlogic_flushes_running")),
            ("compactions_running", gauge("vectorlogic_compactions_running")),
            ("rate_limited_per_s", rate(\.rateLimited)),
            ("auth_failed_per_s", rate(\.authFailures)),
            ("vectors", gauge("vectorlogic_vectors")),
            ("collections", gauge("vectorlogic_collections")),
            ("writable", .bool(current.gauges["vectorlogic_writable"] == 1)),
        ]))
    }

    /// Per-bucket counts of the interval: (upper bound, cumulative count), sorted by bound.
    static func histogramDelta(from previous: [Double: Double], to current: [Double: Double]) -> [(bound: Double, count: Double)] {
        current.keys.sorted().map { bound in (bound, max(0, current[bound, default: 0] - previous[bound, default: 0])) }
    }

    /// The `q` quantile (seconds) of cumulative buckets, interpolated linearly inside the bucket that holds it; a
    /// quantile in the `+Inf` bucket is the largest finite bound. Nil when the interval saw no request.
    static func quantile(_ q: Double, _ buckets: [(bound: Double, count: Double)]) -> Double? {
        guard let total = buckets.last?.count, total > 0 else { return nil }
        let rank = q * total
        var lower = 0.0
        var below = 0.0
        for (bound, cumulative) in buckets {
            if cumulative >= rank {
                if bound.isInfinite { return lower }
                guard cumulative > below else { return bound }
                return lower + (bound - lower) * (rank - below) / (cumulative - below)
            }
            lower = bound
            below = cumulative
        }
        return lower
    }

    /// Three decimals: enough for a dashboard, and frames stay short.
    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}

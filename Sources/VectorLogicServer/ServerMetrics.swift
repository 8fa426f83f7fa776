import CoreMetrics
import Prometheus
import Synchronization
import VectorLogicSync
import VectorLogicEngine

/// Prometheus figures for `/metrics`, recorded through swift-metrics with an app-local factory (no global bootstrap, so
/// several servers can live in one test process).
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory

    struct RequestKey: Hashable, Sendable {
        var route: String
        var method: String
        var status: Int
    }

    struct Meters: Sendable {
        var requests: CoreMetrics.Counter
        var latency: CoreMetrics.Timer
    }

    /// Made once: it is counted on the event loop for every search the lane answers.
    private let laneAnswers: CoreMetrics.Counter
    private let requestMeters = Locked<[RequestKey: Meters]>([:])
    /// Engine counters last seen, so Prometheus counters advance by the difference.
    private let lastTotals = Locked<[String: Int64]>([:])
    private let knownCollections = Locked<Set<String>>([])
    /// Process CPU seconds last seen, so `process_cpu_seconds_total` advances by the difference.
    private let lastCPUSeconds = Locked<Double>(0)

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        self.factory = factory
        laneAnswers = CoreMetrics.Counter(label: "vectorlogic_search_lane_answers_total", factory: factory)
    }

    /// Counts one answered request and its latency under its route template and status.
    func recordRequest(route: String, method: String, status: Int, nanoseconds: Int64) {
        let key = RequestKey(route: route, method: method, status: status)
        let meters = requestMeters.withLock { meters in
            if let existing = meters[key] { return existing }
            let dimensions = [("route", route), ("method", method), ("status", String(status))]
            let made = Meters(
                requests: CoreMetrics.Counter(label: "vectorlogic_http_requests_total", dimensions: dimensions, factory: factory),
                latency: CoreMetrics.Timer(label: "vectorlogic_http_request_duration_seconds",
                                           dimensions: [("route", route), ("method", method)], factory: factory)
            )
            meters[key] = made
            return made
        }
        meters.requests.increment()
        meters.latency.recordNanoseconds(nanoseconds)
    }

    /// Counts a request `SearchLane` answered on the event loop (`vectorlogic_search_lane_answers_total`); the
    /// request is also counted in `vectorlogic_http_requests_total` like any other.
    func recordLaneAnswer() { laneAnswers.increment() }


    /// Counts a request refused by a rate limit (`vectorlogic_rate_limited_total{class}`).
    func recordRateLimited(endpointClass: String) {
        CoreMetrics.Counter(label: "vectorlogic_rate_limited_total", dimensions: [("class", endpointClass)], factory: factory)
            .increment()
    }

    /// Whether the shared rate-limit store is connected (`vectorlogic_rate_limit_store_up`, 1 or 0).
    func recordRateLimitStore(up: Bool) {
        gauge("vectorlogic_rate_limit_store_up", up ? 1 : 0)
    }

    /// Counts a rate-limit check the shared store could not answer (`vectorlogic_rate_limit_store_errors_total{reason}`:
    /// timeout, unavailable, protocol); the request was let through or refused per `--rate-limit-store-failure`.
    func recordRateLimitStoreError(reason: String) {
        CoreMetrics.Counter(label: "vectorlogic_rate_limit_store_errors_total", dimensions: [("reason", reason)], factory: factory)
            .increment()
    }

    /// Counts a request refused by authentication or permissions (`vectorlogic_auth_failures_total{reason}`).
    func recordAuthFailure(reason: String) {
        CoreMetrics.Counter(label: "vectorlogic_auth_failures_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// Refreshes the engine figures (called at scrape time).
    func refreshEngine(_ stats: DatabaseStats, collections: [CollectionInfo]) {
        gauge("vectorlogic_vectors", stats.vectors)
        gauge("vectorlogic_deleted_vectors", stats.deleted)
        gauge("vectorlogic_segments", stats.segments)
        gauge("vectorlogic_memtable_vectors", stats.memtableVectors)
        gauge("vectorlogic_unindexed_vectors", stats.unindexedVectors)
        gauge("vectorlogic_disk_bytes", Int(stats.diskBytes))
        gauge("vectorlogic_mapped_bytes", Int(stats.mappedBytes))
        gauge("vectorlogic_collections", stats.collections)
        gauge("vectorlogic_writable", stats.writable ? 1 : 0)
        total("vectorlogic_wal_bytes_total", stats.walBytes)
        total("vectorlogic_wal_fsyncs_total", stats.fsyncs)
        total("vectorlogic_flushes_total", stats.flushes)
        total("vectorlogic_compactions_total", stats.compactions)
        total("vectorlogic_upserted_vectors_total", stats.upsertedVectors)
        gauge("vectorlogic_flushes_running", stats.flushesRunning)
        gauge("vectorlogic_compactions_running", stats.compactionsRunning)
        let names = Set(collections.map(\.config.name))
        for info in collections {
            gauge("vectorlogic_collection_vectors", info.vectorCount, [("collection", info.config.name)])
            gauge("vectorlogic_collection_memtable_vectors", info.memtableVectors, [("collection", info.config.name)])
        }
        let gone = knownCollections.withLock { known in
            let gone = known.subtracting(names)
            known = names
            return gone
        }
        for name in gone {
            gauge("vectorlogic_collection_vectors", 0, [("collection", name)])
            gauge("vectorlogic_collection_memtable_vectors", 0, [("collection", name)])
        }
    }

    /// Refreshes the server's own figures (called at scrape time and by the admin console's one-second tick): open
    /// connections, open console streams, and the process's resident set, CPU time and machine memory.
    func refreshServer(connections: Int, live: LiveHub.Counts, residentBytes: Int64?, process: ProcessFigures) {
        gauge("vectorlogic_http_connections", connections)
        gauge("vectorlogic_admin_streams", live.streams)
        total("vectorlogic_admin_frames_total", live.frames)
        total("vectorlogic_admin_streams_dropped_total", live.dropped)
        if let residentBytes { gauge("process_resident_memory_bytes", Int(residentBytes)) }
        if let memory = process.machineMemoryBytes { gauge("vectorlogic_machine_memory_bytes", Int(memory)) }
        if let seconds = process.cpuSeconds {
            let delta = lastCPUSeconds.withLock { last in
                defer { last = max(last, seconds) }
                return max(0, seconds - last)
            }
            CoreMetrics.FloatingPointCounter(label: "process_cpu_seconds_total", factory: factory).increment(by: delta)
        }
    }

    private func gauge(_ label: String, _ value: Int, _ dimensions: [(String, String)] = []) {
        CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory).record(value)
    }

    private func total(_ label: String, _ value: Int64) {
        let delta = lastTotals.withLock { last in
            let delta = max(0, value - (last[label] ?? 0))
            last[label] = max(value, last[label] ?? 0)
            return delta
        }
        let counter = CoreMetrics.Counter(label: label, factory: factory)
        counter.increment(by: delta)
    }

    /// The Prometheus text exposition.
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

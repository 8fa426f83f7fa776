import ArgumentParser
import Foundation
import VectorLogicServer

/// `vectorlogic serve`: the HTTP server (cli.md "Serving"). Flags win over `VECTORLOGIC_*` and the original environment
/// names, which win over the defaults.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the REST API over HTTP (its OpenAPI document is at /openapi.json).",
        discussion: """
        Environment (used when the flag is absent): VECTORLOGIC_DATA_DIR, VECTORLOGIC_HOST/HOST, VECTORLOGIC_PORT/PORT,
        VECTORLOGIC_DURABILITY, VECTORLOGIC_SYNC_INTERVAL_MS, VECTORLOGIC_DEFAULT_DIMENSION/DEFAULT_DIMENSIONS,
        VECTORLOGIC_DEFAULT_METRIC/DISTANCE_METRIC, VECTORLOGIC_INDEX_TYPE/INDEX_TYPE, VECTORLOGIC_LOG_FORMAT,
        VECTORLOGIC_LOG_LEVEL/LOG_LEVEL, VECTORLOGIC_METRICS_ENABLED/METRICS_ENABLED, VECTORLOGIC_MAX_BODY_BYTES,
        VECTORLOGIC_SLOW_REQUEST_MS, VECTORLOGIC_REQUEST_TIMEOUT_MS, VECTORLOGIC_RATE_LIMIT/RATE_LIMIT_MAX_REQUESTS,
        VECTORLOGIC_SEARCH_RATE_LIMIT, VECTORLOGIC_RATE_LIMIT_WINDOW_MS/RATE_LIMIT_WINDOW_MS, VECTORLOGIC_AUTH,
        VECTORLOGIC_ADMIN_KEY (turns auth on; the first admin key's secret), VECTORLOGIC_ALLOW_QUERY_API_KEY. Exit codes: 0 after SIGTERM/SIGINT, 2 bad arguments, 3 data directory locked.
        """
    )

    @Option(name: .customLong("data-dir"), help: "Data directory (default ./data).") var dataDir: String?
    @Option(help: "Address to bind (default 127.0.0.1).") var host: String?
    @Option(help: "Port to bind (default 3000; 0 picks a free port).") var port: Int?
    @Option(help: "fsync (default), batch or none.") var durability: String?
    @Option(name: .customLong("sync-interval-ms"), help: "Sync interval for --durability batch (default 10).") var syncIntervalMs: Int?
    @Option(name: .customLong("default-dimension"), help: "Dimension of the default collection (default 384).") var defaultDimension: Int?
    @Option(name: .customLong("default-metric"), help: "Metric of the default collection (default cosine).") var defaultMetric: String?
    @Option(name: .customLong("default-index"), help: "Index type of the default collection: hnsw (default) or flat.") var defaultIndex: String?
    @Option(name: .customLong("log-format"), help: "json or text (default text).") var logFormat: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info (default), notice, warning, error, critical.") var logLevel: String?
    @Option(name: .customLong("metrics-enabled"), help: "Serve /metrics (default true).") var metricsEnabled: Bool?
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body (default 67108864).") var maxBodyBytes: Int?
    @Option(name: .customLong("slow-request-ms"), help: "Requests slower than this log a warning (default 1000).") var slowRequestMs: Int?
    @Option(name: .customLong("request-timeout-ms"),
            help: "Time budget of one search, count, scroll or filtered delete; past it the answer is 503 timeout (default 10000).")
    var requestTimeoutMs: Int?
    @Option(name: .customLong("rate-limit"), help: "Requests per window per client IP; 0 = no limit (default 0).") var rateLimit: Int?
    @Option(name: .customLong("search-rate-limit"), help: "Search requests per window per client IP; 0 = no separate limit.")
    var searchRateLimit: Int?
    @Option(name: .customLong("rate-limit-window-ms"), help: "Rate-limit window (default 60000).") var rateLimitWindowMs: Int?
    @Option(name: .customLong("persona-decay-interval-ms"),
            help: "How often decayed persona memories are removed (default 60000).") var personaDecayIntervalMs: Int?
    @Option(help: "on: every route but /health, /ready, /metrics and /admin needs an API key; off (default unless VECTORLOGIC_ADMIN_KEY is set).")
    var auth: String?
    @Flag(name: .customLong("allow-query-api-key"), help: "Also accept the key as ?api_key= (it is never logged).")
    var allowQueryAPIKey = false
    @Option(name: .customLong("auth-failure-limit"), help: "Failed authentications per minute per client address before 429 (default 20; 0 = no limit).")
    var authFailureLimit: Int?
    @Option(name: .customLong("allowed-hosts"), help: "Host names to answer besides IP literals, localhost and the bind host (comma-separated; * = any; .example.com = a domain).")
    var allowedHosts: String?
    @Option(name: .customLong("header-timeout-ms"), help: "A new connection must send its request head within this time (default 10000).")
    var headerTimeoutMs: Int?
    @Option(name: .customLong("body-timeout-ms"), help: "Longest silence while a request body is read (default 30000).")
    var bodyTimeoutMs: Int?
    @Option(name: .customLong("idle-timeout-ms"), help: "Idle kept-alive connections are closed after this time (default 60000).")
    var idleTimeoutMs: Int?
    @Option(name: .customLong("max-connections"), help: "Connections served at once (default 1000, lowered to the open-file limit minus 128).")
    var maxConnections: Int?
    @Option(name: .customLong("tls-cert"), help: "TLS certificate (not supported by this build).") var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "TLS private key (not supported by this build).") var tlsKey: String?

    init() {}

    func run() async throws {
        if tlsCert != nil || tlsKey != nil {
            ServeOutput.error("TLS is not supported by this build; put a TLS-terminating proxy in front of the server")
            throw ExitCodes.usage
        }
        var flags = ServeFlags()
        flags.dataDirectory = dataDir
        flags.host = host
        flags.port = port
        flags.durability = durability
        flags.syncIntervalMilliseconds = syncIntervalMs
        flags.defaultDimension = defaultDimension
        flags.defaultMetric = defaultMetric
        flags.defaultIndexType = defaultIndex
        flags.logFormat = logFormat
        flags.logLevel = logLevel
        flags.metricsEnabled = metricsEnabled
        flags.maxBodyBytes = maxBodyBytes
        flags.slowRequestMilliseconds = slowRequestMs
        flags.requestTimeoutMilliseconds = requestTimeoutMs
        flags.rateLimitPerClient = rateLimit
        flags.auth = auth
        flags.allowQueryAPIKey = allowQueryAPIKey ? true : nil
        flags.searchRateLimitPerClient = searchRateLimit
        flags.rateLimitWindowMilliseconds = rateLimitWindowMs
        flags.personaDecayIntervalMilliseconds = personaDecayIntervalMs
        flags.authFailuresPerClient = authFailureLimit
        flags.allowedHosts = allowedHosts
        flags.headerTimeoutMilliseconds = headerTimeoutMs
        flags.bodyTimeoutMilliseconds = bodyTimeoutMs
        flags.idleTimeoutMilliseconds = idleTimeoutMs
        flags.maxConnections = maxConnections
        var configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.resolve(flags: flags, environment: ProcessInfo.processInfo.environment)
        } catch {
            ServeOutput.error(error.message)
            throw ExitCodes.usage
        }
        if let files = ServeOutput.openFileLimit(), configuration.maxConnections > files - 128 {
            configuration.maxConnections = max(16, files - 128)
        }
        do {
            try await VectorLogicServer.run(
                configuration: configuration,
                logSink: { line in ServeOutput.write(line + "\n", to: 2) },
                residentBytes: ServeOutput.residentBytes,
                announce: { line in ServeOutput.write(line + "\n", to: 1) },
                onListening: { url in ServeOutput.write("listening on \(url)\n", to: 1) }
            )
        } catch VectorLogicServer.StartError.locked(let reason) {
            ServeOutput.error("the data directory \(configuration.dataDirectory) is locked by a running server (\(reason))")
            throw ExitCodes.locked
        } catch VectorLogicServer.StartError.failed(let reason) {
            ServeOutput.error(reason)
            throw ExitCodes.failure
        }
    }
}

/// Unbuffered writes to stdout/stderr: a parent process waiting for `listening on` must see it at once.
enum ServeOutput {
    static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { raw in
                Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written <= 0 { return }
            offset += written
        }
    }

    static func error(_ message: String) {
        write("error: \(message)\n", to: 2)
    }

    /// The soft limit on open files (`ulimit -n`); nil when unlimited or unknown.
    static func openFileLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// Resident set size from /proc/self/statm (Linux); nil elsewhere.
    @Sendable static func residentBytes() -> Int64? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return nil }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }
}

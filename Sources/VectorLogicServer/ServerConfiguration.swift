public import VectorLogicDistance
public import VectorLogicEngine
public import VectorLogicIndex

/// Everything `vectorlogic serve` can be told, resolved from flags, then environment, then defaults (cli.md "Serving").
public struct ServerConfiguration: Sendable {
    /// Where the database lives.
    public var dataDirectory: String = "./data"
    /// Address to bind.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one (tests).
    public var port: Int = 3000
    /// When writes are acknowledged.
    public var durability: Durability = .fsync
    /// Dimension of the `default` collection made on first start.
    public var defaultDimension: Int = 384
    /// Metric of the `default` collection.
    public var defaultMetric: DistanceMetric = .cosine
    /// Index type of the `default` collection.
    public var defaultIndexType: IndexType = .hnsw
    /// `json` or `text` log lines.
    public var logFormat: LogFormat = .text
    /// Lowest level logged.
    public var logLevel: String = "info"
    /// Whether `/metrics` is served.
    public var metricsEnabled: Bool = true
    /// Largest request body accepted; larger ones get 413.
    public var maxBodyBytes: Int = 64 << 20
    /// Requests slower than this log a warning.
    public var slowRequestMilliseconds: Int = 1_000
    /// Requests per window from one client IP (0: no limit, the default — a server on 127.0.0.1 behind a proxy sees
    /// one client, so a default limit would throttle everyone at once).
    public var rateLimitPerClient: Int = 0
    /// Search requests per window from one client IP, on top of `rateLimitPerClient` (0: no separate limit).
    public var searchRateLimitPerClient: Int = 0
    /// The rate-limit window; buckets refill continuously at limit per window.
    public var rateLimitWindowMilliseconds: Int = 60_000
    /// Whether every route but /health, /ready, /metrics and /admin needs an API key. Off unless `--auth on`,
    /// `VECTORLOGIC_AUTH=on` or `VECTORLOGIC_ADMIN_KEY` is given (see README "Decisions").
    public var authEnabled: Bool = false
    /// The first admin key's secret, from `VECTORLOGIC_ADMIN_KEY` (used only when the key store is empty).
    public var adminKey: String?
    /// Whether `?api_key=` is accepted (it ends up in proxies' and browsers' logs, so it is off by default).
    public var allowQueryAPIKey: Bool = false
    /// How often the persona decay job removes memories older than their persona's `memory_decay_ms`.
    public var personaDecayIntervalMilliseconds: Int = 60_000
    /// Failed authentications per minute from one client address before it gets 429 (0: no limit). 20 lets a
    /// person retype a key many times and stops a guesser at 28,800 guesses a day.
    public var authFailuresPerClient: Int = 20
    /// Host names the server answers to besides IP literals, `localhost` and the bind host (DNS-rebinding guard);
    /// `*` allows any, `.example.com` a domain and its subdomains.
    public var allowedHosts: [String] = []
    /// A new connection must send a whole request head within this time.
    public var headerTimeoutMilliseconds: Int = 10_000
    /// Longest silence between two parts of a request body.
    public var bodyTimeoutMilliseconds: Int = 30_000
    /// A kept-alive connection with no request for this long is closed.
    public var idleTimeoutMilliseconds: Int = 60_000
    /// Connections served at once; at the cap the server stops accepting until one closes. `serve` lowers it to the
    /// open-file limit minus 128 (data files, logs, SQLite) so that the process never runs out of descriptors.
    public var maxConnections: Int = 1_000
    /// The time budget of one read (search, count, scroll, filtered delete scan): past it the request stops and answers
    /// 503 `timeout` (README "Limits"). Ten seconds leaves room for a full filtered scan of millions of rows.
    public var requestTimeoutMilliseconds: Int = 10_000

    /// The defaults.
    public init() {}

    /// Log line format.
    public enum LogFormat: String, Sendable, CaseIterable {
        /// One JSON object per line.
        case json
        /// `timestamp level message key=value…` per line.
        case text
    }
}

/// Flags given on the command line; nil means "not given" (then the environment, then the default applies).
public struct ServeFlags: Sendable {
    /// `--data-dir`
    public var dataDirectory: String?
    /// `--host`
    public var host: String?
    /// `--port`
    public var port: Int?
    /// `--durability fsync|batch|none`
    public var durability: String?
    /// `--sync-interval-ms`
    public var syncIntervalMilliseconds: Int?
    /// `--default-dimension`
    public var defaultDimension: Int?
    /// `--default-metric`
    public var defaultMetric: String?
    /// `--default-index`
    public var defaultIndexType: String?
    /// `--log-format`
    public var logFormat: String?
    /// `--log-level`
    public var logLevel: String?
    /// `--metrics-enabled`
    public var metricsEnabled: Bool?
    /// `--max-body-bytes`
    public var maxBodyBytes: Int?
    /// `--slow-request-ms`
    public var slowRequestMilliseconds: Int?
    /// `--rate-limit`
    public var rateLimitPerClient: Int?
    /// `--search-rate-limit`
    public var searchRateLimitPerClient: Int?
    /// `--rate-limit-window-ms`
    public var rateLimitWindowMilliseconds: Int?
    /// `--auth on|off`
    public var auth: String?
    /// `--allow-query-api-key`
    public var allowQueryAPIKey: Bool?
    /// `--persona-decay-interval-ms`
    public var personaDecayIntervalMilliseconds: Int?
    /// `--auth-failure-limit`
    public var authFailuresPerClient: Int?
    /// `--allowed-hosts a.example,.b.example`
    public var allowedHosts: String?
    /// `--header-timeout-ms`
    public var headerTimeoutMilliseconds: Int?
    /// `--body-timeout-ms`
    public var bodyTimeoutMilliseconds: Int?
    /// `--idle-timeout-ms`
    public var idleTimeoutMilliseconds: Int?
    /// `--max-connections`
    public var maxConnections: Int?
    /// `--request-timeout-ms`
    public var requestTimeoutMilliseconds: Int?

    /// No flags given.
    public init() {}
}

/// A configuration value that cannot be used; `message` is one sentence for stderr.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and which flag or variable said it.
    public let message: String
    /// Builds the error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

extension ServerConfiguration {
    /// Resolves flags > `VECTORLOGIC_*` environment > the original names (`PORT`, `HOST`, …) > defaults.
    public static func resolve(flags: ServeFlags, environment: [String: String]) throws(ConfigurationError) -> ServerConfiguration {
        var config = ServerConfiguration()
        func env(_ names: String...) -> (name: String, value: String)? {
            for name in names {
                if let value = environment[name], !value.isEmpty { return (name, value) }
            }
            return nil
        }
        func integer(_ flag: Int?, _ flagName: String, _ names: [String], range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
            if let flag {
                guard range.contains(flag) else { throw ConfigurationError("\(flagName) must be \(range.lowerBound)...\(range.upperBound), got \(flag)") }
                return flag
            }
            for name in names {
                guard let text = environment[name], !text.isEmpty else { continue }
                guard let value = Int(text), range.contains(value) else {
                    throw ConfigurationError("\(name) must be an integer \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
                }
                return value
            }
            return nil
        }
        func text(_ flag: String?, _ names: [String]) -> (source: String, value: String)? {
            if let flag { return ("flag", flag) }
            for name in names { if let value = environment[name], !value.isEmpty { return (name, value) } }
            return nil
        }
        if let dir = text(flags.dataDirectory, ["VECTORLOGIC_DATA_DIR", "DATA_DIR"]) { config.dataDirectory = dir.value }
        if let host = text(flags.host, ["VECTORLOGIC_HOST", "HOST"]) { config.host = host.value }
        if let port = try integer(flags.port, "--port", ["VECTORLOGIC_PORT", "PORT"], range: 0...65_535) { config.port = port }
        if let dimension = try integer(flags.defaultDimension, "--default-dimension",
                                       ["VECTORLOGIC_DEFAULT_DIMENSION", "DEFAULT_DIMENSIONS", "DEFAULT_DIMENSION"], range: 1...20_000) {
            config.defaultDimension = dimension
        }
        if let metric = text(flags.defaultMetric, ["VECTORLOGIC_DEFAULT_METRIC", "DISTANCE_METRIC"]) {
            guard let value = DistanceMetric(rawValue: metric.value.lowercased()) else {
                throw ConfigurationError("unknown metric \"\(metric.value)\" (from \(metric.source)): use cosine, dot or euclidean")
            }
            config.defaultMetric = value
        }
        if let index = text(flags.defaultIndexType, ["VECTORLOGIC_INDEX_TYPE", "INDEX_TYPE"]) {
            guard let value = IndexType(rawValue: index.value.lowercased()) else {
                throw ConfigurationError("unknown index type \"\(index.value)\" (from \(index.source)): use hnsw or flat")
            }
            config.defaultIndexType = value
        }
        if let format = text(flags.logFormat, ["VECTORLOGIC_LOG_FORMAT", "LOG_FORMAT"]) {
            guard let value = LogFormat(rawValue: format.value.lowercased()) else {
                throw ConfigurationError("unknown log format \"\(format.value)\" (from \(format.source)): use json or text")
            }
            config.logFormat = value
        }
        if let level = text(flags.logLevel, ["VECTORLOGIC_LOG_LEVEL", "LOG_LEVEL"]) {
            let known = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard known.contains(level.value.lowercased()) else {
                throw ConfigurationError("unknown log level \"\(level.value)\" (from \(level.source)): use one of \(known.joined(separator: ", "))")
            }
            config.logLevel = level.value.lowercased()
        }
        if let enabled = flags.metricsEnabled {
            config.metricsEnabled = enabled
        } else if let variable = env("VECTORLOGIC_METRICS_ENABLED", "METRICS_ENABLED") {
            switch variable.value.lowercased() {
            case "1", "true", "yes", "on": config.metricsEnabled = true
            case "0", "false", "no", "off": config.metricsEnabled = false
            default: throw ConfigurationError("\(variable.name) must be true or false, got \"\(variable.value)\"")
            }
        }
        if let bytes = try integer(flags.maxBodyBytes, "--max-body-bytes", ["VECTORLOGIC_MAX_BODY_BYTES", "MAX_BODY_BYTES"],
                                   range: 1_024...(1 << 40)) {
            config.maxBodyBytes = bytes
        }
        if let slow = try integer(flags.slowRequestMilliseconds, "--slow-request-ms",
                                  ["VECTORLOGIC_SLOW_REQUEST_MS", "SLOW_REQUEST_MS"], range: 1...86_400_000) {
            config.slowRequestMilliseconds = slow
        }
        if let limit = try integer(flags.rateLimitPerClient, "--rate-limit",
                                   ["VECTORLOGIC_RATE_LIMIT", "RATE_LIMIT_MAX_REQUESTS"], range: 0...100_000_000) {
            config.rateLimitPerClient = limit
        }
        if let limit = try integer(flags.searchRateLimitPerClient, "--search-rate-limit",
                                   ["VECTORLOGIC_SEARCH_RATE_LIMIT", "SEARCH_RATE_LIMIT_MAX_REQUESTS"], range: 0...100_000_000) {
            config.searchRateLimitPerClient = limit
        }
        if let window = try integer(flags.rateLimitWindowMilliseconds, "--rate-limit-window-ms",
                                    ["VECTORLOGIC_RATE_LIMIT_WINDOW_MS", "RATE_LIMIT_WINDOW_MS"], range: 1...86_400_000) {
            config.rateLimitWindowMilliseconds = window
        }
        if let admin = env("VECTORLOGIC_ADMIN_KEY") {
            guard admin.value.utf8.count >= 16, admin.value.utf8.count <= 256,
                  admin.value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw ConfigurationError("VECTORLOGIC_ADMIN_KEY must be 16-256 visible ASCII characters")
            }
            config.adminKey = admin.value
            config.authEnabled = true
        }
        if let auth = text(flags.auth, ["VECTORLOGIC_AUTH"]) {
            switch auth.value.lowercased() {
            case "on", "true", "1", "required": config.authEnabled = true
            case "off", "false", "0": config.authEnabled = false
            default: throw ConfigurationError("unknown auth mode \"\(auth.value)\" (from \(auth.source)): use on or off")
            }
        }
        if let allow = flags.allowQueryAPIKey {
            config.allowQueryAPIKey = allow
        } else if let variable = env("VECTORLOGIC_ALLOW_QUERY_API_KEY") {
            switch variable.value.lowercased() {
            case "1", "true", "yes", "on": config.allowQueryAPIKey = true
            case "0", "false", "no", "off": config.allowQueryAPIKey = false
            default: throw ConfigurationError("\(variable.name) must be true or false, got \"\(variable.value)\"")
            }
        }
        if let decay = try integer(flags.personaDecayIntervalMilliseconds, "--persona-decay-interval-ms",
                                   ["VECTORLOGIC_PERSONA_DECAY_INTERVAL_MS"], range: 10...86_400_000) {
            config.personaDecayIntervalMilliseconds = decay
        }
        if let limit = try integer(flags.authFailuresPerClient, "--auth-failure-limit",
                                   ["VECTORLOGIC_AUTH_FAILURE_LIMIT"], range: 0...1_000_000) {
            config.authFailuresPerClient = limit
        }
        if let hosts = text(flags.allowedHosts, ["VECTORLOGIC_ALLOWED_HOSTS"]) {
            config.allowedHosts = hosts.value.split(separator: ",").map { RequestBody.trim($0) }.filter { !$0.isEmpty }
        }
        if let timeout = try integer(flags.headerTimeoutMilliseconds, "--header-timeout-ms",
                                     ["VECTORLOGIC_HEADER_TIMEOUT_MS"], range: 100...3_600_000) {
            config.headerTimeoutMilliseconds = timeout
        }
        if let timeout = try integer(flags.bodyTimeoutMilliseconds, "--body-timeout-ms",
                                     ["VECTORLOGIC_BODY_TIMEOUT_MS"], range: 100...3_600_000) {
            config.bodyTimeoutMilliseconds = timeout
        }
        if let timeout = try integer(flags.idleTimeoutMilliseconds, "--idle-timeout-ms",
                                     ["VECTORLOGIC_IDLE_TIMEOUT_MS"], range: 100...86_400_000) {
            config.idleTimeoutMilliseconds = timeout
        }
        if let cap = try integer(flags.maxConnections, "--max-connections", ["VECTORLOGIC_MAX_CONNECTIONS"], range: 1...1_000_000) {
            config.maxConnections = cap
        }
        if let timeout = try integer(flags.requestTimeoutMilliseconds, "--request-timeout-ms",
                                     ["VECTORLOGIC_REQUEST_TIMEOUT_MS"], range: 1...86_400_000) {
            config.requestTimeoutMilliseconds = timeout
        }
        let interval = try integer(flags.syncIntervalMilliseconds, "--sync-interval-ms",
                                   ["VECTORLOGIC_SYNC_INTERVAL_MS", "SYNC_INTERVAL_MS"], range: 1...60_000) ?? 10
        if let durability = text(flags.durability, ["VECTORLOGIC_DURABILITY", "DURABILITY"]) {
            switch durability.value.lowercased() {
            case "fsync": config.durability = .fsync
            case "batch": config.durability = .batch(intervalMilliseconds: interval)
            case "none": config.durability = .none
            default:
                throw ConfigurationError("unknown durability \"\(durability.value)\" (from \(durability.source)): use fsync, batch or none")
            }
        }
        return config
    }
}

public import VectorLogicDistance
public import VectorLogicEngine
import VectorLogicIndex
import VectorLogicRedis

/// One setting of `vectorlogic serve`, declared once: its flag, its environment names, its default, its help and its
/// parser. The table drives the command line, the environment, `serve --help` and the README's settings table (a
/// test compares them), so a setting cannot be documented in one place and parsed differently in another.
public struct ServeSetting: Sendable {
    /// The long flag without dashes (`port`); nil for environment-only settings (`VECTORLOGIC_ADMIN_KEY`).
    public let flag: String?
    /// Environment names, most specific first (`VECTORLOGIC_PORT`, then the original design's `PORT`).
    public let environment: [String]
    /// The default as shown to people.
    public let defaultText: String
    /// One line for `--help` and the README.
    public let help: String
    /// True for a flag that takes no value (`--allow-query-api-key`); its environment variable takes true/false.
    public let isSwitch: Bool
    /// Parses `text` (from `source`: a flag or an environment name) into the configuration.
    let apply: @Sendable (_ text: String, _ source: String, _ config: inout ServerConfiguration) throws(ConfigurationError) -> Void

    init(_ flag: String?, _ environment: [String], default defaultText: String, _ help: String, isSwitch: Bool = false,
         apply: @escaping @Sendable (String, String, inout ServerConfiguration) throws(ConfigurationError) -> Void) {
        self.flag = flag
        self.environment = environment
        self.defaultText = defaultText
        self.help = help
        self.isSwitch = isSwitch
        self.apply = apply
    }

    /// An integer setting in `range`.
    static func integer(_ flag: String, _ environment: [String], _ range: ClosedRange<Int>, default value: Int, _ help: String,
                        _ keyPath: WritableKeyPath<ServerConfiguration, Int> & Sendable) -> ServeSetting {
        ServeSetting(flag, environment, default: String(value), help) { text, source, config throws(ConfigurationError) in
            guard let parsed = Int(text), range.contains(parsed) else {
                throw ConfigurationError("\(source) must be an integer \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
            }
            config[keyPath: keyPath] = parsed
        }
    }

    /// A boolean setting: `true/false`, `1/0`, `yes/no`, `on/off` — anything else is an error, wherever it comes from.
    static func boolean(_ flag: String, _ environment: [String], default value: Bool, _ help: String, isSwitch: Bool = false,
                        _ keyPath: WritableKeyPath<ServerConfiguration, Bool> & Sendable) -> ServeSetting {
        ServeSetting(flag, environment, default: String(value), help, isSwitch: isSwitch) { text, source, config throws(ConfigurationError) in
            config[keyPath: keyPath] = try parseBoolean(text, source)
        }
    }

    /// One of `choices` (case-insensitive).
    static func choice<T: Sendable>(_ flag: String, _ environment: [String], _ choices: [(String, T)], default value: String,
                                    _ help: String, _ set: @escaping @Sendable (inout ServerConfiguration, T) -> Void) -> ServeSetting {
        ServeSetting(flag, environment, default: value, help) { text, source, config throws(ConfigurationError) in
            guard let match = choices.first(where: { $0.0 == text.lowercased() }) else {
                throw ConfigurationError("\(source) must be one of \(choices.map(\.0).joined(separator: ", ")), got \"\(text)\"")
            }
            set(&config, match.1)
        }
    }

    /// swift-log's levels and the names other tools use for them (`warn`, `err`, `crit`, `fatal`).
    static let logLevels: [(String, String)] = ["trace", "debug", "info", "notice", "warning", "error", "critical"].map { ($0, $0) }
        + [("warn", "warning"), ("err", "error"), ("crit", "critical"), ("fatal", "critical")]

    static func parseBoolean(_ text: String, _ source: String) throws(ConfigurationError) -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError("\(source) must be true or false, got \"\(text)\"")
        }
    }

    /// `--flag` or the first environment name, for messages.
    public var name: String { flag.map { "--" + $0 } ?? environment.first ?? "?" }
}

extension ServeSetting {
    /// Every setting of `serve`, in the order they are applied (a later one may read an earlier one: `durability`
    /// reads `sync-interval-ms`; `auth` overrides what `VECTORLOGIC_ADMIN_KEY` turned on).
    public static let all: [ServeSetting] = [
        ServeSetting("data-dir", ["VECTORLOGIC_DATA_DIR", "DATA_DIR"], default: "./data", "Data directory.") { text, _, config in
            config.dataDirectory = text
        },
        ServeSetting("host", ["VECTORLOGIC_HOST", "HOST"], default: "127.0.0.1", "Address to bind.") { text, _, config in
            config.host = text
        },
        .integer("port", ["VECTORLOGIC_PORT", "PORT"], 0...65_535, default: 3000, "Port to bind; 0 picks a free one.", \.port),
        .integer("sync-interval-ms", ["VECTORLOGIC_SYNC_INTERVAL_MS", "SYNC_INTERVAL_MS"], 1...60_000, default: 10,
                 "Sync interval of --durability batch.", \.syncIntervalMilliseconds),
        .choice("durability", ["VECTORLOGIC_DURABILITY", "DURABILITY"], [("fsync", 0), ("batch", 1), ("none", 2)], default: "fsync",
                "When a write is acknowledged: after its fsync, after the next interval's, or at once.") { config, mode in
            switch mode {
            case 0: config.durability = .fsync
            case 1: config.durability = .batch(intervalMilliseconds: config.syncIntervalMilliseconds)
            default: config.durability = .none
            }
        },
        .integer("default-dimension", ["VECTORLOGIC_DEFAULT_DIMENSION", "DEFAULT_DIMENSIONS", "DEFAULT_DIMENSION"], 1...20_000,
                 default: 384, "Dimension of the `default` collection made on first start.", \.defaultDimension),
        .choice("default-metric", ["VECTORLOGIC_DEFAULT_METRIC", "DISTANCE_METRIC"],
                DistanceMetric.allCases.map { ($0.rawValue, $0) }, default: "cosine", "Metric of the `default` collection.") { config, metric in
            config.defaultMetric = metric
        },
        .choice("default-index", ["VECTORLOGIC_INDEX_TYPE", "INDEX_TYPE"], IndexType.allCases.map { ($0.rawValue, $0) },
                default: "hnsw", "Index type of the `default` collection.") { config, type in
            config.defaultIndexType = type
        },
        .choice("log-format", ["VECTORLOGIC_LOG_FORMAT", "LOG_FORMAT"], ServerConfiguration.LogFormat.allCases.map { ($0.rawValue, $0) },
                default: "text", "Log lines as text or JSON.") { config, format in
            config.logFormat = format
        },
        .choice("log-level", ["VECTORLOGIC_LOG_LEVEL", "LOG_LEVEL"], ServeSetting.logLevels, default: "info",
                "Lowest level logged: trace, debug, info, notice, warning (warn), error (err), critical (crit, fatal).") { config, level in
            config.logLevel = level
        },
        ServeSetting("log-file", ["VECTORLOGIC_LOG_FILE"], default: "stderr",
                     "Append log lines to this file instead of stderr; reopened on SIGHUP (logrotate's convention).") { text, _, config in
            config.logFile = text
        },
        .boolean("metrics-enabled", ["VECTORLOGIC_METRICS_ENABLED", "METRICS_ENABLED"], default: true, "Serve /metrics.", \.metricsEnabled),
        .integer("max-body-bytes", ["VECTORLOGIC_MAX_BODY_BYTES", "MAX_BODY_BYTES"], 1_024...(1 << 40), default: 64 << 20,
                 "Largest request body; larger ones get 413.", \.maxBodyBytes),
        .integer("slow-request-ms", ["VECTORLOGIC_SLOW_REQUEST_MS", "SLOW_REQUEST_MS"], 1...86_400_000, default: 1_000,
                 "Requests slower than this log a warning.", \.slowRequestMilliseconds),
        .integer("request-timeout-ms", ["VECTORLOGIC_REQUEST_TIMEOUT_MS"], 1...86_400_000, default: 10_000,
                 "Time budget of one search, count, scroll or filtered delete; past it 503 `timeout`.", \.requestTimeoutMilliseconds),
        .integer("min-free-mb", ["VECTORLOGIC_MIN_FREE_MB"], 0...1_048_576, default: 64,
                 "Free disk MiB kept beyond the next flush; below it writes get 503 `insufficient_storage` until space is freed.",
                 \.minimumFreeMegabytes),
        .choice("vector-reads", ["VECTORLOGIC_VECTOR_READS"], VectorReads.allCases.map { ($0.rawValue, $0) }, default: "auto",
                "How searches re-read float32 rows to re-rank: mapped (fastest; touched rows count in RSS), pread "
                + "(rows stay in the page cache: RSS is codes, graphs and ids) or auto (pread for segments of 256 MiB "
                + "of rows or more).") { config, reads in
            config.vectorReads = reads
        },
        .integer("admin-max-streams", ["VECTORLOGIC_ADMIN_MAX_STREAMS"], 0...1_024, default: 32,
                 "Admin console live streams open at once (one frame a second each); 0: none.", \.adminMaxStreams),
        .integer("rate-limit", ["VECTORLOGIC_RATE_LIMIT", "RATE_LIMIT_MAX_REQUESTS"], 0...100_000_000, default: 0,
                 "Requests per window per client address; 0: no limit.", \.rateLimitPerClient),
        .integer("search-rate-limit", ["VECTORLOGIC_SEARCH_RATE_LIMIT", "SEARCH_RATE_LIMIT_MAX_REQUESTS"], 0...100_000_000, default: 0,
                 "Search requests per window per client address, on top; 0: no separate limit.", \.searchRateLimitPerClient),
        .integer("rate-limit-window-ms", ["VECTORLOGIC_RATE_LIMIT_WINDOW_MS", "RATE_LIMIT_WINDOW_MS"], 1...86_400_000, default: 60_000,
                 "Rate-limit window; buckets refill continuously.", \.rateLimitWindowMilliseconds),
        ServeSetting("rate-limit-store", ["VECTORLOGIC_RATE_LIMIT_STORE"], default: "memory",
                     "Where rate-limit buckets live: memory (this process) or redis://host:port[/db], shared by every server using it.") { text, source, config throws(ConfigurationError) in
            if text.lowercased() == "memory" {
                config.rateLimitStore = nil
                return
            }
            guard let url = RedisURL(text) else {
                throw ConfigurationError("\(source) must be memory or redis://host[:port][/db], got \"\(text)\"")
            }
            config.rateLimitStore = url
        },
        .choice("rate-limit-store-failure", ["VECTORLOGIC_RATE_LIMIT_STORE_FAILURE"], [("open", false), ("closed", true)], default: "open",
                "When the shared store does not answer: open lets the request through (warning, metric), closed answers 503.") { config, closed in
            config.rateLimitStoreFailClosed = closed
        },
        .integer("rate-limit-store-timeout-ms", ["VECTORLOGIC_RATE_LIMIT_STORE_TIMEOUT_MS"], 1...10_000, default: 100,
                 "Longest wait for the shared store per request; then the failure setting applies.", \.rateLimitStoreTimeoutMilliseconds),
        ServeSetting("embedding-provider", ["VECTORLOGIC_EMBEDDING_PROVIDER", "EMBEDDING_PROVIDER"], default: "auto",
                     "none, local or openai; auto: local when the model files are in --embedding-model-dir, else none.") { text, source, config throws(ConfigurationError) in
            let value = text.lowercased()
            guard ["auto", "none", "local", "openai"].contains(value) else {
                throw ConfigurationError("\(source) must be one of auto, none, local, openai, got \"\(text)\"")
            }
            config.embeddingProvider = value == "auto" ? nil : value
        },
        ServeSetting("embedding-model", ["VECTORLOGIC_EMBEDDING_MODEL", "EMBEDDING_MODEL"], default: "text-embedding-3-small",
                     "Model name sent to the openai provider (local is always all-MiniLM-L6-v2).") { text, source, config throws(ConfigurationError) in
            guard !text.isEmpty, text.utf8.count <= 256 else { throw ConfigurationError("\(source) must be 1-256 bytes") }
            config.embeddingModel = text
        },
        ServeSetting("openai-base-url", ["VECTORLOGIC_OPENAI_BASE_URL", "OPENAI_BASE_URL"], default: "https://api.openai.com/v1",
                     "Base URL of the openai provider (an OpenAI-compatible API, up to /v1).") { text, source, config throws(ConfigurationError) in
            let lower = text.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                throw ConfigurationError("\(source) must be an http:// or https:// URL, got \"\(text)\"")
            }
            config.openAIBaseURL = text
        },
        ServeSetting(nil, ["OPENAI_API_KEY"], default: "none",
                     "Key of the openai provider (environment only, never logged).") { text, _, config in
            config.openAIAPIKey = text.isEmpty ? nil : text
        },
        ServeSetting("openai-dimensions", ["VECTORLOGIC_OPENAI_DIMENSIONS"], default: "model's",
                     "`dimensions` asked of the openai provider.") { text, source, config throws(ConfigurationError) in
            guard let value = Int(text), (1...65_536).contains(value) else {
                throw ConfigurationError("\(source) must be an integer 1...65536, got \"\(text)\"")
            }
            config.openAIDimensions = value
        },
        .integer("openai-timeout-ms", ["VECTORLOGIC_OPENAI_TIMEOUT_MS"], 100...600_000, default: 30_000,
                 "Time one call to the openai provider may take; past it 504.", \.openAITimeoutMilliseconds),
        ServeSetting("embedding-model-dir", ["VECTORLOGIC_EMBEDDING_MODEL_DIR"], default: "~/.cache/vectorlogic/models/all-MiniLM-L6-v2",
                     "Directory of the local model's files (tools/fetch-model fills the default).") { text, _, config in
            config.embeddingModelDirectory = text
        },
        .integer("embedding-threads", ["VECTORLOGIC_EMBEDDING_THREADS"], 0...256, default: 0,
                 "Cores one local embedding pass may use; 0: all.", \.embeddingThreads),
        .integer("persona-decay-interval-ms", ["VECTORLOGIC_PERSONA_DECAY_INTERVAL_MS"], 10...86_400_000, default: 60_000,
                 "How often decayed persona memories are removed.", \.personaDecayIntervalMilliseconds),
        ServeSetting(nil, ["VECTORLOGIC_ADMIN_KEY"], default: "none",
                     "Turns auth on; seeds the first admin key of an empty keys.sqlite (16-256 visible ASCII characters).") { text, source, config throws(ConfigurationError) in
            guard (16...256).contains(text.utf8.count), text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw ConfigurationError("\(source) must be 16-256 visible ASCII characters")
            }
            config.adminKey = text
            config.authEnabled = true
        },
        .choice("auth", ["VECTORLOGIC_AUTH"], [("on", true), ("true", true), ("1", true), ("required", true), ("off", false),
                                               ("false", false), ("0", false)],
                default: "off", "on: every route but /health, /ready, /metrics and /admin needs an API key.") { config, on in
            config.authEnabled = on
        },
        .boolean("allow-query-api-key", ["VECTORLOGIC_ALLOW_QUERY_API_KEY"], default: false,
                 "Also accept the key as ?api_key= (never logged).", isSwitch: true, \.allowQueryAPIKey),
        .integer("auth-failure-limit", ["VECTORLOGIC_AUTH_FAILURE_LIMIT"], 0...1_000_000, default: 20,
                 "Failed authentications per minute per client address before 429; 0: no limit.", \.authFailuresPerClient),
        ServeSetting("allowed-hosts", ["VECTORLOGIC_ALLOWED_HOSTS"], default: "none",
                     "Host names answered besides IP literals, localhost and the bind host (comma-separated; `*` any; `.example.com` a domain).") { text, _, config in
            config.allowedHosts = text.split(separator: ",").map { RequestBody.trim($0) }.filter { !$0.isEmpty }
        },
        .integer("header-timeout-ms", ["VECTORLOGIC_HEADER_TIMEOUT_MS"], 100...3_600_000, default: 10_000,
                 "A new connection must send its whole request head within this time.", \.headerTimeoutMilliseconds),
        .integer("body-timeout-ms", ["VECTORLOGIC_BODY_TIMEOUT_MS"], 100...3_600_000, default: 30_000,
                 "Longest silence while a request body is read.", \.bodyTimeoutMilliseconds),
        .integer("idle-timeout-ms", ["VECTORLOGIC_IDLE_TIMEOUT_MS"], 100...86_400_000, default: 60_000,
                 "Idle kept-alive connections are closed after this time.", \.idleTimeoutMilliseconds),
        .integer("max-connections", ["VECTORLOGIC_MAX_CONNECTIONS"], 1...1_000_000, default: 1_000,
                 "Connections served at once (lowered to the open-file limit minus 128).", \.maxConnections),
        ServeSetting("trusted-proxies", ["VECTORLOGIC_TRUSTED_PROXIES"], default: "none",
                     "Proxies (comma-separated CIDR blocks or addresses) whose X-Forwarded-For names the client; never trusted by default.") { text, source, config throws(ConfigurationError) in
            config.trustedProxies = try text.split(separator: ",").map { RequestBody.trim($0) }.filter { !$0.isEmpty }.map { item throws(ConfigurationError) in
                guard let network = IPNetwork(item) else {
                    throw ConfigurationError("\(source): \"\(item)\" is not an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)")
                }
                return network
            }
        },
        ServeSetting("cors-origins", ["VECTORLOGIC_CORS_ORIGINS"], default: "none",
                     "Web origins whose pages may call the API (comma-separated `scheme://host[:port]`, or `*` for any; never with credentials).") { text, source, config throws(ConfigurationError) in
            config.corsOrigins = try CORSOrigins.parse(text, source: source)
        },
        ServeSetting("tls-cert", ["VECTORLOGIC_TLS_CERT"], default: "none",
                     "PEM certificate chain; with --tls-key the server speaks HTTPS only (TLS 1.2+, 1.3 preferred); reloaded on SIGHUP.") { text, _, config in
            config.tlsCertificate = text
        },
        ServeSetting("tls-key", ["VECTORLOGIC_TLS_KEY"], default: "none", "PEM private key of --tls-cert (unencrypted).") { text, _, config in
            config.tlsKey = text
        },
    ]

    /// `serve --help`'s description of every setting.
    public static var helpText: String {
        all.map { setting in
            let flag = setting.flag.map { "--\($0)" + (setting.isSwitch ? "" : " VALUE") } ?? "(environment only)"
            let environment = setting.environment.joined(separator: ", ")
            return "\(flag)\n    \(setting.help) Default: \(setting.defaultText). Environment: \(environment)."
        }.joined(separator: "\n")
    }

    /// The README's settings table (a test keeps README.md equal to it).
    public static var markdownTable: String {
        var lines = ["| flag | environment | default | what |", "|---|---|---|---|"]
        for setting in all {
            let flag = setting.flag.map { "`--\($0)`" } ?? "—"
            let environment = setting.environment.map { "`\($0)`" }.joined(separator: ", ")
            lines.append("| \(flag) | \(environment) | \(setting.defaultText) | \(setting.help) |")
        }
        return lines.joined(separator: "\n")
    }
}

extension ServerConfiguration {
    /// Resolves `serve`'s command-line `arguments` (`--flag value`, `--flag=value`, or a bare switch) over the
    /// environment (`VECTORLOGIC_*` first, then the original design's names) over the defaults, setting by setting
    /// in `ServeSetting.all`'s order. An unknown flag, a missing value or a bad value is a `ConfigurationError`.
    public static func resolve(arguments: [String], environment: [String: String]) throws(ConfigurationError) -> ServerConfiguration {
        var given: [String: (text: String, source: String)] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), argument.count > 2 else { throw ConfigurationError("unexpected argument \"\(argument)\"") }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let setting = ServeSetting.all.first(where: { $0.flag == name }) else {
                throw ConfigurationError("unknown option --\(name) (see vectorlogic serve --help)")
            }
            if setting.isSwitch {
                given[name] = (value ?? "true", "--" + name)
            } else {
                if value == nil {
                    index += 1
                    guard index < arguments.count else { throw ConfigurationError("--\(name) needs a value") }
                    value = arguments[index]
                }
                given[name] = (value ?? "", "--" + name)
            }
            index += 1
        }
        var config = ServerConfiguration()
        for setting in ServeSetting.all {
            if let flag = setting.flag, let (text, source) = given[flag] {
                try setting.apply(text, source, &config)
            } else if let name = setting.environment.first(where: { environment[$0].map { !$0.isEmpty } ?? false }),
                      let text = environment[name] {
                try setting.apply(text, name, &config)
            }
        }
        if (config.tlsCertificate == nil) != (config.tlsKey == nil) {
            throw ConfigurationError("--tls-cert and --tls-key (VECTORLOGIC_TLS_CERT, VECTORLOGIC_TLS_KEY) go together: give both or neither")
        }
        return config
    }
}

public import VectorLogicDistance
public import VectorLogicEngine
public import VectorLogicIndex
public import VectorLogicRedis

/// Everything `vectorlogic serve` can be told, resolved from flags, then environment, then defaults by the settings
/// table (`ServeSetting.all`, which declares each setting's flag, environment names, default, help and parser once).
public struct ServerConfiguration: Sendable {
    /// Where the database lives.
    public var dataDirectory: String = "./data"
    /// Address to bind.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one (tests).
    public var port: Int = 3000
    /// When writes are acknowledged.
    public var durability: Durability = .fsync
    /// The sync interval `--durability batch` uses.
    public var syncIntervalMilliseconds: Int = 10
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
    /// Free space (MiB) the data directory's file system keeps beyond what the next flush writes: below it writes are
    /// refused with 503 `insufficient_storage` and resume by themselves once space is freed (`DiskSpaceGuard`).
    public var minimumFreeMegabytes: Int = 64
    /// How searches re-read float32 rows to re-rank (`VectorReads`: through the mapping, or with pread so the rows
    /// stay out of the resident set).
    public var vectorReads: VectorReads = .auto

    /// Web origins whose pages may call the API (`--cors-origins`); off by default.
    public var corsOrigins: CORSOrigins = .off

    /// Proxies whose `X-Forwarded-For` names the client (`--trusted-proxies`); none by default, so the header is ignored.
    public var trustedProxies: [IPNetwork] = []
    /// Where log lines go instead of stderr (`--log-file`); reopened on SIGHUP. Nil: stderr.
    public var logFile: String?

    /// PEM certificate chain (`--tls-cert`); with `tlsKey`, the server speaks HTTPS only.
    public var tlsCertificate: String?
    /// PEM private key of `tlsCertificate` (`--tls-key`).
    public var tlsKey: String?
    /// Whether the server serves TLS.
    public var tlsEnabled: Bool { tlsCertificate != nil }

    /// Where rate-limit buckets live: nil in this process (the default), or a Redis shared by several servers.
    public var rateLimitStore: RedisURL?
    /// Whether a request is refused (503) rather than let through when the shared store does not answer.
    public var rateLimitStoreFailClosed = false
    /// The longest a rate-limit check waits for the shared store. 100 ms is hundreds of Redis round trips on a
    /// private network, and bounds what a stalled Redis adds to every request.
    public var rateLimitStoreTimeoutMilliseconds = 100
    /// Embedding provider: nil chooses `local` when the model files are in `embeddingModelDirectory`, else `none`.
    public var embeddingProvider: String?
    /// Model name for the `openai` provider (the local provider is always all-MiniLM-L6-v2).
    public var embeddingModel: String = "text-embedding-3-small"
    /// Base URL of the `openai` provider, up to and including `/v1`.
    public var openAIBaseURL: String = "https://api.openai.com/v1"
    /// Key of the `openai` provider (environment only; never logged).
    public var openAIAPIKey: String?
    /// `dimensions` asked of the `openai` provider; nil: the model's own.
    public var openAIDimensions: Int?
    /// Per-call timeout of the `openai` provider.
    public var openAITimeoutMilliseconds: Int = 30_000
    /// Where the local model's files are; nil: `MiniLMModelFiles.defaultDirectory`.
    public var embeddingModelDirectory: String?
    /// Cores one local embedding pass may use; 0: all online processors.
    public var embeddingThreads: Int = 0
    /// Admin console streams (`GET /v1/admin/live`) open at once; 0 turns the push channel off. 32 covers a team
    /// watching at once; each costs one socket and at most one buffered frame (~700 bytes).
    public var adminMaxStreams: Int = 32
    /// Time between two frames of the admin console's stream: one second (issue 13). Not a setting: tests shorten it.
    public var adminFrameIntervalMilliseconds: Int = 1_000
    /// Whether `SearchLane` answers plain searches on the event loop (always on in the server; not a command-line
    /// setting). Off: every request takes the router's path — the tests compare the two answers, the benchmarks the cost.
    public var searchLane: Bool = true

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

/// A configuration value that cannot be used; `message` is one sentence for stderr.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and which flag or variable said it.
    public let message: String
    /// Builds the error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

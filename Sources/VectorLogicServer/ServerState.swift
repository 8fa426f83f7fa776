import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import VectorLogicEngine
import VectorLogicEmbedding
import VectorLogicPersonas

/// What every route shares: the database, the configuration and the metrics.
final class ServerState: Sendable {
    let database: Database
    /// Personas and memories; nil in an in-process app built without one (its persona routes answer 503).
    let personas: PersonaStore?
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    let body: RequestBody
    let startedAt: ContinuousClock.Instant
    /// Resident memory in bytes, measured by the host process (the server makes no syscalls itself).
    let residentBytes: @Sendable () -> Int64?
    /// Turns text into vectors; nil: text inputs answer 400 `embedding_unavailable`.
    let embedding: (any EmbeddingProvider)?
    /// CPU time and machine memory, measured by the host process.
    let process: @Sendable () -> ProcessFigures
    /// Open client connections (counted where the connection cap counts them).
    let connections = ConnectionGauge()
    /// The admin console's push channel.
    let live: LiveHub

    /// The collection the seed's short routes act on.
    static let defaultCollection = "default"

    init(database: Database, personas: PersonaStore?, configuration: ServerConfiguration,
         residentBytes: @escaping @Sendable () -> Int64?, embedding: (any EmbeddingProvider)? = nil,
         process: @escaping @Sendable () -> ProcessFigures = { ProcessFigures() }) {
        self.database = database
        self.embedding = embedding
        self.personas = personas
        self.configuration = configuration
        self.metrics = ServerMetrics()
        let workers = WorkerPool(threads: ServerState.processors(), maxQueued: ServerState.maxQueuedWork)
        self.workers = workers
        self.body = RequestBody(maxBytes: configuration.maxBodyBytes, workers: workers)
        self.startedAt = .now
        self.residentBytes = residentBytes
        self.process = process
        self.live = LiveHub(maxStreams: configuration.adminMaxStreams,
                            interval: .milliseconds(configuration.adminFrameIntervalMilliseconds))
    }

    /// Brings the engine, connection and process figures of `/metrics` up to date (a scrape, or the admin console's
    /// tick: both read the same registry).
    func refreshMetrics() {
        metrics.refreshEngine(database.stats(), collections: database.listCollections())
        metrics.refreshServer(connections: connections.value, live: live.counts, residentBytes: residentBytes(),
                              process: process())
    }

    /// Threads for CPU-heavy reads (`offload`): one per core, so heavy requests use every core while the event loops,
    /// which are timesliced with them, keep answering small requests such as `/health`.
    let workers: WorkerPool
    /// Online processors (at least 1).
    static func processors() -> Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Heavy requests waiting for a worker beyond this get 503 `overloaded`.
    static let maxQueuedWork = 256

    /// A budget of the configured `requestTimeoutMilliseconds`, starting now.
    func makeBudget() -> RequestBudget {
        RequestBudget(limit: .milliseconds(configuration.requestTimeoutMilliseconds))
    }

    /// Runs `work` on a worker thread with a fresh budget: it stops with 503 `timeout` past `request-timeout-ms`, and is
    /// cancelled when the handler's task is cancelled or (with `channel`) when the client hangs up. 503 `overloaded` when
    /// `maxQueuedWork` jobs already wait.
    /// `budget`: one already started, for a request that runs as several jobs (a batch search) under one budget.
    func offload<T: Sendable>(_ channel: (any Channel)? = nil, budget given: RequestBudget? = nil,
                              _ work: @escaping @Sendable (RequestBudget) throws -> T) async throws -> T {
        let budget = given ?? makeBudget()
        let watcher = channel.map { ClientWatch.start($0, budget: budget) }
        defer { watcher?.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let accepted = workers.submit {
                    continuation.resume(with: Result { () throws -> T in
                        try budget.check()
                        return try work(budget)
                    })
                }
                if !accepted { continuation.resume(throwing: APIError.overloaded) }
            }
        } onCancel: {
            budget.cancel()
        }
    }

    /// Where persona-store calls run. A store write blocks for its fsync (~4 ms), and handlers run on the event loop
    /// that read the request (`serve` makes NIO the global executor), so the calls go to this one thread instead of
    /// stalling every connection of that loop. One thread suits the store, which serialises calls behind one lock anyway.
    let personaQueue = DispatchQueue(label: "vectorlogic.personas")

    /// Runs `body` with the persona store on `personaQueue`; 503 when this app has none.
    func withPersonas<T: Sendable>(_ body: @escaping @Sendable (PersonaStore) throws -> T) async throws -> T {
        guard let personas else { throw APIError.personasUnavailable }
        return try await withCheckedThrowingContinuation { continuation in
            personaQueue.async {
                continuation.resume(with: Result { try body(personas) })
            }
        }
    }
}

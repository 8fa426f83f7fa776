import VectorLogicEngine

/// What every route shares: the database, the configuration and the metrics.
final class ServerState: Sendable {
    let database: Database
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    let body: RequestBody
    let startedAt: ContinuousClock.Instant
    /// Resident memory in bytes, measured by the host process (the server makes no syscalls itself).
    let residentBytes: @Sendable () -> Int64?

    /// The collection the seed's short routes act on.
    static let defaultCollection = "default"

    init(database: Database, configuration: ServerConfiguration, residentBytes: @escaping @Sendable () -> Int64?) {
        self.database = database
        self.configuration = configuration
        self.metrics = ServerMetrics()
        self.body = RequestBody(maxBytes: configuration.maxBodyBytes)
        self.startedAt = .now
        self.residentBytes = residentBytes
    }
}

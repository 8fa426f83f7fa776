import VectorLogicEngine
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

    /// The collection the seed's short routes act on.
    static let defaultCollection = "default"

    init(database: Database, personas: PersonaStore?, configuration: ServerConfiguration,
         residentBytes: @escaping @Sendable () -> Int64?) {
        self.database = database
        self.personas = personas
        self.configuration = configuration
        self.metrics = ServerMetrics()
        self.body = RequestBody(maxBytes: configuration.maxBodyBytes)
        self.startedAt = .now
        self.residentBytes = residentBytes
    }

    /// The persona store, or 503 when this app has none.
    func personaStore() throws(APIError) -> PersonaStore {
        guard let personas else { throw APIError.personasUnavailable }
        return personas
    }
}

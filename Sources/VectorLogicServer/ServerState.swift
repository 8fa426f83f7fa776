import Dispatch
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

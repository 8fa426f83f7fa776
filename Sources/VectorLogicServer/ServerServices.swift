import Logging
import ServiceLifecycle
import UnixSignals
import VectorLogicAccess
import VectorLogicEngine
import VectorLogicPersonas

/// A resource the server holds for its whole run: waits for graceful shutdown (or cancellation), then closes it.
struct ClosingService: Service {
    let name: String
    let close: @Sendable () async throws -> Void

    func run() async throws {
        try? await gracefulShutdown()  // returns at shutdown; throws only on cancellation, which also means "stop"
        try await close()
    }
}

/// The persona decay job as a service: started with the group, stopped (waiting for a running sweep) at shutdown.
struct DecayJobService: Service {
    let start: @Sendable () -> PersonaDecayJob

    func run() async throws {
        let job = start()
        try? await gracefulShutdown()
        await job.stop()
    }
}

/// What `VectorLogicServer.run` has opened before its services take over, so that a failed start closes exactly
/// that, in reverse order, in one place.
struct OpenedResources {
    var database: Database?
    var personas: PersonaStore?
    var keys: KeyStore?

    func close() async {
        keys?.close()
        personas?.close()
        try? await database?.close()
    }
}

/// SIGHUP: runs `reload` (the host reopens its log file) and logs one line; ends at graceful shutdown.
struct ReloadService: Service {
    let signals: UnixSignalsSequence
    let logger: Logger
    let reload: @Sendable () -> String?

    func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            if let warning = reload() {
                logger.warning("SIGHUP: reload incomplete", metadata: ["error": .string(warning)])
            } else {
                logger.info("SIGHUP: reloaded")
            }
        }
    }
}

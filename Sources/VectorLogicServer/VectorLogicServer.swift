public import Hummingbird
public import Logging
public import VectorLogicEngine
public import VectorLogicPersonas
import VectorLogicDistance
import NIOCore

/// Builds and runs the HTTP server over an open `Database`.
public enum VectorLogicServer {
    /// The application: the routes of api.md behind the request-log, authentication (when `configuration.authEnabled`
    /// and `keys` is given), rate-limit and error-envelope middleware. `onListening` gets the bound host and port once the server accepts connections.
    /// Without `personas` the persona routes answer 503 (the store and its decay job belong to the caller).
    public static func buildApplication(
        database: Database,
        personas: PersonaStore? = nil,
        keys: KeyStore? = nil,
        configuration: ServerConfiguration,
        logger: Logger,
        residentBytes: @escaping @Sendable () -> Int64? = { nil },
        onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
    ) -> some ApplicationProtocol {
        let state = ServerState(database: database, personas: personas, configuration: configuration, residentBytes: residentBytes)
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: RequestLogMiddleware(state: state, logger: logger))
        let authenticating = configuration.authEnabled && keys != nil
        if authenticating, let keys {
            router.add(middleware: AuthMiddleware(keys: keys, allowQueryKey: configuration.allowQueryAPIKey, metrics: state.metrics))
        }
        if authenticating || configuration.rateLimitPerClient > 0 || configuration.searchRateLimitPerClient > 0 {
            router.add(middleware: RateLimitMiddleware(configuration: configuration, metrics: state.metrics))
        }
        router.add(middleware: ErrorEnvelopeMiddleware())
        Routes.addOperations(to: router, state: state)
        Routes.addCollections(to: router, state: state)
        Routes.addVectors(to: router, state: state)
        Routes.addSearch(to: router, state: state)
        Routes.addShortRoutes(to: router, state: state)
        Routes.addAdminPage(to: router)
        Routes.addPersonas(to: router, state: state)
        if let keys { Routes.addKeys(to: router, state: state, keys: keys) }
        Routes.addSnapshots(to: router, state: state, keys: keys)
        let host = configuration.host
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "VectorLogic"),
            onServerRunning: { channel in
                await onListening(host, channel.localAddress?.port ?? configuration.port)
            },
            logger: logger
        )
    }

    /// Makes the `default` collection (the server's default dimension and metric) unless it exists.
    public static func ensureDefaultCollection(_ database: Database, configuration: ServerConfiguration) async throws {
        if database.listCollections().contains(where: { $0.config.name == ServerState.defaultCollection }) { return }
        let config = CollectionConfig(name: ServerState.defaultCollection, dimension: configuration.defaultDimension,
                                      metric: configuration.defaultMetric, index: IndexConfig(type: configuration.defaultIndexType))
        do {
            _ = try await database.createCollection(config)
        } catch EngineError.collectionExists {
            return
        }
    }

    /// Why `run` stopped before serving.
    public enum StartError: Error, Sendable {
        /// Another process holds the data directory (exit code 3).
        case locked(String)
        /// The database could not be opened or prepared.
        case failed(String)
    }

    /// Opens the database, makes the default collection, serves until SIGTERM/SIGINT, drains in-flight requests and closes
    /// the database (syncing its log). `onListening` is called once with `http://HOST:PORT`.
    public static func run(
        configuration: ServerConfiguration,
        logSink: @escaping LogSink,
        residentBytes: @escaping @Sendable () -> Int64? = { nil },
        announce: @escaping @Sendable (String) -> Void = { _ in },
        onListening: @escaping @Sendable (String) async -> Void
    ) async throws {
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let format = configuration.logFormat
        let logger = Logger(label: "vectorlogic") { label in
            LineLogHandler(label: label, format: format, level: level, sink: logSink)
        }
        var options = DatabaseOptions(durability: configuration.durability)
        options.logger = Logger(label: "vectorlogic.engine") { label in
            LineLogHandler(label: label, format: format, level: level, sink: logSink)
        }
        let database: Database
        do {
            database = try Database.open(at: configuration.dataDirectory, options: options)
        } catch let error as EngineError {
            if case .locked(let reason) = error { throw StartError.locked(reason) }
            throw StartError.failed(error.description)
        } catch {
            throw StartError.failed("could not open the database in \(configuration.dataDirectory)")
        }
        do {
            try await ensureDefaultCollection(database, configuration: configuration)
        } catch {
            try? await database.close()
            throw StartError.failed("could not create the default collection: \((error as? EngineError)?.description ?? "\(error)")")
        }
        let personas: PersonaStore
        do {
            // `--durability fsync` (the default) fsyncs every persona commit; batch and none relax it as they do the log.
            personas = try PersonaStore(dataDirectory: configuration.dataDirectory, durable: configuration.durability == .fsync)
        } catch {
            try? await database.close()
            throw StartError.failed("could not open \(PersonaStore.fileName): \((error as? PersonaStoreError)?.description ?? "\(error)")")
        }
        let keys: KeyStore
        do {
            keys = try KeyStore(dataDirectory: configuration.dataDirectory)
            if let made = try ensureAdminKey(keys, configuration: configuration) {
                if configuration.adminKey == nil { announce("admin API key (shown this once only): \(made.secret)") }
                logger.notice("created the first admin API key", metadata: ["id": .string(made.record.id), "prefix": .string(made.record.prefix)])
            }
        } catch {
            personas.close()
            try? await database.close()
            throw StartError.failed("could not open \(KeyStore.fileName): \((error as? PersonaStoreError)?.description ?? "\(error)")")
        }
        let decay = startDecayJob(personas, configuration: configuration, logger: logger)
        let app = buildApplication(database: database, personas: personas, keys: keys, configuration: configuration, logger: logger,
                                   residentBytes: residentBytes) { host, port in
            let shownHost = host.contains(":") ? "[\(host)]" : host
            await onListening("http://\(shownHost):\(port)")
        }
        do {
            try await app.runService()
        } catch {
            await decay.stop()
            personas.close()
            keys.close()
            try? await database.close()
            throw StartError.failed("the server stopped: \(error)")
        }
        await decay.stop()
        personas.close()
        keys.close()
        try await database.close()
        logger.info("stopped", metadata: ["data_dir": .string(configuration.dataDirectory)])
    }

    /// With auth on and no key at all, makes the first admin key: `VECTORLOGIC_ADMIN_KEY`'s secret when given, else a
    /// new one (which the caller prints once). Nil when nothing was made.
    public static func ensureAdminKey(_ keys: KeyStore, configuration: ServerConfiguration) throws -> (record: APIKeyRecord, secret: String)? {
        guard configuration.authEnabled, keys.isEmpty() else { return nil }
        return try keys.create(name: "admin", permissions: [.admin], rateLimitPerMinute: 1_000_000, expiresInDays: nil,
                               id: UUIDv4.make(), secret: configuration.adminKey ?? KeyStore.newSecret())
    }

    /// Starts the persona decay job at the configured interval; failures are logged, removals at debug level.
    public static func startDecayJob(_ personas: PersonaStore, configuration: ServerConfiguration, logger: Logger) -> PersonaDecayJob {
        PersonaDecayJob(store: personas, interval: .milliseconds(configuration.personaDecayIntervalMilliseconds)) { result in
            switch result {
            case .success(let removed):
                if removed > 0 { logger.debug("persona memories decayed", metadata: ["removed": .stringConvertible(removed)]) }
            case .failure(let error):
                logger.warning("persona decay sweep failed", metadata: ["error": .string("\(error)")])
            }
        }
    }
}

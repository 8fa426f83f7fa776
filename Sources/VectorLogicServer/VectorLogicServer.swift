public import Hummingbird
import HummingbirdCore
public import Logging
public import VectorLogicEngine
public import VectorLogicPersonas
import VectorLogicDistance
import NIOCore
import ServiceLifecycle
public import VectorLogicAccess
public import VectorLogicEmbedding
import FoundationEssentials
import UnixSignals

/// Builds and runs the HTTP server over an open `Database`.
public enum VectorLogicServer {
    /// The application: the routes of `Routes.table` behind the request-log, error-envelope and origin-guard
    /// middleware, each route behind its `AccessPolicy` (authentication when `configuration.authEnabled` and `keys`
    /// is given, rate limits), on connections guarded by `ConnectionGuard`. `onListening` gets the bound host and port once the server accepts connections.
    /// Without `personas` the persona routes answer 503 (the store and its decay job belong to the caller).
    public static func buildApplication(
        database: Database,
        personas: PersonaStore? = nil,
        keys: KeyStore? = nil,
        configuration: ServerConfiguration,
        logger: Logger,
        residentBytes: @escaping @Sendable () -> Int64? = { nil },
        tls: TLSContextStore? = nil,
        embedding: (any EmbeddingProvider)? = nil,
        process: @escaping @Sendable () -> ProcessFigures = { ProcessFigures() },
        onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
    ) -> some ApplicationProtocol {
        let state = ServerState(database: database, personas: personas, configuration: configuration, residentBytes: residentBytes,
                                embedding: embedding, process: process)
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: RequestLogMiddleware(state: state, logger: logger))
        router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: tls != nil))
        router.add(middleware: ErrorEnvelopeMiddleware())
        router.add(middleware: OriginGuardMiddleware(configuration: configuration))
        router.add(middleware: CORSMiddleware(origins: configuration.corsOrigins))
        let shared = configuration.rateLimitStore.map { url in
            SharedRateLimitStore(url: url, timeoutMilliseconds: configuration.rateLimitStoreTimeoutMilliseconds,
                                 failClosed: configuration.rateLimitStoreFailClosed, metrics: state.metrics, logger: logger)
        }
        let policy = AccessPolicy(keys: configuration.authEnabled ? keys : nil, allowQueryKey: configuration.allowQueryAPIKey,
                                  limits: RequestLimits(configuration: configuration, metrics: state.metrics, shared: shared),
                                  body: state.body, metrics: state.metrics)
        let table = Routes.table(state: state, keys: keys)
        for definition in table {
            router.on(RouterPath(definition.route.path), method: definition.route.method,
                      use: policy.guarded(definition.route, definition.handler))
        }
        for shadowed in ShadowedRoute.all(in: table) {
            router.on(RouterPath(shadowed.path), method: shadowed.definition.route.method,
                      use: policy.guarded(shadowed.definition.route, shadowed.handler))
        }
        let host = configuration.host
        let serverName = "VectorLogic"
        let timeouts = ConnectionGuard.Timeouts(header: .milliseconds(Int64(configuration.headerTimeoutMilliseconds)),
                                                body: .milliseconds(Int64(configuration.bodyTimeoutMilliseconds)),
                                                idle: .milliseconds(Int64(configuration.idleTimeoutMilliseconds)))
        let lane = configuration.searchLane
            ? SearchLane.Shared(table: table, state: state, policy: policy, logger: logger, strictTransportSecurity: tls != nil,
                                serverName: serverName)
            : nil
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: {
            let guarded = ConnectionGuard(timeouts: timeouts)
            return lane.map { [guarded, SearchLane(shared: $0)] } ?? [guarded]
        }())
        let plain = HTTPServerBuilder { responder in LoopPinnedChannel(base: HTTP1Channel(responder: responder, configuration: http1)) }
        #if TLS
        let server = tls.map { store in
            HTTPServerBuilder { responder in
                LoopPinnedChannel(base: ReloadableTLSChannel(base: HTTP1Channel(responder: responder, configuration: http1), store: store))
            }
        } ?? plain
        #else
        let server = plain
        #endif
        var app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: serverName,
                                 availableConnectionsDelegate: CountedConnections(configuration.maxConnections, gauge: state.connections)),
            onServerRunning: { channel in
                await onListening(host, channel.localAddress?.port ?? configuration.port)
            },
            logger: logger
        )
        if let shared { app.addServices(SharedRateLimitStoreService(store: shared)) }
        return app
    }

    /// Makes the `default` collection (the server's default dimension and metric) unless it exists. When it exists with
    /// another dimension or metric than configured, returns a warning naming both: they are fixed when the collection is
    /// made, and without a word at start every later request would fail with a dimension mismatch instead.
    @discardableResult
    public static func ensureDefaultCollection(_ database: Database, configuration: ServerConfiguration) async throws -> String? {
        if let existing = database.listCollections().first(where: { $0.config.name == ServerState.defaultCollection })?.config {
            var differences: [String] = []
            if existing.dimension != configuration.defaultDimension {
                differences.append("dimension \(existing.dimension), not --default-dimension \(configuration.defaultDimension)")
            }
            if existing.metric != configuration.defaultMetric {
                differences.append("metric \(existing.metric.rawValue), not --default-metric \(configuration.defaultMetric.rawValue)")
            }
            guard !differences.isEmpty else { return nil }
            return "the `default` collection keeps \(differences.joined(separator: " and ")): both are fixed when it is first "
                + "made; create another collection through /v1/collections for other vectors"
        }
        let config = CollectionConfig(name: ServerState.defaultCollection, dimension: configuration.defaultDimension,
                                      metric: configuration.defaultMetric, index: IndexConfig(type: configuration.defaultIndexType))
        do {
            _ = try await database.createCollection(config)
        } catch EngineError.collectionExists {
            return nil
        }
        return nil
    }

    /// Why `run` stopped before serving.
    public enum StartError: Error, Sendable {
        /// Another process holds the data directory (exit code 3).
        case locked(String)
        /// The database could not be opened or prepared.
        case failed(String)
        /// A setting names something unusable, e.g. a missing or mismatched TLS certificate (exit code 2).
        case invalidSetting(String)
    }

    /// Opens the database, makes the default collection, serves until SIGTERM/SIGINT, drains in-flight requests and closes
    /// the database (syncing its log). `onListening` is called once with `http://HOST:PORT`. On SIGHUP `onReload` runs
    /// (the host reopens its log file; it returns a warning to log, or nil).
    public static func run(
        configuration: ServerConfiguration,
        logSink: @escaping LogSink,
        onReload: @escaping @Sendable () -> String? = { nil },
        residentBytes: @escaping @Sendable () -> Int64? = { nil },
        process: @escaping @Sendable () -> ProcessFigures = { ProcessFigures() },
        announce: @escaping @Sendable (String) -> Void = { _ in },
        onListening: @escaping @Sendable (String) async -> Void
    ) async throws {
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let format = configuration.logFormat
        let logger = Logger(label: "vectorlogic") { label in
            LineLogHandler(label: label, format: format, level: level, sink: logSink)
        }
        var options = DatabaseOptions(durability: configuration.durability)
        options.minimumFreeBytes = Int64(configuration.minimumFreeMegabytes) << 20
        options.vectorReads = configuration.vectorReads
        options.logger = Logger(label: "vectorlogic.engine") { label in
            LineLogHandler(label: label, format: format, level: level, sink: logSink)
        }
        let tls = try loadTLS(configuration, logger: logger)
        // What is open so far, closed in reverse order on any failure before the services run (one cleanup path).
        var opened = OpenedResources()
        do {
            let database: Database
            do {
                database = try Database.open(at: configuration.dataDirectory, options: options)
            } catch let error as EngineError {
                if case .locked(let reason) = error { throw StartError.locked(reason) }
                throw StartError.failed(error.description)
            } catch {
                throw StartError.failed("could not open the database in \(configuration.dataDirectory)")
            }
            opened.database = database
            do {
                if let warning = try await ensureDefaultCollection(database, configuration: configuration) {
                    logger.warning("\(warning)")
                }
            } catch {
                throw StartError.failed("could not create the default collection: \((error as? EngineError)?.description ?? "\(error)")")
            }
            let personas: PersonaStore
            do {
                // `--durability fsync` (the default) fsyncs every persona commit; batch and none relax it as they do the log.
                personas = try PersonaStore(dataDirectory: configuration.dataDirectory, durable: configuration.durability == .fsync)
            } catch {
                throw StartError.failed("could not open \(PersonaStore.fileName): \((error as? PersonaStoreError)?.description ?? "\(error)")")
            }
            opened.personas = personas
            let keys: KeyStore
            do {
                keys = try KeyStore(dataDirectory: configuration.dataDirectory)
                opened.keys = keys
                if let made = try ensureAdminKey(keys, configuration: configuration) {
                    if configuration.adminKey == nil { announce("admin API key (shown this once only): \(made.secret)") }
                    logger.notice("created the first admin API key", metadata: ["id": .string(made.record.id), "prefix": .string(made.record.prefix)])
                } else if let notice = adminKeyNotice(keys, configuration: configuration) {
                    logger.warning("\(notice)")
                    announce("warning: \(notice)")
                }
            } catch let error as StartError {
                throw error
            } catch {
                throw StartError.failed("could not open \(KeyStore.fileName): \((error as? KeyStoreError)?.description ?? "\(error)")")
            }
            // The model loads here, before listening: the first request never pays for it.
            let embedding: (any EmbeddingProvider)?
            do {
                embedding = try EmbeddingSetup.makeProvider(configuration, environment: ProcessInfo.processInfo.environment, logger: logger)
            } catch {
                throw StartError.failed(error.message)
            }
            let app = buildApplication(database: database, personas: personas, keys: keys, configuration: configuration, logger: logger,
                                       residentBytes: residentBytes, tls: tls, embedding: embedding, process: process) { host, port in
                let shownHost = host.contains(":") ? "[\(host)]" : host
                await onListening("\(tls == nil ? "http" : "https")://\(shownHost):\(port)")
            }
            // Trapped before any service runs, so a SIGHUP right after `listening on` reloads rather than kills.
            let hangups = await UnixSignalsSequence(trapping: .sighup)
            // Graceful shutdown stops services in reverse order: the HTTP server drains first, then the decay job,
            // then the stores, and the database (which syncs its log) last.
            let services: [any Service] = [
                ClosingService(name: "database") { try await database.close() },
                ClosingService(name: "stores") { personas.close(); keys.close() },
                DecayJobService(start: { startDecayJob(personas, configuration: configuration, logger: logger) }),
                ReloadService(signals: hangups, logger: logger, reload: { reloadAll(onReload: onReload, tls: tls) }),
                app,
            ]
            opened = OpenedResources()  // from here on the services own them
            let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                          gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            // Memories stored without a vector get one now that a provider exists, beside serving (README "Embeddings").
            let backfill = embedding.map { provider in Task { await MemoryBackfill.run(personas, provider: provider, logger: logger) } }
            defer { backfill?.cancel() }
            do {
                try await group.run()
            } catch {
                throw StartError.failed("the server stopped: \(error)")
            }
        } catch {
            await opened.close()
            throw error
        }
        logger.info("stopped", metadata: ["data_dir": .string(configuration.dataDirectory)])
    }

    /// The TLS context of `--tls-cert`/`--tls-key`, or nil without them; a missing, unreadable or mismatched pair is
    /// `StartError.invalidSetting` (exit 2). A certificate that is not valid now is served anyway, with a warning.
    static func loadTLS(_ configuration: ServerConfiguration, logger: Logger) throws(StartError) -> TLSContextStore? {
        guard let certificate = configuration.tlsCertificate, let key = configuration.tlsKey else { return nil }
        #if TLS
        let credentials: TLSCredentials
        do {
            credentials = try TLSCredentials.load(certificate: certificate, key: key)
        } catch {
            throw StartError.invalidSetting(error.description)
        }
        if let warning = credentials.validityWarning() { logger.warning("\(warning)") }
        return TLSContextStore(credentials, certificatePath: certificate, keyPath: key)
        #else
        throw StartError.invalidSetting("TLS is not supported by this build (built without the TLS trait): \(certificate), \(key)")
        #endif
    }

    /// SIGHUP: the host's reload (its log file), then the TLS pair read again — on failure the old pair stays in
    /// use. Returns what went wrong, or nil.
    static func reloadAll(onReload: @Sendable () -> String?, tls: TLSContextStore?) -> String? {
        var problems: [String] = []
        if let problem = onReload() { problems.append(problem) }
        #if TLS
        if let tls {
            do {
                if let warning = try tls.reload().validityWarning() { problems.append(warning) }
            } catch {
                problems.append("\(error.description); still serving the previous certificate")
            }
        }
        #endif
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// With auth on and no key at all, makes the first admin key: `VECTORLOGIC_ADMIN_KEY`'s secret when given, else a
    /// new one (which the caller prints once). Nil when nothing was made.
    public static func ensureAdminKey(_ keys: KeyStore, configuration: ServerConfiguration) throws -> (record: APIKeyRecord, secret: String)? {
        guard configuration.authEnabled, keys.isEmpty() else { return nil }
        return try keys.create(name: "admin", permissions: [.admin], rateLimitPerMinute: 1_000_000, expiresInDays: nil,
                               id: UUIDv4.make(), secret: configuration.adminKey ?? KeyStore.newSecret())
    }

    /// Why `VECTORLOGIC_ADMIN_KEY` does nothing on this start, or nil when it works (or is not set). The variable
    /// seeds the first admin key of an empty key store only; a changed value on a later start is not a key, and
    /// saying so beats a silent 401. To rotate the admin key: `vectorlogic keys rotate ID` (or `POST /v1/keys/ID/rotate`)
    /// and use the secret it prints, or create a new admin key and revoke the old one (README "API keys").
    public static func adminKeyNotice(_ keys: KeyStore, configuration: ServerConfiguration) -> String? {
        guard let secret = configuration.adminKey, !keys.isEmpty() else { return nil }
        switch keys.authenticate(secret) {
        case .valid(let record) where record.permissions.contains(.admin):
            return nil
        case .valid:
            return "VECTORLOGIC_ADMIN_KEY is a key of \(KeyStore.fileName) without the admin permission"
        case .unknown, .revoked, .expired:
            return "VECTORLOGIC_ADMIN_KEY is ignored: it only seeds the first admin key of an empty \(KeyStore.fileName), and it is "
                + "not a valid key there now (changed, rotated or revoked since). Use the admin key stored there, or rotate it with "
                + "`vectorlogic keys rotate ID --data-dir DIR` (README \"API keys\")"
        }
    }

    /// Starts the persona decay job at the configured interval. Each sweep logs one line with the memories removed
    /// and its duration: at info level when it removed some, at debug level when it removed none (an idle server
    /// would otherwise log 1,440 empty sweeps a day), as a warning when it failed.
    public static func startDecayJob(_ personas: PersonaStore, configuration: ServerConfiguration, logger: Logger) -> PersonaDecayJob {
        PersonaDecayJob(store: personas, interval: .milliseconds(configuration.personaDecayIntervalMilliseconds)) { result, duration in
            let milliseconds = Logger.MetadataValue.stringConvertible(Double(duration.components.attoseconds / 1_000_000_000_000) / 1_000
                                                                      + Double(duration.components.seconds) * 1_000)
            switch result {
            case .success(let removed):
                logger.log(level: removed > 0 ? .info : .debug, "persona decay sweep",
                           metadata: ["removed": .stringConvertible(removed), "duration_ms": milliseconds])
            case .failure(let error):
                logger.warning("persona decay sweep failed", metadata: ["error": .string("\(error)"), "duration_ms": milliseconds])
            }
        }
    }
}

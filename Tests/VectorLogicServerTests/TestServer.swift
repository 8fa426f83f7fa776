import Foundation
import Logging
import ServiceLifecycle
import VectorLogicEngine
import VectorLogicJSON
import VectorLogicPersonas
import VectorLogicServer
import VectorLogicAccess
import VectorLogicSync

/// Collects log lines in memory so tests can read what the server logged. `Locked`, not `Mutex`: the sink is called
/// from several event loops at once, and ThreadSanitizer does not see `Mutex`'s lock (CI's TSan run reported two
/// concurrent log lines as a race).
final class LogCollector: Sendable {
    let lines = Locked<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    var sink: LogSink { { line in self.lines.withLock { $0.append(line) } } }
}

/// A real server in this process: the real engine on a fresh temporary directory, Hummingbird on a free port of 127.0.0.1.
final class TestServer: Sendable {
    let port: Int
    let directory: String
    let database: Database
    let personas: PersonaStore
    let keys: KeyStore
    let logs: LogCollector
    private let task: Task<Void, any Error>
    private let group: ServiceGroup
    private let decay: PersonaDecayJob

    private init(port: Int, directory: String, database: Database, personas: PersonaStore, keys: KeyStore, decay: PersonaDecayJob,
                 logs: LogCollector, task: Task<Void, any Error>, group: ServiceGroup) {
        self.group = group
        self.keys = keys
        self.port = port
        self.directory = directory
        self.database = database
        self.personas = personas
        self.decay = decay
        self.logs = logs
        self.task = task
    }

    /// Starts a server; `directory` reuses a data directory (restart tests).
    static func start(directory: String? = nil, configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
        let directory = directory ?? TestServer.temporaryDirectory()
        var configuration = ServerConfiguration()
        configuration.dataDirectory = directory
        configuration.port = 0
        configuration.defaultDimension = 4
        configuration.logFormat = .json
        configure(&configuration)
        let logs = LogCollector()
        let logger = Logger(label: "test") { [configuration] label in
            LineLogHandler(label: label, format: configuration.logFormat, level: .info, sink: logs.sink)
        }
        let database = try Database.open(at: directory, options: DatabaseOptions(durability: configuration.durability))
        try await VectorLogicServer.ensureDefaultCollection(database, configuration: configuration)
        let personas = try PersonaStore(dataDirectory: directory)
        let keys = try KeyStore(dataDirectory: directory)
        _ = try VectorLogicServer.ensureAdminKey(keys, configuration: configuration)
        let decay = VectorLogicServer.startDecayJob(personas, configuration: configuration, logger: logger)
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = VectorLogicServer.buildApplication(database: database, personas: personas, keys: keys, configuration: configuration,
                                                     logger: logger, onListening: { _, port in
            portContinuation.yield(port)
            portContinuation.finish()
        })
        let group = ServiceGroup(configuration: .init(services: [.init(service: app)], logger: logger))
        let task = Task { try await group.run() }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            await decay.stop()
            personas.close()
            keys.close()
            throw HTTPClientError(description: "server did not start")
        }
        return TestServer(port: port, directory: directory, database: database, personas: personas, keys: keys, decay: decay,
                          logs: logs, task: task, group: group)
    }

    /// Stops serving, the decay job and the persona store, and closes the database (releasing its lock).
    func stop() async throws {
        // A graceful shutdown, not a cancel: cancelling the serving task can drop a connection the server has accepted
        // but not yet handed to a handler, and NIO traps on its unfinished writer ("Deinited NIOAsyncWriter without
        // calling finish()", apple/swift-nio#3481; seen once in CI). A test that leaves a connection open would keep a
        // graceful shutdown waiting: cancelled after 10 s.
        await group.triggerGracefulShutdown()
        let task = self.task
        let watchdog = Task {
            try await Task.sleep(for: .seconds(10))
            task.cancel()
        }
        _ = try? await task.value
        watchdog.cancel()
        await decay.stop()
        personas.close()
        keys.close()
        try await database.close()
    }

    /// A request to this server.
    func call(_ method: String, _ path: String, _ json: String? = nil, body: [UInt8]? = nil,
              contentType: String? = "application/json", headers: [(String, String)] = []) async throws -> HTTPResult {
        try await HTTPTestClient.request(port: port, method, path, json: json, body: body, contentType: contentType, headers: headers)
    }

    /// The header carrying a new API key with one permission, made with `POST /v1/keys` as `admin`.
    func key(_ permission: String, admin: String, rateLimitPerMinute: Int? = nil) async throws -> [(String, String)] {
        let limit = rateLimitPerMinute.map { #","rate_limit_per_minute":\#($0)"# } ?? ""
        let made = try await call("POST", "/v1/keys", #"{"name":"\#(permission)","permissions":["\#(permission)"]\#(limit)}"#,
                                  headers: [("X-API-Key", admin)])
        guard made.status == 201, let key = made.data?["key"]?.string else {
            throw HTTPClientError(description: "POST /v1/keys answered \(made.status): \(made.text)")
        }
        return [("X-API-Key", key)]
    }

    /// A fresh data directory, removed when the test process exits (restart tests reuse one across servers, so it
    /// cannot go with the first server's `stop`). Before, every run left its directories behind: 620 in /tmp after a
    /// day, up to 32 MB each.
    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vl-server-tests-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        madeDirectories.withLock { made in
            if made.isEmpty { atexit { removeMadeDirectories() } }
            made.append(path)
        }
        return path
    }
}

/// The data directories `TestServer.temporaryDirectory()` made in this process. `Locked`, not `Mutex`: ThreadSanitizer
/// does not see `Mutex`'s lock and reports every access to a global one as a race (seen in CI's TSan run).
private let madeDirectories = Locked<[String]>([])

/// Removes every directory in `madeDirectories` (run once, at exit).
private func removeMadeDirectories() {
    for path in madeDirectories.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body` against a fresh server and always stops it.
func withServer(directory: String? = nil, configure: (inout ServerConfiguration) -> Void = { _ in },
                _ body: (TestServer) async throws -> Void) async throws {
    let server = try await TestServer.start(directory: directory, configure: configure)
    do {
        try await body(server)
    } catch {
        try? await server.stop()
        throw error
    }
    try await server.stop()
}

/// Small accessors for JSON answers.
extension JSONValue {
    subscript(_ key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }
    subscript(_ index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
    var string: String? { if case .string(let value) = self { return value } else { return nil } }
    var number: Double? { if case .number(let value) = self { return value } else { return nil } }
    var array: [JSONValue]? { if case .array(let value) = self { return value } else { return nil } }
}

extension HTTPResult {
    /// `data` of a success envelope.
    var data: JSONValue? { self["data"] }
    /// The `error` code of an error envelope.
    var errorCode: String? { self["error"]?.string }
    /// True when this is a well-formed error envelope with the contract's four keys and no leaked internals.
    var isCleanErrorEnvelope: Bool {
        guard case .object(let object)? = json else { return false }
        let text = self.text
        let leaks = ["/tmp", "/work", ".swift", "Swift.", "EngineError", "JSONParseError", "Fatal"]
        return object.keys == ["status", "error", "message", "details"] && object["status"] == .string("error")
            && leaks.allSatisfy { !text.contains($0) }
    }
}

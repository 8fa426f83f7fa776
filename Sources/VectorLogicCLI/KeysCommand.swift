import ArgumentParser
import Foundation
import VectorLogicEngine
import VectorLogicPersonas
import VectorLogicAccess

/// `vectorlogic keys create|list|revoke|rotate` (docs/cli.md): offline administration of `<data-dir>/keys.sqlite`
/// while no server holds the directory (exit 3 otherwise: a running server keeps its own view of the keys).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list, revoke and rotate API keys of a stopped server's data directory.",
        subcommands: [Create.self, List.self, Revoke.self, Rotate.self]
    )

    init() {}

    /// Opens the key store of `dataDir` under the directory lock and runs `body`; maps failures to exit codes.
    static func withStore<T>(_ dataDir: String, _ body: (KeyStore) throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: dataDir) else {
            ToolOutput.error("the data directory \(dataDir) does not exist")
            throw ExitCodes.failure
        }
        var outcome: Result<T, any Error>?
        do {
            try DataDirectoryLock.withLock(dataDir) { () throws(ToolError) in
                do {
                    let store = try KeyStore(dataDirectory: dataDir)
                    defer { store.close() }
                    outcome = .success(try body(store))
                } catch {
                    outcome = .failure(error)
                }
            }
        } catch {
            ToolOutput.error(error.description)
            if case .locked = error { throw ExitCodes.locked }
            throw ExitCodes.failure
        }
        switch outcome {
        case .success(let value)?: return value
        case .failure(let error as KeyStoreError)?:
            ToolOutput.error(error.description)
            if case .invalid = error { throw ExitCodes.usage }
            throw ExitCodes.failure
        case .failure(let error)?:
            if error is ExitCode { throw error }
            ToolOutput.error("the key store failed: \(error)")
            throw ExitCodes.failure
        case nil:
            throw ExitCodes.failure
        }
    }

    static func line(_ record: APIKeyRecord) -> String {
        let permissions = APIKeyPermission.allCases.filter { record.permissions.contains($0) }.map(\.rawValue).joined(separator: ",")
        let expires = record.expiresAt.map { "expires \(isoTime($0))" } ?? "never expires"
        return "\(record.id)  \(record.prefix)…  \(record.name)  [\(permissions)]  \(record.rateLimitPerMinute)/min  "
            + "\(expires)  \(record.active ? "active" : "revoked")"
    }

    static func isoTime(_ milliseconds: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1_000))
    }

    /// `keys create`
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a key and print its secret (shown this once only).")
        @Option(name: .customLong("data-dir"), help: "The data directory.") var dataDir: String
        @Option(help: "A name for the key.") var name: String
        @Option(help: "Comma-separated: read, write, admin.") var permissions: String
        @Option(name: .customLong("rate-limit"), help: "Requests per minute for this key.") var rateLimit: Int = KeyStore.defaultRateLimitPerMinute
        @Option(name: .customLong("expires-in-days"), help: "Days until the key stops working (as POST /v1/keys).")
        var expiresInDays: Int = KeyStore.defaultExpiresInDays
        @Flag(name: .customLong("never-expires"), help: "The key never expires (POST /v1/keys: \"expires_in_days\": null).") var neverExpires = false

        func validate() throws {
            guard !parsedPermissions.isEmpty,
                  permissions.split(separator: ",").allSatisfy({ APIKeyPermission(rawValue: $0.trimmingCharacters(in: .whitespaces)) != nil }) else {
                throw ValidationError("--permissions must list read, write and/or admin, separated by commas")
            }
        }

        var parsedPermissions: Set<APIKeyPermission> {
            Set(permissions.split(separator: ",").compactMap { APIKeyPermission(rawValue: $0.trimmingCharacters(in: .whitespaces)) })
        }

        func run() throws {
            let made = try KeysCommand.withStore(dataDir) { store in
                try store.create(name: name, permissions: parsedPermissions, rateLimitPerMinute: rateLimit,
                                 expiresInDays: neverExpires ? nil : expiresInDays, id: UUID().uuidString.lowercased())
            }
            print(made.secret)
            ToolOutput.write("key \(made.record.id) created; the secret above is shown this once only\n", to: 2)
        }
    }

    /// `keys list`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @Option(name: .customLong("data-dir"), help: "The data directory.") var dataDir: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let records = try KeysCommand.withStore(dataDir) { try $0.list() }
            if json {
                let rows = records.map { record -> [String: Any] in
                    ["id": record.id, "name": record.name, "prefix": record.prefix,
                     "permissions": APIKeyPermission.allCases.filter { record.permissions.contains($0) }.map(\.rawValue),
                     "rate_limit_per_minute": record.rateLimitPerMinute, "created_at": record.createdAt,
                     "expires_at": record.expiresAt.map { $0 as Any } ?? NSNull(),
                     "last_used": record.lastUsedAt.map { $0 as Any } ?? NSNull(), "active": record.active]
                }
                let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(records.isEmpty ? "no keys" : records.map(KeysCommand.line).joined(separator: "\n"))
            }
        }
    }

    /// `keys revoke ID`
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key at once.")
        @Option(name: .customLong("data-dir"), help: "The data directory.") var dataDir: String
        @Argument(help: "The key's id.") var id: String

        func run() throws {
            guard let record = try KeysCommand.withStore(dataDir, { try $0.revoke(id: id) }) else {
                ToolOutput.error("no API key has id \(id)")
                throw ExitCodes.failure
            }
            print(KeysCommand.line(record))
        }
    }

    /// `keys rotate ID`
    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a key a new secret (printed once); the old one stops working.")
        @Option(name: .customLong("data-dir"), help: "The data directory.") var dataDir: String
        @Argument(help: "The key's id.") var id: String

        func run() throws {
            let rotated = try KeysCommand.withStore(dataDir) { try $0.rotate(id: id) }
            guard let rotated else {
                ToolOutput.error("no active API key has id \(id)")
                throw ExitCodes.failure
            }
            print(rotated.secret)
        }
    }
}

import Foundation
import Testing
import VectorLogicAccess
import VectorLogicPersonas
import VectorLogicSQLite

/// `KeyStore.check`/`PersonaStore.check` (what `verify` reports) and `salvage` (what `repair` keeps) on damaged files.
@Suite struct StoreFileCheckTests {
    /// A key store with `count` keys `key-N` (every third one admin, the rest read), closed; returns the secrets.
    static func keyStore(at path: String, count: Int) throws -> [String: (secret: String, permissions: Set<APIKeyPermission>)] {
        let store = try KeyStore(path: path)
        defer { store.close() }
        var made: [String: (String, Set<APIKeyPermission>)] = [:]
        for index in 0..<count {
            let permissions: Set<APIKeyPermission> = index % 3 == 0 ? [.admin] : [.read]
            let key = try store.create(name: "key-\(index)", permissions: permissions, rateLimitPerMinute: 100,
                                       expiresInDays: nil, id: "id-\(index)")
            made["id-\(index)"] = (key.secret, permissions)
        }
        return made
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// A healthy or absent store has no finding; its file is not changed by the check.
    @Test func healthyAndAbsentStoresAreClean() throws {
        let directory = TemporaryStoreDirectory()
        defer { directory.cleanUp() }
        #expect(KeyStore.check(path: directory.path + "/keys.sqlite").isEmpty)
        _ = try Self.keyStore(at: directory.path + "/keys.sqlite", count: 3)
        let before = try Self.bytes(directory.path + "/keys.sqlite")
        #expect(KeyStore.check(path: directory.path + "/keys.sqlite").isEmpty)
        #expect(try Self.bytes(directory.path + "/keys.sqlite") == before)
        try PersonaStore(path: directory.path + "/personas.sqlite").close()
        #expect(PersonaStore.check(path: directory.path + "/personas.sqlite").isEmpty)
    }

    /// The issue's reproduction: a truncated keys.sqlite, which the server refuses to open, is an error; so are a
    /// newer layout version and a table with other columns. An empty file is only a warning (the server starts it anew).
    @Test func damageThatStopsTheServerIsAnError() throws {
        let directory = TemporaryStoreDirectory()
        defer { directory.cleanUp() }
        let path = directory.path + "/keys.sqlite"
        _ = try Self.keyStore(at: path, count: 40)
        let whole = try Self.bytes(path)
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
        let truncated = KeyStore.check(path: path)
        #expect(truncated.contains { $0.isError }, "\(truncated)")
        #expect(throws: KeyStoreError.self, "the server's open refuses it") { try KeyStore(path: path).close() }

        try Data().write(to: URL(fileURLWithPath: path))
        #expect(KeyStore.check(path: path).allSatisfy { !$0.isError })

        try FileManager.default.removeItem(atPath: path)
        let other = try SQLiteConnection(path: path)
        try other.execute("CREATE TABLE api_keys (id TEXT PRIMARY KEY, secret BLOB)")
        other.close()
        #expect(KeyStore.check(path: path).contains { $0.isError && $0.message.contains("columns") })

        try FileManager.default.removeItem(atPath: path)
        try KeyStore(path: path).close()
        let newer = try SQLiteConnection(path: path)
        try newer.execute("PRAGMA user_version = 99")
        newer.close()
        #expect(KeyStore.check(path: path).contains { $0.isError && $0.message.contains("version 99") })
    }

    /// A key store cut in half: every key whose row survives keeps exactly its permissions, every other secret stops
    /// authenticating; the counts add up to the keys made.
    @Test func salvageKeepsReadableKeysAndNeverGrantsMore() throws {
        let directory = TemporaryStoreDirectory()
        defer { directory.cleanUp() }
        let path = directory.path + "/keys.sqlite"
        let made = try Self.keyStore(at: path, count: 300)
        let whole = try Self.bytes(path)
        try whole.prefix(whole.count * 2 / 3).write(to: URL(fileURLWithPath: path))
        let tally = try KeyStore.salvage(from: path, into: directory.path + "/fresh.sqlite")
        #expect(tally.saved > 0 && tally.saved < 300, "\(tally.summary)")
        #expect(tally.unreadable > 0, "\(tally.summary)")
        let fresh = try KeyStore(path: directory.path + "/fresh.sqlite")
        defer { fresh.close() }
        var valid = 0
        for (id, key) in made {
            switch fresh.authenticate(key.secret) {
            case .valid(let record):
                valid += 1
                #expect(record.id == id && record.permissions == key.permissions)
            case .unknown: break
            default: Issue.record("\(id): unexpected \(fresh.authenticate(key.secret))")
            }
        }
        #expect(valid == tally.saved)
        #expect(KeyStore.check(path: directory.path + "/fresh.sqlite").isEmpty)
    }

    /// One flipped byte in a key's permissions text passes SQLite's integrity check, but `check` reports the row and
    /// `salvage` saves that key revoked: a damaged record never authenticates.
    @Test func malformedKeyRowIsReportedAndSavedRevoked() throws {
        let directory = TemporaryStoreDirectory()
        defer { directory.cleanUp() }
        let path = directory.path + "/keys.sqlite"
        let made = try Self.keyStore(at: path, count: 3)
        var bytes = [UInt8](try Self.bytes(path))
        let marker = Array("key-1".utf8)
        let at = try #require((0...(bytes.count - marker.count)).first { Array(bytes[$0..<($0 + marker.count)]) == marker })
        let read = Array("read".utf8)
        let permission = try #require((at...(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == read })
        bytes[permission] ^= 0x01  // "read" → "sead"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let findings = KeyStore.check(path: path)
        #expect(findings.contains { $0.isError && $0.message.contains("malformed") }, "\(findings)")
        let tally = try KeyStore.salvage(from: path, into: directory.path + "/fresh.sqlite")
        #expect(tally.saved == 2 && tally.savedRevoked == 1, "\(tally.summary)")
        let fresh = try KeyStore(path: directory.path + "/fresh.sqlite")
        defer { fresh.close() }
        #expect(fresh.authenticate(try #require(made["id-1"]).secret) == .revoked)
        if case .valid = fresh.authenticate(try #require(made["id-0"]).secret) {} else { Issue.record("intact admin key lost") }
    }

    /// A persona store with a damaged page: readable personas and memories come back with their seq, memories of
    /// lost personas are dropped, and the fresh file passes the check.
    @Test func personaSalvageKeepsReadableRows() throws {
        let directory = TemporaryStoreDirectory()
        defer { directory.cleanUp() }
        let path = directory.path + "/personas.sqlite"
        let store = try PersonaStore(path: path)
        var memories = 0
        for p in 0..<4 {
            let persona = try store.createPersona(id: "p-\(p)", settings("persona \(p)"))
            for m in 0..<60 {
                _ = try store.addMemory(id: "m-\(p)-\(m)", to: persona.id,
                                        NewMemory(content: "memory \(m)", vector: (0..<64).map { Float($0 + m + 1) }))
                memories += 1
            }
        }
        store.close()
        var bytes = [UInt8](try Self.bytes(path))
        for offset in stride(from: bytes.count / 2, to: bytes.count / 2 + 4_096, by: 1) { bytes[offset] = 0xFF }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(PersonaStore.check(path: path).contains { $0.isError })
        let tallies = try PersonaStore.salvage(from: path, into: directory.path + "/fresh.sqlite")
        let memoryTally = try #require(tallies.last)
        #expect(memoryTally.saved > 0 && memoryTally.saved < memories, "\(tallies.map(\.summary))")
        #expect(PersonaStore.check(path: directory.path + "/fresh.sqlite").isEmpty)
        let fresh = try PersonaStore(path: directory.path + "/fresh.sqlite")
        defer { fresh.close() }
        let counted = try fresh.listPersonas().reduce(0) { $0 + $1.memoryCount }
        #expect(counted == memoryTally.saved)
    }
}

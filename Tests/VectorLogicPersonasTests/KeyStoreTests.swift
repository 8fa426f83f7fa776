import Foundation
import Testing
import VectorLogicPersonas
import VectorLogicSync
import VectorLogicAccess

/// The API-key store: secrets never stored, rotation and revocation at once, expiry, persistence.
@Suite struct KeyStoreTests {
    static func directory() -> String {
        let path = NSTemporaryDirectory() + "vl-keys-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func createAuthenticateRotateRevokeAndReopen() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = Locked<Int64>(1_000_000)
        let store = try KeyStore(dataDirectory: directory, now: { clock.withLock { $0 } })
        #expect(store.isEmpty())
        let made = try store.create(name: "reader", permissions: [.read], rateLimitPerMinute: 60, expiresInDays: 1, id: "k1")
        #expect(KeyStore.isWellFormed(made.secret) && made.record.prefix == String(made.secret.prefix(12)))
        guard case .valid(let record) = store.authenticate(made.secret) else { Issue.record("new key refused"); return }
        #expect(record.permissions == [.read] && record.rateLimitPerMinute == 60 && record.lastUsedAt == 1_000_000)
        #expect(store.authenticate(KeyStore.newSecret()) == .unknown)
        #expect(store.authenticate("short") == .unknown)

        let rotated = try #require(try store.rotate(id: "k1"))
        #expect(rotated.secret != made.secret)
        #expect(store.authenticate(made.secret) == .unknown, "the old secret stops working at once")
        guard case .valid = store.authenticate(rotated.secret) else { Issue.record("rotated key refused"); return }

        clock.withLock { $0 += 86_400_000 }
        #expect(store.authenticate(rotated.secret) == .expired)
        clock.withLock { $0 -= 86_400_000 }
        #expect(try store.revoke(id: "k1")?.active == false)
        #expect(store.authenticate(rotated.secret) == .revoked)
        #expect(try store.revoke(id: "nope") == nil)
        store.close()

        let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + KeyStore.fileName))
        #expect(bytes.range(of: Data(rotated.secret.utf8)) == nil, "the secret is never written")
        let reopened = try KeyStore(dataDirectory: directory, now: { clock.withLock { $0 } })
        defer { reopened.close() }
        let listed = try reopened.list()
        #expect(listed.count == 1 && listed[0].id == "k1" && !listed[0].active && listed[0].lastUsedAt == 1_000_000)
        #expect(reopened.authenticate(rotated.secret) == .revoked)
    }

    @Test func adoptedAdminSecretAndValidation() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try KeyStore(dataDirectory: directory)
        defer { store.close() }
        let admin = try store.create(name: "admin", permissions: [.admin], rateLimitPerMinute: 10, expiresInDays: nil,
                                     id: "a", secret: "test-admin-key-0123")
        guard case .valid(let record) = store.authenticate("test-admin-key-0123") else { Issue.record("adopted key refused"); return }
        #expect(record.expiresAt == nil && admin.record.permissions == [.admin])
        #expect(throws: KeyStoreError.self) {
            try store.create(name: "", permissions: [.read], rateLimitPerMinute: 1, expiresInDays: nil, id: "b")
        }
        #expect(throws: KeyStoreError.self) {
            try store.create(name: "x", permissions: [], rateLimitPerMinute: 1, expiresInDays: nil, id: "c")
        }
        #expect(throws: KeyStoreError.self) {
            try store.create(name: "x", permissions: [.read], rateLimitPerMinute: 1, expiresInDays: nil, id: "d", secret: "too short")
        }
        #expect(try store.list().count == 1, "rejected creates changed nothing")
    }
}

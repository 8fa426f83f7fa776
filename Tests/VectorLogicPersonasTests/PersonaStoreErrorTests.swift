import Foundation
import Testing
@testable import VectorLogicPersonas
import VectorLogicSQLite

/// SQLite failures reach callers as typed errors: storage trouble as `unavailable` (the server's 503), damage as `corrupt`.
@Suite("PersonaStore errors")
struct PersonaStoreErrorTests {
    /// A file that is not a SQLite database is refused at open as corrupt, and left as it was.
    @Test func garbageFileIsReportedAsCorrupt() throws {
        let dir = TemporaryStoreDirectory()
        defer { dir.cleanUp() }
        let path = dir.path + "/" + PersonaStore.fileName
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        #expect(FileManager.default.createFile(atPath: path, contents: garbage))
        #expect {
            _ = try PersonaStore(dataDirectory: dir.path)
        } throws: { error in
            if case PersonaStoreError.storage(.corrupt) = error { return true }
            return false
        }
        #expect(FileManager.default.contents(atPath: path) == garbage)
    }

    /// Result codes map by their primary code (SQLite's numbers: FULL 13, IOERR 10, READONLY 8, CORRUPT 11, NOTADB 26,
    /// CONSTRAINT 19), extended codes included.
    @Test func resultCodesMapToTypedErrors() {
        #expect(SQLiteConnection.error(code: 13, message: "full") == .unavailable("the disk is full"))
        #expect(SQLiteConnection.error(code: 10 | (4 << 8), message: "disk I/O error") == .unavailable("disk I/O error"))
        #expect(SQLiteConnection.error(code: 8, message: "readonly") == .unavailable("readonly"))
        #expect(SQLiteConnection.error(code: 11, message: "malformed") == .corrupt("malformed"))
        #expect(SQLiteConnection.error(code: 26, message: "notadb") == .corrupt("notadb"))
        #expect(SQLiteConnection.error(code: 19, message: "constraint") == .failed("constraint"))
    }

    /// A closed store refuses every call instead of touching a finalized connection.
    @Test func closedStoreRefusesCalls() throws {
        let dir = TemporaryStoreDirectory()
        defer { dir.cleanUp() }
        let store = try PersonaStore(dataDirectory: dir.path)
        _ = try store.createPersona(id: "p", settings())
        store.close()
        #expect(throws: PersonaStoreError.storage(.closed)) { try store.persona("p") }
        #expect(throws: PersonaStoreError.storage(.closed)) { try store.addMemory(id: "m", to: "p", NewMemory(content: "c")) }
        #expect(throws: PersonaStoreError.storage(.closed)) { try store.removeDecayedMemories() }
    }
}

import Foundation
import Testing
import VectorLogicJSON
import VectorLogicPersonas
import VectorLogicSQLite

@Suite("PersonaStore")
struct PersonaStoreTests {
    /// Create, read, list, update and delete a persona; every field comes back as stored.
    @Test func personaCRUDRoundTrips() throws {
        let dir = TemporaryStoreDirectory()
        defer { dir.cleanUp() }
        let store = try PersonaStore(dataDirectory: dir.path)
        defer { store.close() }
        var wanted = settings("Ada")
        wanted.systemPrompt = "You are helpful."
        wanted.temperature = 1.25
        wanted.maxTokens = 77
        let created = try store.createPersona(id: "p1", wanted)
        #expect(try store.persona("p1")?.settings == wanted)
        #expect(try store.persona("p1")?.createdAt == created.createdAt)
        #expect(try store.listPersonas().map(\.id) == ["p1"])
        var changed = wanted
        changed.name = "Grace"
        changed.isActive = false
        let updated = try store.updatePersona("p1", changed)
        #expect(updated.settings == changed)
        #expect(try store.persona("p1")?.settings.name == "Grace")
        #expect(try store.deletePersona("p1"))
        #expect(try store.deletePersona("p1") == false)
        #expect(try store.persona("p1") == nil)
        #expect(throws: PersonaStoreError.personaNotFound("p1")) { try store.updatePersona("p1", changed) }
    }

    /// Text holding U+0000 (valid in JSON strings) is stored whole, not cut at the NUL (schemathesis found "\u0000"
    /// coming back as "").
    @Test func textWithNULRoundTrips() throws {
        let dir = TemporaryStoreDirectory()
        defer { dir.cleanUp() }
        let store = try PersonaStore(dataDirectory: dir.path)
        defer { store.close() }
        var wanted = settings("a\u{0}b")
        wanted.systemPrompt = "\u{0}"
        _ = try store.createPersona(id: "nul", wanted)
        #expect(try store.persona("nul")?.settings.name == "a\u{0}b")
        #expect(try store.persona("nul")?.settings.systemPrompt == "\u{0}")
    }

    /// Out-of-range settings are rejected before anything is written.
    @Test func invalidSettingsAreRejected() throws {
        let dir = TemporaryStoreDirectory()
        defer { dir.cleanUp() }
        let store = try PersonaStore(dataDirectory: dir.path)
        defer { store.close() }
        let cases: [(String, (inout PersonaSettings) -> Void)] = [
            ("name", { $0.name = "" }), ("name", { $0.name = String(repeating: "x", count: 257) }),
            ("system_prompt", { $0.systemPrompt = String(repeating: "x", count: 65_537) }),
            ("max_memory_size", { $0.maxMemorySize = 0 }), ("max_memory_size", { $0.maxMemorySize = 100_001 }),
            ("memory_decay_ms", { $0.memoryDecayMilliseconds = -1 }), ("temperature", { $0.temperature = 2.5 }),
            ("temperature", { $0.temperature = .nan }), ("max_tokens", { $0.maxTokens = 0 }),
        ]
        for (field, change) in cases {
            var bad = settings()
            change(&bad)
            #expect(throws: PersonaStoreError.self) { try store.createPersona(id: makeID(), bad) }
            do { _ = try store.createPersona(id: makeID(), bad) } catch PersonaStoreError.invalid(let got, _) {
                #expect(got == field)
            }
        }
        #expect(try store.listPersonas().isEmpty)
    }

    /// Deleting a persona deletes its memories and no one else's.
    @Test func deleteCascadesToMemories() throws {
        let dir = TemporaryStoreDirectory()
        defer { dir.cleanUp() }
        let store = try PersonaStore(dataDirectory: dir.path)
        defer { store.close() }
        _ = try store.createPersona(id: "a", settings())
        _ = try store.createPersona(id: "b", settings())
        _ = try store.addMemory(id: "m1", to: "a", NewMemory(content: "one"))
        _ = try store.addMemory(id: "m2", to: "b", NewMemory(content: "two"))
        #expect(try store.deletePersona("a"))
        #expect(throws: PersonaStoreError.personaNotFound("a")) { try store.memories(of: "a", limit: 10, cursor: nil) }
        // The id of a's memory is free again: nothing of a is left behind.
        _ = try store.createPersona(id: "a", settings())
        #expect(try store.memories(of: "a", limit: 10, cursor: nil).memories.isEmpty)
        #expect(try store.memories(of: "b", limit: 10, cursor: nil).memories.map(\.id) == ["m2"])
        _ = try store.addMemory(id: "m1", to: "a", NewMemory(content: "again"))
    }

    /// A persona keeps only its newest `max_memory_size` memories, and lowering the size trims at once.
    @Test func sizeCapRemovesOldestFirst() throws {
        let dir = TemporaryStoreDirectory()
        defer { dir.cleanUp() }
        let store = try PersonaStore(dataDirectory: dir.path)
        defer { store.close() }
        _ = try store.createPersona(id: "p", settings(maxMemorySize: 3))
        for index in 0..<5 { _ = try store.addMemory(id: "m\(index)", to: "p", NewMemory(content: "c\(index)")) }
        #expect(try store.memories(of: "p", limit: 10, cursor: nil).memories.map(\.id) == ["m4", "m3", "m2"])
        _ = try store.updatePersona("p", settings(maxMemorySize: 1))
        #expect(try store.memories(of: "p", limit: 10, cursor: nil).memories.map(\.id) == ["m4"])
        #expect(try store.persona("p")?.memoryCount == 1)
    }

    /// The decay sweep removes exactly the memories older than the decay time; 0 means never.
    @Test func decayRemovesExactlyTheOldOnes() throws {
        let dir = TemporaryStoreDirectory()
        defer { dir.cleanUp() }
        let clock = ManualClock()
        let store = try PersonaStore(dataDirectory: dir.path, now: clock.now)
        defer { store.close() }
        _ = try store.createPersona(id: "p", settings(decay: 1_000))
        _ = try store.createPersona(id: "forever", settings(decay: 0))
        _ = try store.addMemory(id: "old", to: "p", NewMemory(content: "old", vector: [1, 0]))
        _ = try store.addMemory(id: "keep-forever", to: "forever", NewMemory(content: "x"))
        clock.advance(600)
        _ = try store.addMemory(id: "young", to: "p", NewMemory(content: "young", vector: [0, 1]))
        clock.advance(400)  // old is exactly 1,000 ms old: not older than the decay time yet
        #expect(try store.removeDecayedMemories() == 0)
        clock.advance(1)
        #expect(try store.removeDecayedMemories() == 1)
        #expect(try store.memories(of: "p", limit: 10, cursor: nil).memories.map(\.id) == ["young"])
        #expect(try store.searchMemories(of: "p", vector: [1, 0], limit: 5, threshold: -1).map(\.memory.id) == ["young"])
        clock.advance(10_000_000)
        #expect(try store.removeDecayedMemories() == 1)
        #expect(try store.memories(of: "forever", limit: 10, cursor: nil).memories.map(\.id) == ["keep-forever"])
    }

    /// Everything written is there after close and reopen of the same file.
    @Test func reopenKeepsEverything() throws {
        let dir = TemporaryStoreDirectory()
        defer { dir.cleanUp() }
        let context = JSONObject([("type", .string("conversation")), ("turn", .number(3))])
        do {
            let store = try PersonaStore(dataDirectory: dir.path)
            _ = try store.createPersona(id: "p", settings("kept"))
            _ = try store.addMemory(id: "m", to: "p", NewMemory(content: "remember me", context: context, vector: [0.5, 0.25, 2]))
            store.close()
            #expect(throws: PersonaStoreError.storage(.closed)) { try store.listPersonas() }
        }
        let reopened = try PersonaStore(dataDirectory: dir.path)
        defer { reopened.close() }
        #expect(try reopened.persona("p")?.settings.name == "kept")
        let memory = try #require(try reopened.memories(of: "p", limit: 1, cursor: nil).memories.first)
        #expect(memory.content == "remember me")
        #expect(memory.context == context)
        #expect(memory.dimension == 3)
        let match = try reopened.searchMemories(of: "p", vector: [0.5, 0.25, 2], limit: 1, threshold: 0.99)
        #expect(match.map(\.memory.id) == ["m"])
    }

    /// Search returns the brute-force cosine order, honouring threshold and limit (seeded).
    @Test func searchMatchesBruteForceCosine() throws {
        let dir = TemporaryStoreDirectory()
        defer { dir.cleanUp() }
        let store = try PersonaStore(dataDirectory: dir.path)
        defer { store.close() }
        let seed = UInt64.random(in: 0...UInt64.max)
        print("searchMatchesBruteForceCosine seed \(seed)")
        var random = SeededGenerator(state: seed)
        _ = try store.createPersona(id: "p", settings())
        let dimension = 16
        var stored: [(String, [Float])] = []
        for index in 0..<200 {
            let vector = (0..<dimension).map { _ in Float.random(in: -1...1, using: &random) }
            stored.append(("m\(index)", vector))
            _ = try store.addMemory(id: "m\(index)", to: "p", NewMemory(content: "c", vector: vector))
        }
        _ = try store.addMemory(id: "novector", to: "p", NewMemory(content: "no vector"))
        func cosine(_ a: [Float], _ b: [Float]) -> Double {
            let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let na = a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            let nb = b.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            return dot / (na * nb)
        }
        for _ in 0..<10 {
            let query = (0..<dimension).map { _ in Float.random(in: -1...1, using: &random) }
            let threshold: Float = Float.random(in: -0.2...0.3, using: &random)
            let expected = stored.map { ($0.0, cosine(query, $0.1)) }.filter { $0.1 >= Double(threshold) + 1e-5 }
                .sorted { $0.1 > $1.1 }.prefix(7)
            let got = try store.searchMemories(of: "p", vector: query, limit: 7, threshold: threshold)
            #expect(got.count <= 7)
            #expect(got.allSatisfy { $0.score >= threshold })
            #expect(zip(got, got.dropFirst()).allSatisfy { $0.score >= $1.score })
            for (hit, want) in zip(got, expected) {
                #expect(abs(Double(hit.score) - want.1) < 1e-4, "seed \(seed)")
            }
            #expect(Set(expected.map(\.0)).isSubset(of: Set(got.map(\.memory.id))), "seed \(seed)")
        }
    }

    /// A vector of another length is refused and leaves the persona exactly as it was.
    @Test func dimensionMismatchChangesNothing() throws {
        let dir = TemporaryStoreDirectory()
        defer { dir.cleanUp() }
        let store = try PersonaStore(dataDirectory: dir.path)
        defer { store.close() }
        _ = try store.createPersona(id: "p", settings(maxMemorySize: 1))
        _ = try store.addMemory(id: "first", to: "p", NewMemory(content: "c", vector: [1, 2, 3]))
        #expect(throws: PersonaStoreError.dimensionMismatch(expected: 3, actual: 2)) {
            try store.addMemory(id: "second", to: "p", NewMemory(content: "c", vector: [1, 2]))
        }
        #expect(throws: PersonaStoreError.dimensionMismatch(expected: 3, actual: 2)) {
            try store.searchMemories(of: "p", vector: [1, 2], limit: 5, threshold: 0)
        }
        // With max_memory_size 1 a successful insert would have trimmed "first": it is still there.
        #expect(try store.memories(of: "p", limit: 10, cursor: nil).memories.map(\.id) == ["first"])
        #expect(throws: PersonaStoreError.self) { try store.addMemory(id: "nan", to: "p", NewMemory(content: "c", vector: [.nan, 1, 1])) }
        // A norm that overflows Float32 (issue 8): it could not be normalised and would clamp to similarity 1.
        #expect(throws: PersonaStoreError.self) { try store.addMemory(id: "huge", to: "p", NewMemory(content: "c", vector: [3e38, 3e38, 3e38])) }
        #expect(throws: PersonaStoreError.self) { try store.searchMemories(of: "p", vector: [4e18, 0, 0], limit: 5, threshold: 0) }
        #expect(throws: PersonaStoreError.self) { try store.addMemory(id: "empty", to: "p", NewMemory(content: "")) }
    }

    /// Pages walk all memories newest first with no repeats, and the last page has no cursor.
    @Test func pagesWalkNewestFirst() throws {
        let dir = TemporaryStoreDirectory()
        defer { dir.cleanUp() }
        let store = try PersonaStore(dataDirectory: dir.path)
        defer { store.close() }
        _ = try store.createPersona(id: "p", settings())
        for index in 0..<7 { _ = try store.addMemory(id: "m\(index)", to: "p", NewMemory(content: "c")) }
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try store.memories(of: "p", limit: 3, cursor: cursor)
            seen += page.memories.map(\.id)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 10
        #expect(seen == (0..<7).reversed().map { "m\($0)" })
        #expect(pages == 3)
        #expect(throws: PersonaStoreError.self) { try store.memories(of: "p", limit: 3, cursor: "garbage") }
        #expect(throws: PersonaStoreError.self) { try store.memories(of: "p", limit: 0, cursor: nil) }
        try store.deleteMemory("m3", of: "p")
        #expect(throws: PersonaStoreError.memoryNotFound(persona: "p", memory: "m3")) { try store.deleteMemory("m3", of: "p") }
    }
}

import Testing
import VectorLogicPersonas

@Suite("PersonaStore Concurrency")
struct PersonaConcurrencyTests {
    /// Writers and searchers on one persona at once: no crash or race, and the cap holds at the end.
    @Test func concurrentInsertsAndSearchesKeepTheCap() async throws {
        let dir = TemporaryStoreDirectory()
        defer { dir.cleanUp() }
        let store = try PersonaStore(dataDirectory: dir.path)
        defer { store.close() }
        _ = try store.createPersona(id: "p", settings(maxMemorySize: 50))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<3 {
                group.addTask {
                    for index in 0..<40 {
                        let angle = Float(writer * 40 + index)
                        _ = try store.addMemory(id: "w\(writer)-\(index)", to: "p",
                                                NewMemory(content: "c", vector: [angle.sine, angle.cosine, 1]))
                    }
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    for _ in 0..<40 {
                        let hits = try store.searchMemories(of: "p", vector: [1, 0, 1], limit: 10, threshold: -1)
                        #expect(hits.count <= 10)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try store.persona("p")?.memoryCount == 50)
        #expect(try store.searchMemories(of: "p", vector: [0, 1, 1], limit: 1_000, threshold: -1).count == 50)
    }
}

extension Float {
    var sine: Float { Float(_sin(Double(self))) }
    var cosine: Float { Float(_cos(Double(self))) }
}

private func _sin(_ x: Double) -> Double { x - x * x * x / 6 }
private func _cos(_ x: Double) -> Double { 1 - x * x / 2 }

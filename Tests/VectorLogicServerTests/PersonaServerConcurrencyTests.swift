import Testing
import VectorLogicJSON

/// Memory inserts and searches on one persona at once over real connections (run under ThreadSanitizer in CI).
@Suite struct PersonaServerConcurrencyTests {
    /// Every insert is acknowledged, every search answers well-formed and best first, and the cap holds at the end.
    @Test func concurrentMemoryInsertsAndSearchesKeepTheCap() async throws {
        try await withServer { server in
            let created = try await server.call("POST", "/personas", #"{"name":"busy","max_memory_size":25}"#)
            let id = try #require(created.data?["id"]?.string)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<3 {
                    group.addTask {
                        for index in 0..<15 {
                            let answer = try await server.call("POST", "/personas/\(id)/memories",
                                #"{"content":"w\#(writer) \#(index)","vector":[\#(writer),\#(index),1]}"#)
                            #expect(answer.status == 201, "\(answer.text)")
                        }
                    }
                }
                for _ in 0..<2 {
                    group.addTask {
                        for _ in 0..<15 {
                            let answer = try await server.call("POST", "/personas/\(id)/memories/search",
                                                               #"{"vector":[1,1,1],"limit":10,"threshold":-1}"#)
                            #expect(answer.status == 200)
                            let scores = answer.data?["matches"]?.array?.compactMap { $0["score"]?.number } ?? []
                            #expect(scores.count <= 10 && scores == scores.sorted(by: >))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let persona = try await server.call("GET", "/personas/\(id)")
            #expect(persona.data?["memory_count"]?.number == 25)
        }
    }
}

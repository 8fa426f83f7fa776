import VectorLogicIO
import Testing
import VectorLogicJSON

/// Writers and searchers at once over real connections: every acknowledged write is visible, searches stay well-formed.
@Suite struct ServerConcurrencyTests {
    @Test func concurrentWritersAndSearchersStayConsistent() async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("concurrentWritersAndSearchersStayConsistent seed \(seed)")
        try await withServer { server in
            _ = try await server.call("POST", "/v1/collections", #"{"name":"cc","dimension":8,"metric":"euclidean"}"#)
            let writers = 4
            let batches = 5
            let perBatch = 20
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var rng = SplitMix64(seed: seed &+ UInt64(writer))
                        for batch in 0..<batches {
                            let items = (0..<perBatch).map { index -> String in
                                let values = (0..<8).map { _ in String(Float.random(in: -1...1, using: &rng)) }.joined(separator: ",")
                                return #"{"id":"w\#(writer)-\#(batch)-\#(index)","values":[\#(values)],"metadata":{"w":\#(writer)}}"#
                            }
                            let answer = try await server.call("POST", "/v1/collections/cc/vectors", #"{"vectors":[\#(items.joined(separator: ","))]}"#)
                            #expect(answer.status == 200 && answer.data?["upserted"]?.number == Double(perBatch))
                            // An acknowledged write is readable at once.
                            let read = try await server.call("GET", "/v1/collections/cc/vectors/w\(writer)-\(batch)-0")
                            #expect(read.status == 200)
                        }
                    }
                }
                for searcher in 0..<4 {
                    group.addTask {
                        for round in 0..<15 {
                            let answer = try await server.call("POST", "/v1/collections/cc/search",
                                #"{"vector":[0,0,0,0,0,0,0,0],"k":10,"filter":{"w":{"$lte":\#(searcher)}}}"#)
                            #expect(answer.status == 200, "round \(round)")
                            let scores = answer.data?["matches"]?.array?.compactMap { $0["score"]?.number } ?? []
                            #expect(scores == scores.sorted(), "euclidean matches are best (smallest) first")
                            #expect(scores.count <= 10)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let count = try await server.call("POST", "/v1/collections/cc/count", "{}")
            #expect(count.data?["count"]?.number == Double(writers * batches * perBatch))
            let perWriter = try await server.call("POST", "/v1/collections/cc/count", #"{"filter":{"w":2}}"#)
            #expect(perWriter.data?["count"]?.number == Double(batches * perBatch))
        }
    }

    /// A restart on the same directory shows every acknowledged write.
    @Test func writesPersistAcrossRestart() async throws {
        let directory = TestServer.temporaryDirectory()
        try await withServer(directory: directory) { server in
            _ = try await server.call("POST", "/v1/collections", #"{"name":"p","dimension":2,"metric":"dot"}"#)
            let put = try await server.call("POST", "/v1/collections/p/vectors", #"{"vectors":[{"id":"a","values":[0.1,0.2],"metadata":{"x":"y"}}]}"#)
            #expect(put.status == 200)
            _ = try await server.call("POST", "/vectors", #"{"id":"d","vector":[1,2,3,4]}"#)
        }
        try await withServer(directory: directory) { server in
            let a = try await server.call("GET", "/v1/collections/p/vectors/a?include_values=true")
            #expect(a.text.contains(#""metadata":{"x":"y"},"values":[0.1,0.2]"#), "\(a.text)")
            #expect(try await server.call("POST", "/v1/collections/default/count", "{}").data?["count"]?.number == 1)
        }
    }
}

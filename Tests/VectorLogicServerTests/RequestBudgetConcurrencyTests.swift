import Testing
import VectorLogicJSON

/// Requests over the time budget (`request-timeout-ms`) stop with 503 `timeout` while others keep being served;
/// small enough to run under ThreadSanitizer with the other concurrency tests.
@Suite struct RequestBudgetConcurrencyTests {
    @Test func requestsOverTheBudgetStopAndTheServerKeepsAnswering() async throws {
        try await withServer(configure: { $0.requestTimeoutMilliseconds = 1 }) { server in
            _ = try await server.call("POST", "/v1/collections", #"{"name":"b","dimension":2,"metric":"euclidean","index":{"type":"flat"}}"#)
            for start in stride(from: 0, to: 3_000, by: 1_000) {
                let items = (start..<start + 1_000).map { #"{"id":"v\#($0)","values":[\#($0 % 10),1],"metadata":{"n":\#($0)}}"# }
                let put = try await server.call("POST", "/v1/collections/b/vectors", #"{"vectors":[\#(items.joined(separator: ","))]}"#)
                #expect(put.status == 200)
            }
            let filter = #"{"$or":["# + (1..<1_024).map { #"{"n":-\#($0)}"# }.joined(separator: ",") + "]}"
            let requests: [(String, String)] = [
                ("/v1/collections/b/count", #"{"filter":\#(filter)}"#),
                ("/v1/collections/b/search", #"{"vector":[1,1],"k":10,"filter":\#(filter)}"#),
                ("/v1/collections/b/scroll", #"{"limit":100,"filter":\#(filter)}"#),
                ("/v1/collections/b/vectors/delete", #"{"filter":\#(filter)}"#),
            ]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (path, body) in requests {
                    group.addTask {
                        let answer = try await server.call("POST", path, body)
                        #expect(answer.status == 503 && answer.errorCode == "timeout", "\(path): \(answer.text.prefix(300))")
                        #expect(answer["details"]?["limit"]?.string == "request_timeout_ms")
                        #expect(answer.isCleanErrorEnvelope)
                    }
                }
                group.addTask {
                    let health = try await server.call("GET", "/health")
                    #expect(health.status == 200)
                }
                try await group.waitForAll()
            }
            // Nothing was deleted, and cheap requests still answer.
            let count = try await server.call("POST", "/v1/collections/b/count", "{}")
            #expect(count.data?["count"]?.number == 3_000)
            let read = try await server.call("GET", "/v1/collections/b/vectors/v7")
            #expect(read.status == 200)
        }
    }
}

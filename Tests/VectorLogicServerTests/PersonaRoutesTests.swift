import Testing
import VectorLogicJSON
import VectorLogicServer

/// The persona and memory routes over real HTTP on 127.0.0.1, under both the short paths and `/v1`.
@Suite struct PersonaRoutesTests {
    /// Creates a persona and returns its id.
    static func createPersona(_ server: TestServer, _ body: String = #"{"name":"Ada","system_prompt":"Be brief."}"#,
                              prefix: String = "") async throws -> String {
        let created = try await server.call("POST", "\(prefix)/personas", body)
        #expect(created.status == 201, "\(created.text)")
        return try #require(created.data?["id"]?.string)
    }

    /// The original design's client sends camelCase fields, and `parameters` nested; each lands in its setting, and a
    /// misspelt one is a 400 naming it (before, both were dropped silently and the persona got the defaults).
    @Test(arguments: ["", "/v1"]) func originalDesignCamelCaseFields(prefix: String) async throws {
        try await withServer { server in
            let body = #"{"name":"Ada","systemPrompt":"Be brief.","maxMemorySize":50,"memoryDecayTime":3600000,"#
                + #""parameters":{"temperature":0.2,"maxTokens":512},"isActive":false}"#
            let created = try await server.call("POST", "\(prefix)/personas", body)
            #expect(created.status == 201, "\(created.text)")
            let persona = try #require(created.data)
            #expect(persona["system_prompt"]?.string == "Be brief." && persona["max_memory_size"]?.number == 50)
            #expect(persona["memory_decay_ms"]?.number == 3_600_000 && persona["temperature"]?.number == 0.2)
            #expect(persona["max_tokens"]?.number == 512 && persona["is_active"] == .bool(false))
            let id = try #require(persona["id"]?.string)
            let updated = try await server.call("PUT", "\(prefix)/personas/\(id)", #"{"maxTokens":64,"temperature":1.1}"#)
            #expect(updated.data?["max_tokens"]?.number == 64 && updated.data?["temperature"]?.number == 1.1)
            for (bad, named) in [(#"{"maxMemorySise":5}"#, "maxMemorySise"), (#"{"parameters":{"topP":1}}"#, "parameters.topP")] {
                let refused = try await server.call("PUT", "\(prefix)/personas/\(id)", bad)
                #expect(refused.status == 400 && refused.text.contains("unknown field \(named)"), "\(refused.text)")
            }
            #expect(try await server.call("GET", "\(prefix)/personas/\(id)").data?["max_tokens"]?.number == 64, "a refused PUT changes nothing")
        }
    }

    /// Persona CRUD with the documented defaults, PUT merging, and delete answering 404 afterwards.
    @Test(arguments: ["", "/v1"]) func personaLifecycle(prefix: String) async throws {
        try await withServer { server in
            let refused = try await server.call("POST", "\(prefix)/personas", #"{"name":"Ada","unknown_field":[1,2]}"#)
            #expect(refused.status == 400 && refused.text.contains("unknown field unknown_field"), "\(refused.text)")
            #expect(try await server.call("GET", "\(prefix)/personas").data?.array?.isEmpty == true, "nothing was stored")
            let created = try await server.call("POST", "\(prefix)/personas", #"{"name":"Ada"}"#)
            #expect(created.status == 201 && created["status"] == .string("success"))
            let persona = try #require(created.data)
            let id = try #require(persona["id"]?.string)
            #expect(id.count == 36)
            #expect(persona["system_prompt"]?.string == "" && persona["max_memory_size"]?.number == 1_000)
            #expect(persona["memory_decay_ms"]?.number == 604_800_000 && persona["temperature"]?.number == 0.7)
            #expect(persona["max_tokens"]?.number == 2_048 && persona["is_active"] == .bool(true))
            #expect(persona["created_at"]?.number != nil && persona["memory_count"]?.number == 0)
            let got = try await server.call("GET", "\(prefix)/personas/\(id)")
            #expect(got.status == 200 && got.data == persona)
            let updated = try await server.call("PUT", "\(prefix)/personas/\(id)", #"{"temperature":1.5,"is_active":false}"#)
            #expect(updated.status == 200)
            #expect(updated.data?["temperature"]?.number == 1.5 && updated.data?["is_active"] == .bool(false))
            #expect(updated.data?["name"]?.string == "Ada", "PUT keeps the fields it does not name")
            let list = try await server.call("GET", "\(prefix)/personas")
            #expect(list.data?.array?.compactMap { $0["id"]?.string } == [id] && list["meta"]?["count"]?.number == 1)
            let deleted = try await server.call("DELETE", "\(prefix)/personas/\(id)")
            #expect(deleted.status == 200 && deleted.data?["deleted"] == .bool(true))
            for (method, path) in [("GET", "/personas/\(id)"), ("DELETE", "/personas/\(id)"), ("GET", "/personas/\(id)/memories")] {
                let missing = try await server.call(method, prefix + path)
                #expect(missing.status == 404 && missing.errorCode == "not_found" && missing.isCleanErrorEnvelope)
            }
            let put = try await server.call("PUT", "\(prefix)/personas/\(id)", #"{"name":"x"}"#)
            #expect(put.status == 404)
        }
    }

    /// Every kind of bad persona body is a clean 400 (or 413/415) and creates nothing.
    @Test func badPersonaBodiesAreRejected() async throws {
        try await withServer { server in
            let bodies = [
                "{", "[]", #"{"system_prompt":"no name"}"#, #"{"name":""}"#, #"{"name":5}"#,
                #"{"name":"a","temperature":NaN}"#, #"{"name":"a","temperature":"hot"}"#, #"{"name":"a","temperature":2.1}"#,
                #"{"name":"a","max_memory_size":0}"#, #"{"name":"a","max_memory_size":1.5}"#, #"{"name":"a","max_tokens":0}"#,
                #"{"name":"a","memory_decay_ms":-1}"#, #"{"name":"a","is_active":"yes"}"#, "",
            ]
            for body in bodies {
                let answer = try await server.call("POST", "/personas", body)
                #expect(answer.status == 400 && answer.errorCode == "invalid_request" && answer.isCleanErrorEnvelope, "\(body): \(answer.text)")
            }
            let media = try await server.call("POST", "/personas", #"{"name":"a"}"#, contentType: "text/plain")
            #expect(media.status == 415 && media.errorCode == "unsupported_media_type")
            let id = try await Self.createPersona(server)
            let badPut = try await server.call("PUT", "/personas/\(id)", #"{"max_tokens":2000000}"#)
            #expect(badPut.status == 400)
            #expect(try await server.call("GET", "/personas/\(id)").data?["max_tokens"]?.number == 2_048)
            #expect(try await server.call("GET", "/personas").data?.array?.count == 1)
        }
    }

    /// Memories: add (201), list newest first with cursors to the end, search by cosine, delete, and the size cap.
    @Test(arguments: ["", "/v1"]) func memoryLifecycle(prefix: String) async throws {
        try await withServer { server in
            let id = try await Self.createPersona(server, #"{"name":"M","max_memory_size":4}"#, prefix: prefix)
            var memoryIDs: [String] = []
            for index in 0..<5 {
                let vector = index == 4 ? "[1,0,0]" : "[0,\(index + 1),1]"
                let added = try await server.call("POST", "\(prefix)/personas/\(id)/memories",
                    #"{"content":"memory \#(index)","context":{"type":"conversation","turn":\#(index)},"vector":\#(vector)}"#)
                #expect(added.status == 201, "\(added.text)")
                #expect(added.data?["timestamp"]?.number != nil && added.data?["dimension"]?.number == 3)
                #expect(added.data?["context"]?["turn"]?.number == Double(index))
                memoryIDs.append(try #require(added.data?["id"]?.string))
            }
            // The cap of 4 removed the oldest.
            var seen: [String] = []
            var cursor: String?
            for _ in 0..<5 {
                let query = cursor.map { "?limit=3&cursor=\($0)" } ?? "?limit=3"
                let page = try await server.call("GET", "\(prefix)/personas/\(id)/memories\(query)")
                #expect(page.status == 200)
                seen += page.data?["memories"]?.array?.compactMap { $0["id"]?.string } ?? []
                cursor = page.data?["next_cursor"]?.string
                if cursor == nil { #expect(page.data?["next_cursor"] == .null); break }
            }
            #expect(seen == memoryIDs.reversed().prefix(4).map { $0 })
            let search = try await server.call("POST", "\(prefix)/personas/\(id)/memories/search",
                                               #"{"vector":[1,0.05,0],"limit":2,"threshold":0.5}"#)
            #expect(search.status == 200)
            let matches = try #require(search.data?["matches"]?.array)
            #expect(matches.count == 1 && matches.first?["id"]?.string == memoryIDs[4])
            #expect(matches.first?["content"]?.string == "memory 4" && (matches.first?["score"]?.number ?? 0) > 0.99)
            #expect(matches.first?["context"]?["type"]?.string == "conversation" && matches.first?["timestamp"]?.number != nil)
            let wide = try await server.call("POST", "\(prefix)/personas/\(id)/memories/search", #"{"vector":[0,1,1],"threshold":-1}"#)
            #expect(wide.data?["matches"]?.array?.count == 4 && wide["meta"]?["limit"]?.number == 5)
            let deleted = try await server.call("DELETE", "\(prefix)/personas/\(id)/memories/\(memoryIDs[4])")
            #expect(deleted.status == 200)
            let again = try await server.call("DELETE", "\(prefix)/personas/\(id)/memories/\(memoryIDs[4])")
            #expect(again.status == 404 && again.errorCode == "not_found")
            #expect(try await server.call("GET", "\(prefix)/personas/\(id)").data?["memory_count"]?.number == 3)
        }
    }

    /// Memory and search errors: types, NaN, missing content, dimension mismatch, text query without a provider, 404s.
    @Test func memoryErrors() async throws {
        try await withServer { server in
            let id = try await Self.createPersona(server)
            _ = try await server.call("POST", "/personas/\(id)/memories", #"{"content":"c","vector":[1,2]}"#)
            let cases: [(String, String, String, Int, String)] = [
                ("POST", "/memories", #"{"context":{}}"#, 400, "invalid_request"),
                ("POST", "/memories", #"{"content":""}"#, 400, "invalid_request"),
                ("POST", "/memories", #"{"content":7}"#, 400, "invalid_request"),
                ("POST", "/memories", #"{"content":"c","context":"text"}"#, 400, "invalid_request"),
                ("POST", "/memories", #"{"content":"c","vector":[1,NaN]}"#, 400, "invalid_request"),
                ("POST", "/memories", #"{"content":"c","vector":["a",1]}"#, 400, "invalid_request"),
                ("POST", "/memories", #"{"content":"c","vector":[]}"#, 400, "invalid_request"),
                ("POST", "/memories", #"{"content":"c","vector":[1,2,3]}"#, 400, "dimension_mismatch"),
                // No vector and no embedding provider: refused, never a memory no search can find (count stays 1 below).
                ("POST", "/memories", #"{"content":"c"}"#, 400, "embedding_unavailable"),
                ("POST", "/memories/search", #"{"query":"tea"}"#, 400, "invalid_request"),
                ("POST", "/memories/search", #"{}"#, 400, "invalid_request"),
                ("POST", "/memories/search", #"{"vector":[1,2],"limit":0}"#, 400, "invalid_request"),
                ("POST", "/memories/search", #"{"vector":[1,2],"limit":1001}"#, 400, "invalid_request"),
                ("POST", "/memories/search", #"{"vector":[1,2,3]}"#, 400, "dimension_mismatch"),
                ("GET", "/memories/search?query=tea", "", 400, "invalid_request"),
                ("GET", "/memories?limit=abc", "", 400, "invalid_request"),
                ("GET", "/memories?cursor=zzz", "", 400, "invalid_request"),
                ("DELETE", "/memories/nope", "", 404, "not_found"),
            ]
            for (method, suffix, body, status, code) in cases {
                let answer = try await server.call(method, "/personas/\(id)\(suffix)", body.isEmpty ? nil : body)
                #expect(answer.status == status && answer.errorCode == code && answer.isCleanErrorEnvelope,
                        "\(method) \(suffix) \(body): \(answer.text)")
            }
            let provider = try await server.call("GET", "/personas/\(id)/memories/search?query=tea")
            #expect(provider["message"]?.string?.contains("embedding provider") == true)
            #expect(try await server.call("GET", "/personas/\(id)").data?["memory_count"]?.number == 1)
            let unknown = try await server.call("POST", "/personas/nope/memories", #"{"content":"c","vector":[1,2]}"#)
            #expect(unknown.status == 404 && unknown.errorCode == "not_found")
            let unknownSearch = try await server.call("POST", "/personas/nope/memories/search", #"{"vector":[1]}"#)
            #expect(unknownSearch.status == 404)
        }
    }

    /// Personas and memories survive a server restart on the same data directory.
    @Test func personasSurviveARestart() async throws {
        let directory = TestServer.temporaryDirectory()
        var personaID = ""
        try await withServer(directory: directory) { server in
            personaID = try await Self.createPersona(server)
            let added = try await server.call("POST", "/personas/\(personaID)/memories", #"{"content":"kept","vector":[0.5,0.5]}"#)
            #expect(added.status == 201)
        }
        try await withServer(directory: directory) { server in
            #expect(try await server.call("GET", "/personas/\(personaID)").data?["name"]?.string == "Ada")
            let page = try await server.call("GET", "/personas/\(personaID)/memories")
            #expect(page.data?["memories"]?[0]?["content"]?.string == "kept")
            let search = try await server.call("POST", "/personas/\(personaID)/memories/search", #"{"vector":[1,1]}"#)
            #expect(search.data?["matches"]?.array?.count == 1)
        }
    }

    /// The decay job started with the server removes memories older than the persona's decay time.
    @Test func decayJobRemovesOldMemories() async throws {
        try await withServer(configure: { $0.personaDecayIntervalMilliseconds = 20 }) { server in
            let shortLived = try await Self.createPersona(server, #"{"name":"short","memory_decay_ms":1}"#)
            let longLived = try await Self.createPersona(server, #"{"name":"long"}"#)
            _ = try await server.call("POST", "/personas/\(shortLived)/memories", #"{"content":"fleeting","vector":[1,0]}"#)
            _ = try await server.call("POST", "/personas/\(longLived)/memories", #"{"content":"lasting","vector":[1,0]}"#)
            var remaining = 1.0
            for _ in 0..<200 where remaining > 0 {
                try await Task.sleep(for: .milliseconds(10))
                remaining = try await server.call("GET", "/personas/\(shortLived)").data?["memory_count"]?.number ?? -1
            }
            #expect(remaining == 0)
            #expect(try await server.call("GET", "/personas/\(longLived)").data?["memory_count"]?.number == 1)
            // The sweep that removed it logged one line with the count and its duration.
            let sweep = server.logs.all.first { $0.contains(#""msg":"persona decay sweep""#) && $0.contains(#""removed":1"#) }
            #expect(sweep?.contains(#""duration_ms":"#) == true, "\(server.logs.all.filter { $0.contains("decay") })")
        }
    }
}

/// `--persona-decay-interval-ms` and `VECTORLOGIC_PERSONA_DECAY_INTERVAL_MS` set the decay job's interval; bad values are refused.
@Suite struct PersonaConfigurationTests {
    @Test func decayIntervalResolvesFromFlagThenEnvironment() throws {
        #expect(try ServerConfiguration.resolve(arguments: [], environment: [:]).personaDecayIntervalMilliseconds == 60_000)
        let fromEnvironment = try ServerConfiguration.resolve(arguments: [],
                                                              environment: ["VECTORLOGIC_PERSONA_DECAY_INTERVAL_MS": "250"])
        #expect(fromEnvironment.personaDecayIntervalMilliseconds == 250)
        #expect(try ServerConfiguration.resolve(arguments: ["--persona-decay-interval-ms", "500"], environment: ["VECTORLOGIC_PERSONA_DECAY_INTERVAL_MS": "250"])
            .personaDecayIntervalMilliseconds == 500)
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(arguments: [], environment: ["VECTORLOGIC_PERSONA_DECAY_INTERVAL_MS": "0"])
        }
    }
}

/// Persona-store errors become the contract's answers; storage trouble is 503 `unavailable`, never a 500.
@Suite struct PersonaErrorMappingTests {
    @Test func storeErrorsMapToContractStatuses() async throws {
        try await withServer { server in
            let id = try await PersonaRoutesTests.createPersona(server)
            server.personas.close()  // every later call fails as the store would after losing its file
            let answer = try await server.call("POST", "/personas/\(id)/memories", #"{"content":"c","vector":[1,0]}"#)
            #expect(answer.status == 503 && answer.errorCode == "unavailable" && answer.isCleanErrorEnvelope, "\(answer.text)")
            #expect(try await server.call("GET", "/personas").status == 503)
        }
    }
}

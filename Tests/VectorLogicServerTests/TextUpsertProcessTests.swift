import Foundation
import Testing
import VectorLogicEmbedding
import VectorLogicJSON
import VectorLogicPersonas

/// Upserts by `text` against a real `vectorlogic serve`: the server embeds the texts, keeps each as the item's
/// document (answered with `include_document` on get, search and scroll), and writes nothing when the text cannot be
/// embedded or its vectors do not fit the collection.
@Suite(.serialized) struct TextUpsertProcessTests {
    typealias Server = EmbeddingProviderProcessTests

    static func json(_ value: JSONValue) -> String { String(decoding: JSONWriter.bytes(value), as: UTF8.self) }

    static func count(_ port: Int, _ collection: String) async throws -> Int? {
        let answer = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/\(collection)/count", json: "{}")
        guard case .number(let count)? = answer["data"]?["count"] else { return nil }
        return Int(count)
    }

    static func floats(_ value: JSONValue?) -> [Float] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { if case .number(let v) = $0 { return Float(v) } else { return nil } }
    }

    /// Text in on `/v1` and on the short routes, documents out on get, search (POST and GET) and scroll; the stored
    /// vector is the local model's embedding of the text; the reserved key never shows in `metadata`.
    @Test func textUpsertsAreEmbeddedAndKeptAsDocuments() async throws {
        let (served, port, dir) = try Server.start(["--embedding-provider", "local", "--embedding-threads", "2",
                                                    "--default-dimension", "384"])
        defer { Task { await Server.stop(served, dir) } }
        let made = try await HTTPTestClient.request(port: port, "POST", "/v1/collections", json: #"{"name":"docs","dimension":384}"#)
        #expect(made.status == 201, "\(made.text)")
        let texts = ["The cat sleeps on the warm windowsill.", "Quarterly revenue grew by twelve percent.",
                     "A recipe for sourdough bread with a long fermentation."]
        let upsert = #"{"vectors":[{"id":"cat","text":"\#(texts[0])","metadata":{"kind":"pet"}},"#
            + #"{"id":"money","text":"\#(texts[1])"},{"id":"bread","text":"\#(texts[2])","metadata":{}},"#
            + #"{"id":"plain","values":[\#(Array(repeating: "0.05", count: 384).joined(separator: ","))]}]}"#
        let stored = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/docs/vectors", json: upsert)
        #expect(stored.status == 200, "\(stored.text)")
        #expect(stored["data"]?["upserted"] == .number(4), "\(stored.text)")

        let reference = try MiniLMEmbedder(directory: EmbeddingTestModel.directory, verifyChecksum: false).embed(texts)
        let cat = try await HTTPTestClient.request(port: port, "GET", "/v1/collections/docs/vectors/cat?include_document=true&include_values=true")
        #expect(cat.status == 200, "\(cat.text)")
        #expect(cat["data"]?["document"] == .string(texts[0]), "\(cat.text.prefix(300))")
        #expect(cat["data"]?["metadata"].map(Self.json) == #"{"kind":"pet"}"#, "\(cat.text.prefix(300))")
        #expect(Server.cosine(Self.floats(cat["data"]?["values"]), reference[0]) > 0.999_999)
        let plainGet = try await HTTPTestClient.request(port: port, "GET", "/v1/collections/docs/vectors/money")
        #expect(plainGet["data"]?["document"] == nil && plainGet["data"]?["metadata"] == .null, "\(plainGet.text)")
        let noText = try await HTTPTestClient.request(port: port, "GET", "/v1/collections/docs/vectors/plain?include_document=true")
        #expect(noText["data"]?["document"] == .null, "\(noText.text)")

        let search = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/docs/search",
            json: #"{"query":"how do I bake bread at home","k":2,"include_document":true}"#)
        let first = search["data"]?["matches"]?[0]
        #expect(first?["id"] == .string("bread") && first?["document"] == .string(texts[2]), "\(search.text.prefix(400))")
        #expect(first?["metadata"] == .null, "\(search.text.prefix(400))")
        let scroll = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/docs/scroll", json: #"{"include_document":true}"#)
        guard case .array(let rows)? = scroll["data"]?["vectors"] else {
            Issue.record("scroll: \(scroll.text.prefix(300))")
            return
        }
        var documents: [String: JSONValue] = [:]
        for row in rows { if case .string(let id)? = row["id"] { documents[id] = row["document"] } }
        #expect(documents == ["cat": .string(texts[0]), "money": .string(texts[1]), "bread": .string(texts[2]), "plain": .null],
                "\(scroll.text.prefix(600))")
        // The reserved key is invisible to filters: a filter on the client's metadata still matches.
        let filtered = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/docs/count", json: #"{"filter":{"kind":"pet"}}"#)
        #expect(filtered["data"]?["count"] == .number(1), "\(filtered.text)")

        // The short routes on the default collection (384 here): one bare item, a batch, a PUT, then GET search.
        let single = try await HTTPTestClient.request(port: port, "POST", "/vectors", json: #"{"id":"s1","text":"\#(texts[0])"}"#)
        let batch = try await HTTPTestClient.request(port: port, "POST", "/vectors/batch",
                                                     json: #"{"vectors":[{"id":"s2","text":"\#(texts[1])"}],"extra":1}"#)
        let put = try await HTTPTestClient.request(port: port, "PUT", "/vectors/s3", json: #"{"text":"\#(texts[2])"}"#)
        for answer in [single, batch, put] { #expect(answer.status == 200, "\(answer.text)") }
        let shortSearch = try await HTTPTestClient.request(port: port, "GET",
            "/vectors/search?query=sourdough%20baking&limit=1&threshold=0.1&include_document=true")
        #expect(shortSearch["data"]?["matches"]?[0]?["id"] == .string("s3"), "\(shortSearch.text.prefix(300))")
        #expect(shortSearch["data"]?["matches"]?[0]?["document"] == .string(texts[2]), "\(shortSearch.text.prefix(300))")

        // Refused, nothing written: the reserved key in metadata, both values and text, an empty text.
        let before = try await Self.count(port, "docs")
        for (body, needle) in [
            (#"{"vectors":[{"id":"x1","text":"hi","metadata":{"$document":"forged"}}]}"#, "$document"),
            (#"{"vectors":[{"id":"x2","text":"hi","values":[\#(Array(repeating: "0.1", count: 384).joined(separator: ","))]}]}"#, "not both"),
            (#"{"vectors":[{"id":"x3","text":"ok"},{"id":"x4","text":""}]}"#, "empty"),
        ] {
            let refused = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/docs/vectors", json: body)
            #expect(refused.status == 400 && refused.text.contains(needle), "\(refused.text)")
        }
        let patch = try await HTTPTestClient.request(port: port, "PATCH", "/v1/collections/docs/vectors/cat", json: #"{"metadata":{"$document":"x"}}"#)
        #expect(patch.status == 400, "\(patch.text)")
        let patched = try await HTTPTestClient.request(port: port, "PATCH", "/v1/collections/docs/vectors/cat", json: #"{"metadata":{"age":3}}"#)
        #expect(patched.status == 200, "\(patched.text)")
        let afterPatch = try await HTTPTestClient.request(port: port, "GET", "/v1/collections/docs/vectors/cat?include_document=true")
        #expect(afterPatch["data"]?["document"] == .string(texts[0]), "a PATCH keeps the document: \(afterPatch.text)")
        #expect(afterPatch["data"]?["metadata"].map(Self.json) == #"{"kind":"pet","age":3}"#, "\(afterPatch.text)")
        #expect(try await Self.count(port, "docs") == before)
    }

    /// The provider's width differs from the collection's: 400 naming both, nothing written (also on a short route).
    @Test func dimensionMismatchIsRefusedBeforeAnythingIsWritten() async throws {
        let (served, port, dir) = try Server.start(["--embedding-provider", "local", "--embedding-threads", "2"])
        defer { Task { await Server.stop(served, dir) } }
        _ = try await HTTPTestClient.request(port: port, "POST", "/v1/collections", json: #"{"name":"small","dimension":3}"#)
        let refused = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/small/vectors",
            json: #"{"vectors":[{"id":"a","values":[1,0,0]},{"id":"b","text":"hello"}]}"#)
        #expect(refused.status == 400 && refused["error"] == .string("dimension_mismatch"), "\(refused.text)")
        #expect(refused.text.contains("3") && refused.text.contains("384"), "\(refused.text)")
        #expect(try await Self.count(port, "small") == 0)
        // The default collection of these test servers has dimension 4.
        let short = try await HTTPTestClient.request(port: port, "POST", "/vectors", json: #"{"id":"c","text":"hello"}"#)
        #expect(short.status == 400 && short["error"] == .string("dimension_mismatch"), "\(short.text)")
        #expect(try await Self.count(port, "default") == 0)
    }

    /// No provider: 400 `embedding_unavailable`; a provider that cannot be reached: 503; nothing written either way.
    @Test func textWritesWithoutAWorkingProviderWriteNothing() async throws {
        for (arguments, status, code) in [
            (["--embedding-provider", "none"], 400, "embedding_unavailable"),
            // Port 1 (tcpmux): privileged and unused, so a connection is refused at once.
            (["--embedding-provider", "openai", "--openai-base-url", "http://127.0.0.1:1/v1", "--openai-timeout-ms", "1000"],
             503, "embedding_provider_unreachable"),
        ] {
            let (served, port, dir) = try Server.start(arguments)
            _ = try await HTTPTestClient.request(port: port, "POST", "/v1/collections", json: #"{"name":"docs","dimension":3}"#)
            let answer = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/docs/vectors",
                json: #"{"vectors":[{"id":"a","values":[1,0,0]},{"id":"b","text":"hello"}]}"#)
            let stored = try await Self.count(port, "docs")
            await Server.stop(served, dir)
            #expect(answer.status == status && answer["error"] == .string(code), "\(arguments): \(answer.text)")
            #expect(stored == 0, "\(arguments)")
        }
    }

    /// Two runs over one data directory. Run 1 has no provider: a memory by content alone is refused (400
    /// `embedding_unavailable`, nothing stored). Between the runs the store gets three memories without vectors, as a
    /// server from before this rule stored them. Run 2 has the local model: they are embedded at start (logged), and a
    /// text query finds the right one first.
    @Test func memoriesWithoutVectorsAreRefusedThenBackfilledAtStart() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vl-backfill-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func start(_ arguments: [String]) throws -> (ServeProcessTests.Served, Int) {
            let served = try ServeProcessTests.Served(directory: dir, arguments: arguments)
            _ = served.readFirstLine()
            guard let port = served.port() else { throw HTTPClientError(description: "server did not start: \(served.firstLine)") }
            return (served, port)
        }
        func stop(_ served: ServeProcessTests.Served) async {
            served.process.terminate()
            _ = await ServeProcessTests.wait(served.process, seconds: 20)
        }

        let (first, port1) = try start(["--embedding-provider", "none"])
        let created = try await HTTPTestClient.request(port: port1, "POST", "/personas", json: #"{"name":"Helper","maxMemorySize":50}"#)
        let refused = try await HTTPTestClient.request(port: port1, "POST", "/personas/\(created["data"]?["id"]?.string ?? "")/memories",
                                                       json: #"{"content":"The user's dog is called Rex."}"#)
        let afterRefusal = try await HTTPTestClient.request(port: port1, "GET", "/personas/\(created["data"]?["id"]?.string ?? "")")
        await stop(first)
        let persona = try #require(created["data"]?["id"]?.string, "\(created.text)")
        #expect(refused.status == 400 && refused["error"] == .string("embedding_unavailable"), "\(refused.text)")
        #expect(afterRefusal["data"]?["memory_count"] == .number(0), "\(afterRefusal.text)")

        let contents = ["The user's dog is called Rex and loves the beach.", "The user works as a nurse on night shifts.",
                        "The user prefers tea over coffee in the morning."]
        do {
            let store = try PersonaStore(dataDirectory: dir)
            for (index, content) in contents.enumerated() {
                _ = try store.addMemory(id: "00000000-0000-4000-8000-00000000000\(index)", to: persona, NewMemory(content: content))
            }
            #expect(try store.memoriesWithoutVectors(after: 0, limit: 10).count == 3)
            store.close()
        }

        let (second, port2) = try start(["--embedding-provider", "local", "--embedding-threads", "2"])
        var dimensions: [JSONValue] = []
        for _ in 0..<300 {
            let page = try await HTTPTestClient.request(port: port2, "GET", "/personas/\(persona)/memories")
            dimensions = (page["data"]?["memories"]?.array ?? []).compactMap { $0["dimension"] }
            if dimensions.count == 3, dimensions.allSatisfy({ $0 == .number(384) }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let search = try await HTTPTestClient.request(port: port2, "GET",
            "/personas/\(persona)/memories/search?query=what%20is%20the%20name%20of%20my%20pet&limit=1&threshold=0.1")
        await stop(second)
        let logs = String(decoding: second.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            + String(decoding: second.stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(dimensions == Array(repeating: .number(384), count: 3), "\(dimensions)")
        #expect(search["data"]?["matches"]?[0]?["content"] == .string(contents[0]), "\(search.text)")
        #expect(logs.contains("persona memories embedded"), "\(logs.suffix(2000))")
    }

    /// Bad text input over HTTP: empty texts and non-UTF-8 bodies are 400s that write nothing; a 1 MB text is embedded
    /// from its first 256 tokens (same vector as a prefix of it), not refused, by `/v1/embeddings` and a text query, but
    /// as a document it is over the 64 KiB it is stored in (400 naming the limit); more than 2,048 texts in one request
    /// is a 400 naming the limit, 2,048 short ones are stored.
    @Test func badTextInputIsRefusedOrBounded() async throws {
        let (served, port, dir) = try Server.start(["--embedding-provider", "local", "--embedding-threads", "2",
                                                    "--default-dimension", "384"])
        defer { Task { await Server.stop(served, dir) } }
        _ = try await HTTPTestClient.request(port: port, "POST", "/v1/collections", json: #"{"name":"docs","dimension":384}"#)

        for (path, body) in [("/v1/embeddings", #"{"input":["ok",""]}"#), ("/v1/collections/docs/search", #"{"query":""}"#),
                             ("/vectors", #"{"id":"e","text":""}"#)] {
            let answer = try await HTTPTestClient.request(port: port, "POST", path, json: body)
            #expect(answer.status == 400 && answer.text.contains("empty"), "\(path): \(answer.text)")
        }
        let invalidUTF8 = Array(#"{"vectors":[{"id":"u","text":""#.utf8) + [0xFF, 0xFE, 0x41] + Array(#""}]}"#.utf8)
        for path in ["/v1/collections/docs/vectors", "/vectors/batch"] {
            let answer = try await HTTPTestClient.request(port: port, "POST", path, body: invalidUTF8)
            #expect(answer.status == 400 && answer.text.contains("UTF-8"), "\(path): \(answer.text)")
        }
        let invalidInput = Array(#"{"input":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let refusedInput = try await HTTPTestClient.request(port: port, "POST", "/v1/embeddings", body: invalidInput)
        #expect(refusedInput.status == 400, "\(refusedInput.text)")

        // 1 MB of words: truncated to the model's 256 tokens, so its vector is that of its first 300 words.
        let words = (0..<200_000).map { ["apt", "package", "manager", "debian", "library"][$0 % 5] }
        let huge = words.joined(separator: " ")
        #expect(huge.utf8.count > 1_000_000)
        let prefix = words.prefix(300).joined(separator: " ")
        let pair = try await HTTPTestClient.request(port: port, "POST", "/v1/embeddings",
            json: Self.json(.object(JSONObject([("input", .array([.string(huge), .string(prefix)]))]))))
        #expect(pair.status == 200, "\(pair.text.prefix(300))")
        let vectors = Server.vectors(pair)
        #expect(vectors.count == 2 && Server.cosine(vectors[0], vectors[1]) > 0.999_999, "a 1 MB text is embedded from its first tokens")
        let hugeQuery = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/docs/search",
            json: Self.json(.object(JSONObject([("query", .string(huge)), ("k", .number(1))]))))
        #expect(hugeQuery.status == 200, "\(hugeQuery.text.prefix(300))")
        let hugeDocument = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/docs/vectors",
            json: Self.json(.object(JSONObject([("vectors", .array([.object(JSONObject([("id", .string("h")), ("text", .string(huge))]))]))]))))
        #expect(hugeDocument.status == 400 && hugeDocument["details"]?["limit"] == .string("max_metadata_bytes"), "\(hugeDocument.text.prefix(300))")

        // 10,000 texts: refused at once, naming the limit; 2,048 (the limit) short ones are embedded and stored.
        func items(_ count: Int) -> String {
            Self.json(.object(JSONObject([("vectors", .array((0..<count).map { .object(JSONObject([("id", .string("t\($0)")), ("text", .string("text \($0)"))])) }))])))
        }
        for (path, body) in [("/v1/collections/docs/vectors", items(10_000)),
                             ("/v1/embeddings", Self.json(.object(JSONObject([("input", .array((0..<10_000).map { .string("text \($0)") }))]))))] {
            let started = ContinuousClock.now
            let answer = try await HTTPTestClient.request(port: port, "POST", path, json: body)
            #expect(answer.status == 400 && answer["details"]?["limit"] == .string("max_texts")
                    && answer["details"]?["max"] == .number(2_048), "\(path): \(answer.text.prefix(300))")
            #expect(ContinuousClock.now - started < .seconds(5), "refused before any embedding")
        }
        #expect(try await Self.count(port, "docs") == 0)
        let atLimit = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/docs/vectors", json: items(2_048))
        #expect(atLimit.status == 200 && atLimit["data"]?["upserted"] == .number(2_048), "\(atLimit.text.prefix(300))")
    }
}

import Foundation
import Testing
import VectorLogicEmbedding
import VectorLogicJSON

/// `POST /v1/embeddings` of a real `vectorlogic serve` with the local model, and the `openai` provider of a second
/// real server pointed at it (and at a real misbehaving HTTP server): same vectors; down, slow and garbage answers
/// become 503, 504 and 502.
@Suite(.serialized) struct EmbeddingProviderProcessTests {
    /// Starts `serve` with `arguments` in a fresh directory; returns the process and its port.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (ServeProcessTests.Served, Int, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vl-emb-\(UUID().uuidString)").path
        let served = try ServeProcessTests.Served(directory: dir, environment: environment, arguments: arguments)
        _ = served.readFirstLine()
        guard let port = served.port() else {
            let error = String(decoding: served.stderr.fileHandleForReading.availableData, as: UTF8.self)
            throw HTTPClientError(description: "server did not start: \(served.firstLine) \(error)")
        }
        return (served, port, dir)
    }

    static func stop(_ served: ServeProcessTests.Served, _ dir: String) async {
        served.process.terminate()
        _ = await ServeProcessTests.wait(served.process, seconds: 20)
        try? FileManager.default.removeItem(atPath: dir)
    }

    static func vectors(_ result: HTTPResult) -> [[Float]] {
        guard case .array(let data)? = result["data"] else { return [] }
        return data.compactMap { item -> [Float]? in
            guard case .object(let entry) = item, case .array(let values)? = entry["embedding"] else { return nil }
            return values.compactMap { if case .number(let v) = $0 { return Float(v) } else { return nil } }
        }
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            dot += Double(a[i]) * Double(b[i]); na += Double(a[i] * a[i]); nb += Double(b[i] * b[i])
        }
        return dot / (na * nb).squareRoot()
    }

    /// The local server answers OpenAI's shape with the in-process model's vectors; the openai provider of a second
    /// server gets the same vectors through it, and never logs its key.
    @Test func openaiProviderAgainstASecondServer() async throws {
        let texts = ["apt: command-line package manager", "A library for parsing JSON in C", "Crème brûlée"]
        let body = #"{"input":["apt: command-line package manager","A library for parsing JSON in C","Crème brûlée"],"model":"text-embedding-3-small"}"#
        let (local, localPort, localDir) = try Self.start(["--embedding-provider", "local", "--embedding-threads", "2"])
        let secret = "sk-test-\(UUID().uuidString)"
        let (remote, remotePort, remoteDir) = try Self.start(
            ["--embedding-provider", "openai", "--openai-base-url", "http://127.0.0.1:\(localPort)/v1", "--embedding-model", "all-MiniLM-L6-v2"],
            environment: ["OPENAI_API_KEY": secret])
        let direct = try await HTTPTestClient.request(port: localPort, "POST", "/v1/embeddings", json: body)
        let relayed = try await HTTPTestClient.request(port: remotePort, "POST", "/v1/embeddings", json: body)
        await Self.stop(remote, remoteDir)
        await Self.stop(local, localDir)
        #expect(direct.status == 200, "\(direct.text.prefix(300))")
        #expect(relayed.status == 200, "\(relayed.text.prefix(300))")
        #expect(direct["object"] == .string("list") && direct["model"] == .string("all-MiniLM-L6-v2"))
        let reference = try MiniLMEmbedder(directory: EmbeddingTestModel.directory, verifyChecksum: false).embed(texts)
        let viaLocal = Self.vectors(direct), viaRemote = Self.vectors(relayed)
        try #require(viaLocal.count == 3 && viaRemote.count == 3)
        for i in 0..<3 {
            #expect(Self.cosine(viaLocal[i], reference[i]) > 0.999_999)
            #expect(Self.cosine(viaRemote[i], reference[i]) > 0.999_999)
        }
        let logs = String(decoding: remote.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            + String(decoding: remote.stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(!logs.contains(secret), "the key appeared in the logs")
    }

    /// The original design's persona flow with text only: create (camelCase), add memories by content, search by
    /// query with limit and threshold on GET and POST; the relevant memory ranks first.
    @Test func personaMemoriesBySearchText() async throws {
        let (served, port, dir) = try Self.start(["--embedding-provider", "local", "--embedding-threads", "2"])
        defer { Task { await Self.stop(served, dir) } }
        let created = try await HTTPTestClient.request(port: port, "POST", "/personas",
            json: #"{"name":"Helper","maxMemorySize":50,"memoryDecayTime":3600000,"systemPrompt":"You help."}"#)
        #expect(created.status == 201, "\(created.text)")
        guard case .object(let persona)? = created["data"], case .string(let id)? = persona["id"] else {
            Issue.record("no persona id: \(created.text)")
            return
        }
        for content in ["The user's dog is called Rex and loves the beach.", "The user works as a nurse on night shifts.",
                        "The user prefers tea over coffee in the morning."] {
            let added = try await HTTPTestClient.request(port: port, "POST", "/personas/\(id)/memories",
                                                         json: #"{"content":"\#(content)","context":{"type":"conversation"}}"#)
            #expect(added.status == 201, "\(added.text)")
        }
        let get = try await HTTPTestClient.request(port: port, "GET", "/personas/\(id)/memories/search?query=what%20is%20the%20name%20of%20my%20pet&limit=2&threshold=0.1")
        let post = try await HTTPTestClient.request(port: port, "POST", "/personas/\(id)/memories/search",
                                                    json: #"{"query":"which drink do I like in the morning","limit":1,"threshold":0.1}"#)
        for (answer, expected) in [(get, "Rex"), (post, "tea")] {
            #expect(answer.status == 200, "\(answer.text)")
            guard case .object(let data)? = answer["data"], case .array(let matches)? = data["matches"],
                  case .object(let first)? = matches.first else {
                Issue.record("no matches: \(answer.text)")
                continue
            }
            #expect(JSONWriter.string(.object(first)).contains(expected), "\(answer.text)")
        }
    }

    /// Text in, text out over HTTP: the first 500 minilm-debian base texts upserted as `text` (embedded by the
    /// server), 100 of the dataset's query texts sent as `query`; recall@10 against the exact top-10 computed from the
    /// dataset's own sentence-transformers vectors (query.fvecs over those 500 rows of base.fvecs) is ≥ 0.95.
    /// (500 rows, not more: 1,000 took 341 s on this 2-core machine at load average 12, where each long text costs
    /// ~0.3 s of the local model; measured recall then: 0.997.)
    @Test func textUpsertAndTextQueryFindTheReferenceNeighbours() async throws {
        guard let dataset = ProcessInfo.processInfo.environment["VECTORLOGIC_DATASET_DIR"], !dataset.isEmpty else {
            throw HTTPClientError(description: "VECTORLOGIC_DATASET_DIR is not set: run tools/test")
        }
        let rows = 500, queries = 100
        let base = try Self.fvecs(dataset + "/base.fvecs", count: rows)
        let queryVectors = try Self.fvecs(dataset + "/query.fvecs", count: queries)
        let queryTexts = try Self.texts(dataset + "/query.texts.jsonl", count: queries)
        let baseTexts = try Self.texts(dataset + "/base.texts.jsonl", count: rows)
        try #require(queryTexts.count == queries && baseTexts.count == rows && base.count == rows)
        let (served, port, dir) = try Self.start(["--embedding-provider", "local", "--embedding-threads", "2"])
        defer { Task { await Self.stop(served, dir) } }
        let made = try await HTTPTestClient.request(port: port, "POST", "/v1/collections", json: #"{"name":"docs","dimension":384,"metric":"cosine"}"#)
        #expect(made.status == 201, "\(made.text)")
        // Batches of 50 texts: at ~0.3 s a long text on the loaded machine (load average 20), one request stays well
        // inside the test client's 60 s socket timeout (200 per request did not).
        for start in stride(from: 0, to: rows, by: 50) {
            let items = (start..<min(rows, start + 50)).map { row in
                JSONValue.object(JSONObject([("id", .string("r\(row)")), ("text", .string(baseTexts[row]))]))
            }
            let upsert = String(decoding: JSONWriter.bytes(.object(JSONObject([("vectors", .array(items))]))), as: UTF8.self)
            let stored = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/docs/vectors", json: upsert)
            #expect(stored.status == 200, "\(stored.text.prefix(300))")
        }
        var hits = 0
        for (index, text) in queryTexts.enumerated() {
            let body = String(decoding: JSONWriter.bytes(.object(JSONObject([("query", .string(text)), ("k", .number(10))]))), as: UTF8.self)
            let answer = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/docs/search", json: body)
            guard case .object(let data)? = answer["data"], case .array(let matches)? = data["matches"] else {
                Issue.record("query \(index): \(answer.status) \(answer.text.prefix(300))")
                continue
            }
            let found = Set(matches.compactMap { match -> Int? in
                guard case .object(let entry) = match, case .string(let id)? = entry["id"] else { return nil }
                return Int(id.dropFirst())
            })
            let exact = base.indices.sorted { Self.dot(base[$0], queryVectors[index]) > Self.dot(base[$1], queryVectors[index]) }.prefix(10)
            hits += exact.filter(found.contains).count
        }
        let recall = Double(hits) / Double(queries * 10)
        print("text upsert + text query: recall@10 \(recall) over \(queries) queries, \(rows) rows")
        #expect(recall >= 0.95)
    }

    /// The `text` fields of the first `count` lines of a dataset's JSON lines file.
    static func texts(_ path: String, count: Int) throws -> [String] {
        var texts: [String] = []
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        for line in lines.prefix(count) {
            guard case .object(let object) = try JSONParser.parse(String(line)), case .string(let text)? = object["text"] else { continue }
            texts.append(text)
        }
        return texts
    }

    static func fvecs(_ path: String, count: Int) throws -> [[Float]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { raw in
            (0..<min(count, raw.count / 1_540)).map { row in (0..<384).map { raw.loadUnaligned(fromByteOffset: row * 1_540 + 4 + 4 * $0, as: Float.self) } }
        }
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    /// Provider down → 503, slow → 504 within the timeout, garbage or a wrong count → 502, persistent 500 → 502.
    @Test func brokenProvidersGiveClearErrors() async throws {
        let fake = Process()
        let out = Pipe()
        fake.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        fake.arguments = ["python3", URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("misbehaving_provider.py").path]
        fake.standardOutput = out
        // Not the test's own stderr: a helper still holding it would keep `swift test` waiting for EOF.
        fake.standardError = FileHandle.nullDevice
        try fake.run()
        defer {
            kill(fake.processIdentifier, SIGKILL)
            fake.waitUntilExit()
        }
        var portText = ""
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            guard let value = byte.first, value != 10 else { break }
            portText.append(Character(UnicodeScalar(value)))
        }
        let fakePort = try #require(Int(portText))
        // Port 1 (tcpmux): privileged and unused, so a connection is refused at once.
        let closedPort = 1
        let cases: [(String, Int, String)] = [
            ("http://127.0.0.1:\(closedPort)/v1", 503, "embedding_provider_unreachable"),
            ("http://127.0.0.1:\(fakePort)/slow/v1", 504, "embedding_provider_timeout"),
            ("http://127.0.0.1:\(fakePort)/garbage/v1", 502, "embedding_provider_error"),
            ("http://127.0.0.1:\(fakePort)/short/v1", 502, "embedding_provider_error"),
            ("http://127.0.0.1:\(fakePort)/fail/v1", 502, "embedding_provider_error"),
        ]
        for (base, status, code) in cases {
            let (served, port, dir) = try Self.start(["--embedding-provider", "openai", "--openai-base-url", base, "--openai-timeout-ms", "1500"])
            let started = ContinuousClock.now
            let answer = try await HTTPTestClient.request(port: port, "POST", "/v1/embeddings", json: #"{"input":["a","b"]}"#)
            let elapsed = ContinuousClock.now - started
            await Self.stop(served, dir)
            #expect(answer.status == status, "\(base): \(answer.status) \(answer.text.prefix(300))")
            #expect(answer["error"] == .string(code), "\(base): \(answer.text.prefix(300))")
            // Every call is bounded: 4 attempts of at most 1.5 s plus backoff (0.5 + 1 + 2 s, +25%) stays under 12 s.
            #expect(elapsed < .seconds(12), "\(base) took \(elapsed)")
        }
    }
}

/// The model loads after `listening on`: a server whose model file is damaged still starts and serves vectors at once,
/// and text inputs get 503 `embedding_unavailable` naming the file (before, the start waited for the load — 45 s in a
/// debug build on a busy machine — and a damaged file stopped the whole server).
@Suite struct DeferredModelLoadTests {
    @Test func aDamagedModelCostsTextInputsOnly() async throws {
        let models = FileManager.default.temporaryDirectory.appendingPathComponent("vl-model-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: models) }
        try FileManager.default.copyItem(atPath: EmbeddingTestModel.directory + "/tokenizer.json", toPath: models + "/tokenizer.json")
        try Data("not a safetensors file".utf8).write(to: URL(fileURLWithPath: models + "/model.safetensors"))
        let (served, port, dir) = try EmbeddingProviderProcessTests.start([
            "--embedding-provider", "local", "--embedding-model-dir", models, "--default-dimension", "2",
        ])
        let upsert = try await HTTPTestClient.request(port: port, "POST", "/v1/collections/default/vectors",
                                                      json: #"{"vectors":[{"id":"a","values":[1,0]}]}"#)
        let text = try await HTTPTestClient.request(port: port, "POST", "/v1/embeddings", json: #"{"input":"hello"}"#)
        await EmbeddingProviderProcessTests.stop(served, dir)
        #expect(upsert.status == 200, "\(upsert.text.prefix(300))")
        #expect(text.status == 503 && text["error"] == .string("embedding_unavailable"), "\(text.status) \(text.text.prefix(300))")
        #expect(text.text.contains("model.safetensors"), "\(text.text.prefix(300))")
    }
}

/// Where the local model is (tools/fetch-model's default, or `VECTORLOGIC_MODEL_DIR`).
enum EmbeddingTestModel {
    static var directory: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["VECTORLOGIC_MODEL_DIR"] ?? MiniLMModelFiles.defaultDirectory(environment: environment)
    }
}

internal import Foundation
#if canImport(FoundationNetworking)
internal import FoundationNetworking
#endif
internal import VectorLogicJSON

/// Settings of the OpenAI-compatible provider. `description` never shows the key.
public struct OpenAIProviderSettings: Sendable, CustomStringConvertible {
    /// Base URL up to and including the API version, e.g. `https://api.openai.com/v1`; `/embeddings` is appended.
    public var baseURL: String
    /// Model name sent with every call.
    public var model: String
    /// Bearer key (from the environment only); nil sends no Authorization header.
    public var apiKey: String?
    /// Requested output width (`dimensions`), or nil for the model's own.
    public var dimensions: Int?
    /// Texts per HTTP call (OpenAI accepts up to 2,048).
    public var batchSize: Int
    /// Total time one HTTP call may take, connection included.
    public var timeoutSeconds: Double
    /// Further attempts after a 429 or 5xx answer (or a connection reset), with exponential backoff.
    public var retries: Int
    /// First backoff; doubled per retry (with up to 25% jitter), capped at 8 s; a Retry-After header (seconds) wins.
    public var backoffSeconds: Double

    /// Settings with OpenAI's defaults: batches of 256, 30 s per call, 3 retries from 0.5 s.
    public init(
        baseURL: String = "https://api.openai.com/v1", model: String = "text-embedding-3-small", apiKey: String? = nil,
        dimensions: Int? = nil, batchSize: Int = 256, timeoutSeconds: Double = 30, retries: Int = 3, backoffSeconds: Double = 0.5
    ) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.dimensions = dimensions
        self.batchSize = batchSize
        self.timeoutSeconds = timeoutSeconds
        self.retries = retries
        self.backoffSeconds = backoffSeconds
    }

    public var description: String {
        "openai(base \(baseURL), model \(model), key \(apiKey == nil ? "none" : "set"), dimensions \(dimensions.map(String.init) ?? "model's"))"
    }
}

/// Any OpenAI-compatible `POST {base}/embeddings` endpoint (OpenAI, a local server, another VectorLogic), through
/// URLSession (FoundationNetworking, libcurl: http and https without adding a TLS stack to the build).
///
/// Texts go in batches of `batchSize`; each call has a hard deadline (`timeoutSeconds`, enforced by cancelling the
/// call, so nothing hangs past it); 429 and 5xx are retried with backoff; an answer that is not a list of one finite
/// vector per input, all of one width (the configured `dimensions` when set), is `providerFailed`. All or nothing:
/// one failed batch fails the whole call.
public final class OpenAIEmbeddingProvider: EmbeddingProvider {
    public let kind = "openai"
    public var model: String { settings.model }
    public var dimension: Int? { settings.dimensions }
    /// The settings (the key is never logged: use `settings.description`).
    public let settings: OpenAIProviderSettings
    private let session: URLSession
    private let endpoint: URL

    /// Checks the base URL (http or https) and prepares a session.
    public init(settings: OpenAIProviderSettings) throws(EmbeddingError) {
        var base = settings.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + "/embeddings"), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else { throw .invalidInput("--openai-base-url must be an http:// or https:// URL, not \(settings.baseURL)") }
        guard settings.batchSize >= 1, settings.timeoutSeconds > 0, settings.retries >= 0 else {
            throw .invalidInput("openai provider: batch size, timeout and retries must be positive")
        }
        self.settings = settings
        endpoint = url
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = settings.timeoutSeconds
        configuration.timeoutIntervalForResource = settings.timeoutSeconds
        session = URLSession(configuration: configuration)
    }

    public func embed(_ texts: [String]) async throws(EmbeddingError) -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let batch = Array(texts[start..<min(texts.count, start + settings.batchSize)])
            let answer = try await embedWithRetries(batch)
            if let width = vectors.first?.count, answer.first?.count != width {
                throw .providerFailed("the provider answered vectors of different widths in one call")
            }
            vectors.append(contentsOf: answer)
            start += batch.count
        }
        return vectors
    }

    private func embedWithRetries(_ batch: [String]) async throws(EmbeddingError) -> [[Float]] {
        var attempt = 0
        while true {
            let outcome = await call(batch)
            switch outcome {
            case .success(let vectors): return vectors
            case .failure(let failure):
                guard failure.retryable, attempt < settings.retries else { throw failure.error }
                let backoff = min(8, settings.backoffSeconds * Double(1 << min(attempt, 10))) * Double.random(in: 1...1.25)
                let wait = failure.retryAfter.map { min($0, settings.timeoutSeconds) } ?? backoff
                attempt += 1
                do { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) } catch {
                    throw .providerTimeout("cancelled while waiting to retry")
                }
            }
        }
    }

    private struct CallFailure: Error {
        let error: EmbeddingError
        let retryable: Bool
        var retryAfter: Double? = nil
    }

    /// One HTTP call with a hard deadline.
    private func call(_ batch: [String]) async -> Result<[[Float]], CallFailure> {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = settings.apiKey { request.setValue("Bearer " + key, forHTTPHeaderField: "Authorization") }
        var body: [(String, JSONValue)] = [("input", .array(batch.map { .string($0) })), ("model", .string(settings.model))]
        body.append(("encoding_format", .string("float")))
        if let dimensions = settings.dimensions { body.append(("dimensions", .number(Double(dimensions)))) }
        request.httpBody = Data(JSONWriter.bytes(.object(JSONObject(body))))
        let timeout = settings.timeoutSeconds, session = self.session
        let sent = Unsent(request)
        let result: Result<(Data, URLResponse), Error>? = await withTaskGroup(of: Result<(Data, URLResponse), Error>?.self) { group in
            group.addTask {
                do { return .success(try await session.data(for: sent.request)) } catch { return .failure(error) }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let result else {
            return .failure(CallFailure(error: .providerTimeout("no answer from \(endpoint.absoluteString) within \(timeout) s"), retryable: false))
        }
        switch result {
        case .failure(let error): return .failure(Self.classify(error, endpoint: endpoint, timeout: timeout))
        case .success(let (data, response)):
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            guard (200..<300).contains(status) else {
                let retryAfter = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After").flatMap(Double.init)
                let message = Self.errorMessage(data)
                return .failure(
                    CallFailure(
                        error: .providerFailed("\(endpoint.absoluteString) answered \(status)\(message.map { ": " + $0 } ?? "")"),
                        retryable: status == 429 || status >= 500, retryAfter: retryAfter))
            }
            do { return .success(try EmbeddingsAnswer.vectors(from: Array(data), count: batch.count, dimensions: settings.dimensions)) } catch {
                return .failure(CallFailure(error: error, retryable: false))
            }
        }
    }

    private static func classify(_ error: Error, endpoint: URL, timeout: Double) -> CallFailure {
        if let urlError = error as? URLError {
            switch urlError.code {
            case .timedOut:
                return CallFailure(error: .providerTimeout("no answer from \(endpoint.absoluteString) within \(timeout) s"), retryable: false)
            case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
                return CallFailure(error: .providerUnreachable("\(endpoint.absoluteString): \(urlError.localizedDescription)"), retryable: false)
            case .networkConnectionLost:
                return CallFailure(error: .providerUnreachable("\(endpoint.absoluteString): connection lost"), retryable: true)
            default: break
            }
        }
        return CallFailure(error: .providerUnreachable("\(endpoint.absoluteString): \(error.localizedDescription)"), retryable: false)
    }

    /// `error.message` of an OpenAI-style error body, cut to 200 characters.
    private static func errorMessage(_ data: Data) -> String? {
        guard case .object(let root)? = try? JSONParser.parse(Array(data)), case .object(let error)? = root["error"],
            case .string(let message)? = error["message"]
        else { return nil }
        return String(message.prefix(200))
    }
}

/// A URLRequest handed to a child task (URLRequest is a value type without a Sendable conformance on Linux).
private struct Unsent: @unchecked Sendable {
    let request: URLRequest
    init(_ request: URLRequest) { self.request = request }
}

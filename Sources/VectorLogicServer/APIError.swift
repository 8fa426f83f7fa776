public import Hummingbird
import VectorLogicEngine
import VectorLogicFilter
import VectorLogicPersonas
import NIOCore
public import VectorLogicJSON
import HTTPTypes

/// An error answer of the contract: `{"status":"error","error":code,"message":…,"details":…}` with its HTTP status.
///
/// Every failure a handler meets is turned into one of these, so no stack trace, file path or type name reaches a client.
public struct APIError: Error, HTTPResponseError, Sendable {
    /// HTTP status.
    public var status: HTTPResponse.Status
    /// Stable machine-readable code (`invalid_request`, `not_found`, …).
    public var code: String
    /// One human sentence.
    public var message: String
    /// Extra structure (e.g. `{"item":3,"field":"values"}`), or null.
    public var details: JSONValue
    /// Extra headers (e.g. `Retry-After`).
    public var headers: HTTPFields = [:]

    /// Builds an error answer.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: JSONValue = .null) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    /// 400 `invalid_request`.
    static func invalid(_ message: String, field: String? = nil, item: Int? = nil) -> APIError {
        APIError(.badRequest, "invalid_request", message, details: detailsObject(field: field, item: item))
    }

    static func detailsObject(field: String?, item: Int?, extra: [(String, JSONValue)] = []) -> JSONValue {
        var object = JSONObject()
        if let item { object["item"] = .number(Double(item)) }
        if let field { object["field"] = .string(field) }
        for (key, value) in extra { object[key] = value }
        return object.count == 0 ? .null : .object(object)
    }

    /// The error body bytes.
    var body: [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(128 + message.utf8.count)
        buffer.append(contentsOf: #"{"status":"error","error":"#.utf8)
        JSONWriter.writeString(code, into: &buffer)
        buffer.append(contentsOf: #","message":"#.utf8)
        JSONWriter.writeString(message, into: &buffer)
        buffer.append(contentsOf: #","details":"#.utf8)
        JSONWriter.write(details, into: &buffer)
        buffer.append(UInt8(ascii: "}"))
        return buffer
    }

    /// Renders the error envelope.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(status: status, bytes: body)
        for field in headers { response.headers.append(field) }
        return response
    }
}

extension APIError {
    /// The contract's status and code for each engine error; validation errors name the batch item.
    init(_ error: EngineError) {
        switch error {
        case .collectionNotFound(let name):
            self.init(.notFound, "not_found", "collection \(name) does not exist", details: .object(JSONObject([("collection", .string(name))])))
        case .collectionExists(let name):
            self.init(.conflict, "conflict", "collection \(name) already exists", details: .object(JSONObject([("collection", .string(name))])))
        case .invalidCollectionName, .invalidDimension:
            self.init(.badRequest, "invalid_request", error.description)
        case let .dimensionMismatch(expected, actual, item):
            self.init(.badRequest, "dimension_mismatch", error.description,
                      details: APIError.detailsObject(field: "values", item: item,
                                                      extra: [("expected", .number(Double(expected))), ("actual", .number(Double(actual)))]))
        case .invalidVector(_, let item):
            self.init(.badRequest, "invalid_request", error.description, details: APIError.detailsObject(field: "values", item: item))
        case .invalidID(_, let item):
            self.init(.badRequest, "invalid_request", error.description, details: APIError.detailsObject(field: "id", item: item))
        case .invalidMetadata(_, let item):
            self.init(.badRequest, "invalid_request", error.description, details: APIError.detailsObject(field: "metadata", item: item))
        case .invalidArgument(let reason):
            self.init(.badRequest, "invalid_request", reason)
        case .unavailable(let reason):
            self.init(.serviceUnavailable, "unavailable", "the database does not accept writes now: \(reason)")
        case .diskFull(let reason):
            // 503 with Retry-After rather than WebDAV's 507: the condition passes by itself once space is freed, and
            // clients and proxies already retry a 503; the code says why.
            self.init(.serviceUnavailable, "insufficient_storage", "the disk is full; writes resume once space is freed: \(reason)")
            headers[.retryAfter] = "5"
        case .locked:
            self.init(.serviceUnavailable, "unavailable", "the data directory is locked by another process")
        case .corruption:
            self.init(.internalServerError, "internal", "a data file is damaged; the operator should run `vectorlogic repair`")
        case .io:
            self.init(.serviceUnavailable, "unavailable", "an I/O error stopped the request; the database may be read-only until restart")
        case .budgetExceeded(let milliseconds):
            self.init(.serviceUnavailable, "timeout",
                      "the request needed more than its time budget of \(milliseconds) ms (request-timeout-ms); "
                      + "narrow the filter, or lower k, ef or limit",
                      details: .object(JSONObject([("limit", .string("request_timeout_ms")), ("max", .number(Double(milliseconds)))])))
        case .cancelled:
            self.init(.serviceUnavailable, "cancelled", "the request was cancelled (its client disconnected or the server is stopping)")
        }
    }

    /// 400 for a body that is not well-formed JSON.
    init(_ error: JSONParseError, field: String? = nil, item: Int? = nil, path: String? = nil) {
        let prefix = (path ?? field).map { "\($0): " } ?? ""
        self.init(.badRequest, "invalid_request", "\(prefix)\(error.message) at byte \(error.offset)",
                  details: APIError.detailsObject(field: field, item: item, extra: [("offset", .number(Double(error.offset)))]))
    }

    /// 400 `invalid_filter` naming the bad operator or operand.
    init(_ error: FilterError) {
        var details = JSONValue.null
        if let limit = error.limit, let maximum = error.maximum {
            details = .object(JSONObject([("limit", .string(limit)), ("max", .number(Double(maximum)))]))
        }
        self.init(.badRequest, "invalid_filter", error.message, details: details)
    }

    /// 400 `invalid_filter` for filter JSON longer than `Filter.Limits.maxBytes`.
    static func filterTooLarge(field: String) -> APIError {
        APIError(.badRequest, "invalid_filter",
                 "\(field) is longer than \(Filter.Limits.maxBytes) bytes of JSON (limit max_filter_bytes)",
                 details: .object(JSONObject([("field", .string(field)), ("limit", .string("max_filter_bytes")),
                                              ("max", .number(Double(Filter.Limits.maxBytes)))])))
    }

    /// Any error, mapped: typed errors keep their status; anything unknown becomes a bare 500 `internal`.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as EngineError: return APIError(error)
        case let error as JSONParseError: return APIError(error)
        case let error as FilterError: return APIError(error)
        case let error as PersonaStoreError: return APIError(error)
        case let error as any HTTPResponseError:
            switch error.status {
            case .notFound: return APIError(.notFound, "not_found", "no such route")
            case .methodNotAllowed: return APIError(.methodNotAllowed, "method_not_allowed", "method not allowed on this route")
            case .contentTooLarge: return APIError.payloadTooLarge
            case .unsupportedMediaType: return APIError.unsupportedMediaType
            default:
                if error.status.code < 500 {
                    return APIError(error.status, "invalid_request", error.status.reasonPhrase)
                }
                return APIError(.internalServerError, "internal", "internal error")
            }
        default:
            return APIError(.internalServerError, "internal", "internal error")
        }
    }

    /// 400 for a batch with more than `Limits.maxBatch` items (found while decoding, before the rest is parsed).
    static func batchTooLarge(_ what: String, field: String) -> APIError {
        APIError(.badRequest, "invalid_request", "a batch holds 1...\(Limits.maxBatch) \(what), got more (limit max_batch)",
                 details: .object(JSONObject([("field", .string(field)), ("limit", .string("max_batch")),
                                              ("max", .number(Double(Limits.maxBatch)))])))
    }

    /// 400 for a batch search with more than `Limits.maxSearchBatch` queries (found while decoding, before the rest is parsed).
    static func searchBatchTooLarge(field: String) -> APIError {
        APIError(.badRequest, "invalid_request",
                 "a batch search holds 1...\(Limits.maxSearchBatch) queries, got more (limit max_search_batch); split it into several requests",
                 details: .object(JSONObject([("field", .string(field)), ("limit", .string("max_search_batch")),
                                              ("max", .number(Double(Limits.maxSearchBatch)))])))
    }

    /// The same error about item `index` of the batch array `container`: the message starts `queries[3]: ` and the
    /// details gain `"item": 3` (what the upsert's per-item errors already carry), so a client knows which one to fix.
    func inItem(_ index: Int, of container: String) -> APIError {
        var error = self
        error.message = "\(container)[\(index)]: \(message)"
        var object = JSONObject()
        if case .object(let existing) = details { object = existing }
        object["item"] = .number(Double(index))
        error.details = .object(object)
        return error
    }

    /// 503 when more heavy requests wait for a worker thread than `ServerState.maxQueuedWork`.
    static var overloaded: APIError {
        var error = APIError(.serviceUnavailable, "overloaded",
                             "the server has more expensive requests waiting than it queues (\(ServerState.maxQueuedWork)); retry shortly")
        error.headers[.retryAfter] = "1"
        return error
    }

    static let payloadTooLarge = APIError(.contentTooLarge, "payload_too_large", "the request body is larger than the server accepts")
    static let unsupportedMediaType = APIError(.unsupportedMediaType, "unsupported_media_type", "the request body must be application/json")
}

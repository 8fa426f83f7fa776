import HTTPTypes
import Hummingbird
import NIOCore
import VectorLogicJSON

/// Reads and checks request bodies: JSON content type (415 otherwise), size limit (413), then a JSONReader pass.
///
/// Every body route requires `Content-Type: application/json` (issue 8 §5): a browser sends a cross-site POST
/// without a CORS preflight only with a "simple" type (form, `text/plain`, or no type for a Blob), so refusing those
/// keeps a web page from writing to a keyless server on 127.0.0.1. An empty body needs no type where it is allowed.
///
/// A refused request's unread body is drained before the answer — at most `2 × maxBytes` bytes and for at most
/// `drainTimeout` — because HTTP/1.1 clients that write the whole body before reading (Python's urllib) would
/// otherwise block on a full socket buffer forever; past either bound the answer says `Connection: close` and `ConnectionGuard` closes the connection after it.
struct RequestBody: Sendable {
    let maxBytes: Int
    /// How long a refused body is drained before the connection is given up.
    var drainTimeout: Duration = .seconds(10)
    /// Where bodies of `offloadBytes` or more are decoded (nil: always inline).
    var workers: WorkerPool? = nil

    /// Bodies this large are decoded on a worker thread: decoding costs ~10 ms per MiB, which would stall every
    /// connection of the event loop (a 64 MiB upsert is ~0.5 s of parsing).
    static let offloadBytes = 1 << 20

    /// Collects the body; `allowEmpty` lets bodies that are all optional fields (scroll, count) be omitted.
    func collect(_ request: Request, allowEmpty: Bool = false) async throws -> ByteBuffer {
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        guard let type = request.headers[.contentType] else {
            if allowEmpty, declared == 0 || (declared == nil && request.headers[.transferEncoding] == nil) {
                return ByteBuffer()
            }
            throw await refuse(request, APIError.unsupportedMediaType)
        }
        guard RequestBody.isJSON(type) else { throw await refuse(request, APIError.unsupportedMediaType) }
        if let declared, declared > maxBytes { throw await refuse(request, APIError.payloadTooLarge) }
        // The first chunk is kept as it is (a small body arrives in one: no copy); later ones are appended to it.
        var buffer: ByteBuffer?
        var iterator = request.body.makeAsyncIterator()
        while var chunk = try await iterator.next() {
            guard (buffer?.readableBytes ?? 0) + chunk.readableBytes <= maxBytes else {
                var error = APIError.payloadTooLarge
                if !(await drain(&iterator)) { error.headers[.connection] = "close" }
                throw error
            }
            if buffer == nil { buffer = chunk } else { buffer!.writeBuffer(&chunk) }
        }
        return buffer ?? ByteBuffer()
    }

    /// `error` for a refused request, once its unread body is drained; with `Connection: close` (the connection
    /// is closed after the answer, see `ConnectionGuard`) when the body was too long or too slow to drain.
    func refuse(_ request: Request, _ error: APIError) async -> APIError {
        var error = error
        var iterator = request.body.makeAsyncIterator()
        if !(await drain(&iterator)) { error.headers[.connection] = "close" }
        return error
    }

    /// Reads and drops the rest of a body: true when it ended within `2 × maxBytes` bytes and `drainTimeout` (a
    /// client that overshoots the limit by up to its size still sees the answer; 70 MiB against 64 MiB did not).
    private func drain(_ iterator: inout Hummingbird.RequestBody.AsyncIterator) async -> Bool {
        let deadline = ContinuousClock.now + drainTimeout
        var dropped = 0
        do {
            while let chunk = try await iterator.next() {
                dropped += chunk.readableBytes
                if dropped > 2 * maxBytes || ContinuousClock.now > deadline { return false }
            }
            return true
        } catch {
            return false
        }
    }

    /// `application/json` or any `+json` type, with no charset other than UTF-8.
    static func isJSON(_ header: String) -> Bool {
        // What clients send almost always, checked without allocating (the general parse below lowercases and splits:
        // ~3% of the server's CPU per search at one connection, issue 9).
        if asciiCaseInsensitiveEquals(header, "application/json") || asciiCaseInsensitiveEquals(header, "application/json; charset=utf-8") {
            return true
        }
        let parts = header.lowercased().split(separator: ";").map { trim($0) }
        guard let mediaType = parts.first else { return false }
        guard mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json")) else {
            return false
        }
        for parameter in parts.dropFirst() where parameter.hasPrefix("charset=") {
            let charset = parameter.dropFirst("charset=".count).filter { $0 != "\"" }
            if charset != "utf-8" && charset != "utf8" { return false }
        }
        return true
    }

    /// Whether `text` equals the lowercase ASCII `lowercase`, ignoring ASCII case.
    static func asciiCaseInsensitiveEquals(_ text: String, _ lowercase: StaticString) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == lowercase.utf8CodeUnitCount else { return false }
        var expected = lowercase.utf8Start
        for byte in utf8 {
            let folded = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
            guard folded == expected.pointee else { return false }
            expected += 1
        }
        return true
    }

    static func trim(_ text: Substring) -> String {
        String(text.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }

    /// Reads the body and decodes it with `decode`, which must consume exactly one JSON value.
    func decode<T>(_ request: Request, allowEmpty: Bool = false, _ decode: (inout JSONReader) throws -> T) async throws -> T {
        let buffer = try await collect(request, allowEmpty: allowEmpty)
        guard let workers, buffer.readableBytes >= RequestBody.offloadBytes else {
            return try RequestBody.decode(buffer, allowEmpty: allowEmpty, decode)
        }
        // The closure and its result cross to a worker and back while this function waits, so neither outlives it.
        // The worker drops its reference to the closure before resuming this function.
        return try await withoutActuallyEscaping(decode) { escaping in
            let box = ClosureBox(escaping)
            let result = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<UncheckedSendable<T>, any Error>) in
                let accepted = workers.submit {
                    let result = Result { UncheckedSendable(try RequestBody.decode(buffer, allowEmpty: allowEmpty, box.closure!)) }
                    box.closure = nil
                    continuation.resume(with: result)
                }
                if !accepted {
                    box.closure = nil
                    continuation.resume(throwing: APIError.overloaded)
                }
            }
            return result.value
        }
    }

    /// Decodes collected bytes; an empty body is `{}` when allowed, else a 400.
    static func decode<T>(_ buffer: ByteBuffer, allowEmpty: Bool, _ decode: (inout JSONReader) throws -> T) throws -> T {
        let isBlank = buffer.readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if isBlank {
            guard allowEmpty else { throw APIError.invalid("the request body is empty; a JSON object is required") }
            let empty: [UInt8] = Array("{}".utf8)
            return try empty.withUnsafeBytes { raw in
                var reader = JSONReader(raw)
                return try decode(&reader)
            }
        }
        return try buffer.withUnsafeReadableBytes { raw in
            var reader = JSONReader(raw)
            let value = try decode(&reader)
            do throws(JSONParseError) {
                try reader.finish()
            } catch {
                throw APIError(error)
            }
            return value
        }
    }
}

/// Carries a value across threads where the code guarantees only one thread uses it at a time.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Holds a non-escaping closure while a worker uses it; the worker clears it before handing back control.
final class ClosureBox<Closure>: @unchecked Sendable {
    var closure: Closure?
    init(_ closure: Closure) { self.closure = closure }
}

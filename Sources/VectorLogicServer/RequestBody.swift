import HTTPTypes
import Hummingbird
import NIOCore
import VectorLogicJSON

/// Reads and checks request bodies: JSON content type (415 otherwise), size limit (413), then a JSONReader pass.
struct RequestBody: Sendable {
    let maxBytes: Int
    /// Where bodies of `offloadBytes` or more are decoded (nil: always inline).
    var workers: WorkerPool? = nil

    /// Bodies this large are decoded on a worker thread: decoding costs ~10 ms per MiB, which would stall every
    /// connection of the event loop (a 64 MiB upsert is ~0.5 s of parsing).
    static let offloadBytes = 1 << 20

    /// Collects the body; `allowEmpty` lets bodies that are all optional fields (scroll, count) be omitted.
    func collect(_ request: Request) async throws -> ByteBuffer {
        if let type = request.headers[.contentType], !RequestBody.isJSON(type) {
            throw APIError.unsupportedMediaType
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBytes {
            throw APIError.payloadTooLarge
        }
        do {
            return try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge
        }
    }

    /// `application/json` or any `+json` type, with no charset other than UTF-8.
    static func isJSON(_ header: String) -> Bool {
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

    static func trim(_ text: Substring) -> String {
        String(text.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }

    /// Reads the body and decodes it with `decode`, which must consume exactly one JSON value.
    func decode<T>(_ request: Request, allowEmpty: Bool = false, _ decode: (inout JSONReader) throws -> T) async throws -> T {
        let buffer = try await collect(request)
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

import Foundation
import VectorLogicJSON
import VectorLogicTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 answer as the test client saw it on the wire.
struct HTTPResult: Sendable {
    var status: Int
    /// Header names lower-cased.
    var headers: [String: String]
    var body: [UInt8]

    /// The body parsed with the project's own parser (nil when it is not JSON).
    var json: JSONValue? { try? JSONParser.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }

    /// `json[key]` for an object body.
    subscript(_ key: String) -> JSONValue? {
        guard case .object(let object)? = json else { return nil }
        return object[key]
    }
}

struct HTTPClientError: Error, CustomStringConvertible {
    var description: String
}

/// A tiny blocking HTTP/1.1 client over a real TCP socket on 127.0.0.1, run on its own thread so it never blocks the
/// cooperative pool the server's handlers need. One connection per request (`Connection: close`).
enum HTTPTestClient {
    static func request(port: Int, _ method: String, _ path: String, json: String? = nil, body: [UInt8]? = nil,
                        contentType: String? = "application/json", headers: [(String, String)] = []) async throws -> HTTPResult {
        let payload = body ?? json.map { Array($0.utf8) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let payload {
            if let contentType { head += "Content-Type: \(contentType)\r\n" }
            head += "Content-Length: \(payload.count)\r\n"
        }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8) + (payload ?? [])
        let raw = try await exchange(port: port, bytes)
        return try parse(raw)
    }

    /// Sends raw bytes and returns everything the server sent until it closed the connection.
    static func exchange(port: Int, _ bytes: [UInt8]) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    continuation.resume(returning: try blockingExchange(port: port, bytes))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// A blocking TCP socket connected to 127.0.0.1:`port` (`LoopbackSocket`), with a receive timeout; `receiveBuffer`
    /// sets SO_RCVBUF before connecting (a client that reads slowly). The caller closes it.
    static func connectedSocket(port: Int, timeoutSeconds: Int = 60, receiveBuffer: Int32? = nil) throws -> Int32 {
        guard let fd = LoopbackSocket.connect(port: port, timeoutSeconds: timeoutSeconds, receiveBuffer: receiveBuffer) else {
            throw HTTPClientError(description: "connect to port \(port) failed")
        }
        return fd
    }

    static func blockingExchange(port: Int, _ bytes: [UInt8]) throws -> [UInt8] {
        let fd = try connectedSocket(port: port)
        defer { close(fd) }
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { raw in send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }  // the server may answer (413) and close before reading everything
            sent += count
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if count <= 0 { break }
            response.append(contentsOf: chunk[0..<count])
        }
        return response
    }

    static func parse(_ raw: [UInt8]) throws -> HTTPResult {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, raw.count - 3)).first(where: { Array(raw[$0..<$0 + 4]) == separator }) else {
            throw HTTPClientError(description: "no HTTP response (\(raw.count) bytes)")
        }
        let head = String(decoding: raw[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw HTTPClientError(description: "bad status line") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(raw[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            body = try dechunk(body)
        } else if let length = headers["content-length"].flatMap({ Int($0) }) {
            body = Array(body.prefix(length))
        }
        return HTTPResult(status: status, headers: headers, body: body)
    }

    static func dechunk(_ data: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < data.count {
            guard let lineEnd = (index..<data.count - 1).first(where: { data[$0] == 13 && data[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: data[index..<lineEnd], as: UTF8.self).split(separator: ";")[0]
            guard let size = Int(sizeText, radix: 16) else { throw HTTPClientError(description: "bad chunk size") }
            if size == 0 { break }
            let start = lineEnd + 2
            output.append(contentsOf: data[start..<min(start + size, data.count)])
            index = start + size + 2
        }
        return output
    }
}

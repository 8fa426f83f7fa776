import HTTPTypes
import FoundationEssentials
import Hummingbird
import VectorLogicJSON

/// Builds the success envelope `{"status":"success","data":…,"meta":{…}}` straight into bytes (no Codable on the hot path).
enum JSONResponse {
    static let contentType = "application/json; charset=utf-8"

    /// A response with a JSON body.
    static func make(status: HTTPResponse.Status, bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The success envelope: `writeData` appends the `data` value; `meta` is written after it.
    static func success(status: HTTPResponse.Status = .ok, capacity: Int = 256, meta: [(String, JSONValue)] = [],
                        _ writeData: (inout [UInt8]) -> Void) -> Response {
        make(status: status, bytes: envelope(capacity: capacity, meta: meta, writeData))
    }

    /// The bytes of the success envelope (`success` without the `Response`).
    static func envelope(capacity: Int = 256, meta: [(String, JSONValue)] = [], _ writeData: (inout [UInt8]) -> Void) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(capacity)
        buffer.append(contentsOf: #"{"status":"success","data":"#.utf8)
        writeData(&buffer)
        buffer.append(contentsOf: #","meta":{"#.utf8)
        for (key, value) in meta {
            JSONWriter.writeKey(key, into: &buffer)
            JSONWriter.write(value, into: &buffer)
            buffer.append(UInt8(ascii: ","))
        }
        buffer.append(contentsOf: #""timestamp":"#.utf8)
        JSONWriter.writeInteger(nowMilliseconds(), into: &buffer)
        buffer.append(contentsOf: "}}".utf8)
        return buffer
    }

    /// The success envelope around a JSONValue.
    static func success(status: HTTPResponse.Status = .ok, _ data: JSONValue, meta: [(String, JSONValue)] = []) -> Response {
        success(status: status, meta: meta) { JSONWriter.write(data, into: &$0) }
    }

    /// Milliseconds since the Unix epoch.
    static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}

/// Small builders for JSON objects in responses.
extension JSONValue {
    /// An integer as a JSON number.
    static func int(_ value: some BinaryInteger) -> JSONValue { .number(Double(value)) }
}

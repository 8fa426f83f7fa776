// Measures the server's hot-path JSON work in a release build: decoding a 384-float upsert/search body with the
// hand-written JSONReader fast path against Foundation's JSONDecoder, and encoding 10 search hits with JSONWriter
// against JSONEncoder. Run: swift run -c release --scratch-path .build-release vectorlogic-http-json-bench
import Foundation
import VectorLogicJSON

struct Item: Codable { var id: String; var values: [Float]; var metadata: [String: String]? }
struct Body: Codable { var vectors: [Item] }
struct Hit: Codable { var id: String; var score: Float; var metadata: [String: String]? }
struct Hits: Codable { var matches: [Hit]; var query_time_ms: Double }

var generator = SystemRandomNumberGenerator()
let values = (0..<384).map { _ in Float.random(in: -0.2...0.2, using: &generator) }
let text = #"{"vectors":[{"id":"doc-1","values":[\#(values.map { "\($0)" }.joined(separator: ","))],"metadata":{"source":"debian"}}]}"#
let bytes = Array(text.utf8)
let data = Data(bytes)

func measure(_ name: String, iterations: Int, _ body: () throws -> Int) rethrows -> Double {
    var sink = 0
    for _ in 0..<(iterations / 10) { sink &+= try body() }
    let start = ContinuousClock.now
    for _ in 0..<iterations { sink &+= try body() }
    let elapsed = ContinuousClock.now - start
    let micros = (Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12) / Double(iterations)
    print("\(name): \(String(format: "%.2f", micros)) µs per call (sink \(sink % 7))")
    return micros
}

func fastDecode() throws -> Int {
    try bytes.withUnsafeBytes { raw in
        var reader = JSONReader(raw)
        var total = 0
        var outer = try reader.beginObject()
        while let key = try reader.nextKey(&outer) {
            guard key == "vectors" else { try reader.skipValue(); continue }
            var array = try reader.beginArray()
            while try reader.nextElement(&array) {
                var item = try reader.beginObject()
                while let field = try reader.nextKey(&item) {
                    switch field {
                    case "id": total &+= try reader.readString().utf8.count
                    case "values": total &+= try reader.readFloatArray(expectedCount: 384).count
                    default: total &+= JSONWriter.bytes(try reader.readValue()).count
                    }
                }
            }
        }
        try reader.finish()
        return total
    }
}

let decoder = JSONDecoder()
let fast = try measure("decode 384-float body, JSONReader fast path", iterations: 20_000, fastDecode)
let foundation = try measure("decode 384-float body, Foundation JSONDecoder", iterations: 2_000) {
    try decoder.decode(Body.self, from: data).vectors[0].values.count
}
let check = try decoder.decode(Body.self, from: data).vectors[0].values
let mine: [Float] = try bytes.withUnsafeBytes { raw in
    var reader = JSONReader(raw)
    var outer = try reader.beginObject()
    _ = try reader.nextKey(&outer)
    var array = try reader.beginArray()
    _ = try reader.nextElement(&array)
    var item = try reader.beginObject()
    _ = try reader.nextKey(&item)
    _ = try reader.readString()
    _ = try reader.nextKey(&item)
    return try reader.readFloatArray()
}
print("bit-identical to JSONDecoder: \(mine.map(\.bitPattern) == check.map(\.bitPattern)); speed-up \(String(format: "%.1f", foundation / fast))x")

let hits = (0..<10).map { Hit(id: "doc-\($0)", score: Float.random(in: 0...1, using: &generator), metadata: ["source": "debian"]) }
let encoder = JSONEncoder()
let writer = measure("encode 10 hits, JSONWriter", iterations: 100_000) {
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1024)
    buffer.append(contentsOf: #"{"matches":["#.utf8)
    for (index, hit) in hits.enumerated() {
        if index > 0 { buffer.append(UInt8(ascii: ",")) }
        buffer.append(contentsOf: #"{"id":"#.utf8)
        JSONWriter.writeString(hit.id, into: &buffer)
        buffer.append(contentsOf: #","score":"#.utf8)
        JSONWriter.writeFloat(hit.score, into: &buffer)
        buffer.append(contentsOf: #","metadata":{"source":"debian"}}"#.utf8)
    }
    buffer.append(contentsOf: #"],"query_time_ms":0.1}"#.utf8)
    return buffer.count
}
let foundationEncode = try measure("encode 10 hits, Foundation JSONEncoder", iterations: 20_000) {
    try encoder.encode(Hits(matches: hits, query_time_ms: 0.1)).count
}
print("encode speed-up \(String(format: "%.1f", foundationEncode / writer))x")

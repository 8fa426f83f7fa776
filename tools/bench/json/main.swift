// Times the server's own JSON hot path in a release build, against Foundation on the same bytes: decoding a
// 384-float upsert body and a search body (`JSONHotPath.decodeUpsert` / `decodeSearch`: the route's decoders), and
// writing a 10-hit search answer (`JSONHotPath.searchAnswer`: the search route's envelope and encoder).
// Run: swift build -c release --scratch-path .build-release --product vectorlogic-http-json-bench
//      && .build-release/release/vectorlogic-http-json-bench
import Foundation
import NIOCore
import VectorLogicEngine
import VectorLogicJSON
import VectorLogicServer

struct Item: Codable { var id: String; var values: [Float]; var metadata: [String: String]? }
struct FoundationUpsert: Codable { var vectors: [Item] }
struct FoundationSearch: Codable { var vector: [Float]; var k: Int }
struct Hit: Codable { var id: String; var score: Float; var metadata: [String: String]? }
struct Hits: Codable { var matches: [Hit]; var query_time_ms: Double }
struct Meta: Codable { var count: Int; var k: Int; var threshold: Double?; var timestamp: Int64 }
struct Envelope: Codable { var status: String; var data: Hits; var meta: Meta }

var generator = SystemRandomNumberGenerator()
let values = (0..<384).map { _ in Float.random(in: -0.2...0.2, using: &generator) }
let list = values.map { "\($0)" }.joined(separator: ",")
let upsertBytes = Array(#"{"vectors":[{"id":"doc-1","values":[\#(list)],"metadata":{"source":"debian"}}]}"#.utf8)
let searchBytes = Array(#"{"vector":[\#(list)],"k":10}"#.utf8)
let upsertBuffer = ByteBuffer(bytes: upsertBytes), searchBuffer = ByteBuffer(bytes: searchBytes)
let upsertData = Data(upsertBytes), searchData = Data(searchBytes)
// What a Python client sends (`json.dumps(vector.tolist())`): each float32 widened to Double and written as that
// Double's shortest text, ~20 characters (0.014716717414557934) against ~10 above — the HTTP benchmark's bodies.
let clientList = values.map { "\(Double($0))" }.joined(separator: ", ")
let clientSearchBuffer = ByteBuffer(bytes: Array(#"{"vector":[\#(clientList)],"k":10}"#.utf8))

/// Microseconds per call of `body` (after a 10% warm-up); the results feed a printed sink so none is optimised away.
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

func ratio(_ slow: Double, _ fast: Double) -> String { String(format: "%.1f", slow / fast) }

let decoder = JSONDecoder()
let upsertFast = try measure("decode 384-float upsert body, server decoder", iterations: 20_000) {
    try JSONHotPath.decodeUpsert(upsertBuffer)[0].values.count
}
let upsertFoundation = try measure("decode 384-float upsert body, Foundation JSONDecoder", iterations: 2_000) {
    try decoder.decode(FoundationUpsert.self, from: upsertData).vectors[0].values.count
}
let server = try JSONHotPath.decodeUpsert(upsertBuffer)[0].values
let foundation = try decoder.decode(FoundationUpsert.self, from: upsertData).vectors[0].values
print("bit-identical to JSONDecoder: \(server.map(\.bitPattern) == foundation.map(\.bitPattern)); speed-up \(ratio(upsertFoundation, upsertFast))x")

let searchFast = try measure("decode 384-float search body, server decoder", iterations: 20_000) {
    try JSONHotPath.decodeSearch(searchBuffer).request.vector.count
}
let searchFoundation = try measure("decode 384-float search body, Foundation JSONDecoder", iterations: 2_000) {
    try decoder.decode(FoundationSearch.self, from: searchData).vector.count
}
print("search body speed-up \(ratio(searchFoundation, searchFast))x")
_ = try measure("decode 384-float search body as a Python client writes it (\(clientSearchBuffer.readableBytes) bytes), server decoder",
                iterations: 20_000) {
    try JSONHotPath.decodeSearch(clientSearchBuffer).request.vector.count
}
guard try JSONHotPath.decodeSearch(clientSearchBuffer).request.vector.map(\.bitPattern) == values.map(\.bitPattern) else {
    fatalError("the client-style body does not read back as the floats it was written from")
}

let search = try JSONHotPath.decodeSearch(searchBuffer)
let hits = (0..<10).map { Hit(id: "doc-\($0)", score: Float.random(in: 0...1, using: &generator), metadata: ["source": "debian"]) }
let matches = hits.map { SearchMatch(id: $0.id, score: $0.score, metadata: CompactJSON(.object(JSONObject([("source", .string("debian"))]))), values: nil) }
let answer = JSONHotPath.searchAnswer(matches, for: search, queryTimeMs: 0.1)
let readBack = try decoder.decode(Envelope.self, from: Data(answer))
guard readBack.data.matches.map(\.id) == hits.map(\.id), readBack.data.matches.map(\.score) == hits.map(\.score) else {
    fatalError("the server's search answer does not read back as the hits it was given")
}
let writer = measure("encode a 10-hit search answer, server encoder", iterations: 100_000) {
    JSONHotPath.searchAnswer(matches, for: search, queryTimeMs: 0.1).count
}
let encoder = JSONEncoder()
let envelope = Envelope(status: "success", data: Hits(matches: hits, query_time_ms: 0.1),
                        meta: Meta(count: 10, k: 10, threshold: nil, timestamp: 1_764_000_000_000))
let foundationEncode = try measure("encode a 10-hit search answer, Foundation JSONEncoder", iterations: 20_000) {
    try encoder.encode(envelope).count
}
print("encode speed-up \(ratio(foundationEncode, writer))x")

import Testing
@_spi(Fuzzing) import VectorLogicFormat
import VectorLogicTestSupport

/// The graph-section, log-payload and snapshot-index fuzz targets' checks (`FormatFuzzChecks`) over every saved
/// crasher and every seed; each seed must be accepted by its decoder, so the seeds reach the round trip.
struct FuzzCheckReplayTests {
    static var checks: [(target: String, check: (UnsafeRawBufferPointer) -> String?, accepts: (UnsafeRawBufferPointer) -> Bool)] { [
        ("FuzzGraphSection", FormatFuzzChecks.graphSection, { (try? GraphSection.decode($0)) != nil }),
        ("FuzzLogPayload", FormatFuzzChecks.logPayload,
         { raw in raw.first.map { (try? EngineLogPayload.decode(type: $0, payload: Array(raw.dropFirst()))) != nil } ?? false }),
        ("FuzzSnapshotIndex", FormatFuzzChecks.snapshotIndex, { raw in
            var sealed = Array(raw)
            let crc = CRC32C.mask(CRC32C.checksum(raw))
            for shift in stride(from: 0, to: 32, by: 8) { sealed.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
            return sealed.withUnsafeBytes { (try? SnapshotIndex.decode($0)) != nil }
        }),
    ] }

    /// Saved crashers pass their check; seeds pass and are accepted.
    @Test func failCasesAndSeedsPassTheirChecks() throws {
        for (target, check, accepts) in Self.checks {
            for (name, bytes) in try FuzzInputs.failCases(target) {
                #expect(bytes.withUnsafeBytes(check) == nil, "\(name)")
            }
            let seeds = try FuzzInputs.seeds(target)
            #expect(!seeds.isEmpty, "\(target) has a seed corpus")
            for (name, bytes) in seeds {
                #expect(bytes.withUnsafeBytes(check) == nil, "\(target)/\(name)")
                #expect(bytes.withUnsafeBytes(accepts), "\(target)/\(name) is a valid input")
            }
        }
    }

    /// The checks can fail: a graph section whose reserved word is set is refused, one whose re-encoding would differ
    /// cannot be accepted; an upsert of no rows that names a dimension is refused (one encoding per entry).
    @Test func checksRefuseNonCanonicalInputs() throws {
        var graph = try #require(try FuzzInputs.seeds("FuzzGraphSection").first { $0.name == "cosine-5-rows" }).bytes
        graph[56] = 1
        #expect(graph.withUnsafeBytes { (try? GraphSection.decode($0)) == nil })
        var upsert: [UInt8] = [EngineRecordType.upsert.rawValue]
        upsert += [7, 0, 0, 0, 0, 0, 0, 0] + [3, 0, 0, 0] + [0, 0, 0, 0]
        #expect(upsert.withUnsafeBytes { raw in (try? EngineLogPayload.decode(type: raw[0], payload: Array(raw.dropFirst()))) == nil })
    }
}

import Testing
@_spi(Fuzzing) import VectorLogicEngine
import VectorLogicTestSupport

/// The metadata-codec fuzz target's check over every saved crasher and seed.
struct FuzzCheckReplayEngineTests {
    @Test func metadataFailCasesAndSeedsPass() throws {
        let inputs = try FuzzInputs.failCases("FuzzMetadataCodec") + FuzzInputs.seeds("FuzzMetadataCodec")
        #expect(inputs.count >= 5)
        for (name, bytes) in inputs { #expect(bytes.withUnsafeBytes(EngineFuzzChecks.metadata) == nil, "\(name)") }
    }
}

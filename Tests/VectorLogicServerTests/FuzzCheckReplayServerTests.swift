import Testing
@_spi(Fuzzing) import VectorLogicServer
import VectorLogicTestSupport

/// The persona/key request-body fuzz target's check over every saved crasher and seed.
struct FuzzCheckReplayServerTests {
    @Test func requestBodyFailCasesAndSeedsPass() throws {
        let inputs = try FuzzInputs.failCases("FuzzRequestBodies") + FuzzInputs.seeds("FuzzRequestBodies")
        #expect(inputs.count >= 5)
        for (name, bytes) in inputs { #expect(bytes.withUnsafeBytes(ServerFuzzChecks.requestBodies) == nil, "\(name)") }
    }
}

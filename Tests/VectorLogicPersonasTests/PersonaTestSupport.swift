import Foundation
import VectorLogicPersonas
import VectorLogicSync

/// A clock tests move by hand, so decay is tested without waiting.
final class ManualClock: Sendable {
    private let value: Locked<Int64>
    init(_ start: Int64 = 1_700_000_000_000) { value = Locked(start) }
    func advance(_ milliseconds: Int64) { value.withLock { $0 += milliseconds } }
    var now: @Sendable () -> Int64 { { self.value.withLock { $0 } } }
}

/// A fresh temporary directory, removed by `cleanUp`.
struct TemporaryStoreDirectory {
    let path: String
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("vl-personas-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}

/// A small seeded generator (SplitMix64) so random tests can print and replay their seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func makeID() -> String { UUID().uuidString.lowercased() }

func settings(_ name: String = "tester", maxMemorySize: Int = 1_000, decay: Int64 = 604_800_000) -> PersonaSettings {
    var settings = PersonaSettings(name: name)
    settings.maxMemorySize = maxMemorySize
    settings.memoryDecayMilliseconds = decay
    return settings
}

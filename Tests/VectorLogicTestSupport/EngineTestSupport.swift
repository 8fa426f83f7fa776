import Foundation

/// A small, fast, seeded generator (SplitMix64) so random engine tests replay from their printed seed.
public struct EngineRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator from a seed.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A vector of `dimension` values in [-1, 1).
    public mutating func vector(_ dimension: Int) -> [Float] {
        (0..<dimension).map { _ in Float.random(in: -1..<1, using: &self) }
    }
}

/// A fresh empty directory under the system temp folder, removed by `remove()`.
public struct EngineTempDirectory: Sendable {
    /// Its path.
    public let path: String

    /// Creates the directory.
    public init(_ label: String = "engine") {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/vectorlogic-\(label)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Deletes it and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

import Foundation
public import VectorLogicIO

/// The engine tests' seeded generator: the project's one SplitMix64, so random tests replay from their printed seed.
public typealias EngineRandom = SplitMix64

extension SplitMix64 {
    /// A vector of `dimension` values in [-1, 1).
    public mutating func vector(_ dimension: Int) -> [Float] {
        (0..<dimension).map { _ in Float.random(in: -1..<1, using: &self) }
    }
}

/// Seeded test vectors shared by the index and engine tests.
public enum TestVectors {
    /// Gaussian-ish clusters, row-major: `clusters` random centres in [-3, 3)^d, each point a centre plus noise of
    /// ±0.45 per value. Dense clusters make the neighbour heuristic prune hard, so small-m graphs lose in-links.
    public static func clustered(count: Int, dimension: Int, clusters: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        let centres = (0..<(clusters * dimension)).map { _ in rng.unit() * 3 }
        var out: [Float] = []
        out.reserveCapacity(count * dimension)
        for _ in 0..<count {
            let c = Int(rng.next() % UInt64(clusters))
            for j in 0..<dimension {
                let noise = (rng.unit() + rng.unit() + rng.unit()) * 0.15
                out.append(centres[c * dimension + j] + noise)
            }
        }
        return out
    }
}

extension SplitMix64 {
    /// A value in [-1, 1) from the top 24 bits.
    public mutating func unit() -> Float { Float(next() >> 40) * 0x1p-24 * 2 - 1 }
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

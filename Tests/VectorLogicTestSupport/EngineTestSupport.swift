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

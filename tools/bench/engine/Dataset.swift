import Foundation

/// A TEXMEX `.fvecs` file (each vector: little-endian Int32 dimension, then that many Float32), or synthetic vectors.
struct Dataset {
    let dimension: Int
    let vectors: [[Float]]

    /// Reads up to `limit` vectors; nil with a message when the file is missing or malformed.
    static func load(_ path: String, limit: Int) -> Dataset? {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 4 else { return nil }
        return data.withUnsafeBytes { raw -> Dataset? in
            let dimension = Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: Int32.self)))
            guard dimension > 0, dimension <= 20_000 else { return nil }
            let record = 4 + dimension * 4
            let count = min(limit, raw.count / record)
            var vectors: [[Float]] = []
            vectors.reserveCapacity(count)
            for index in 0..<count {
                let base = index * record + 4
                vectors.append((0..<dimension).map { raw.loadUnaligned(fromByteOffset: base + $0 * 4, as: Float.self) })
            }
            return Dataset(dimension: dimension, vectors: vectors)
        }
    }

    /// `count` pseudo-random unit-ish vectors (SplitMix64), for the synthetic reopen figure.
    static func synthetic(count: Int, dimension: Int, seed: UInt64) -> Dataset {
        var state = seed
        func next() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Float(z >> 40) / Float(1 << 24) - 0.5
        }
        return Dataset(dimension: dimension, vectors: (0..<count).map { _ in (0..<dimension).map { _ in next() } })
    }
}

/// Wall-clock helpers.
enum Timing {
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func milliseconds(_ duration: Duration) -> Double { seconds(duration) * 1_000 }

    /// The value at quantile `q` of sorted samples.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q + 0.5))]
    }
}

/// Writes all of a string to stdout or stderr (Swift 6 rejects the C `stdout`/`stderr` globals).
func emit(_ text: String, to descriptor: Int32 = 1) {
    let bytes = Array((text + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return write(descriptor, base + offset, raw.count - offset)
        }
        if written <= 0 { return }
        offset += written
    }
}

extension Distance {
    /// Inner product with Swift `SIMD8<Float>` and four accumulators (measured against the C kernel; see BENCHMARKS.md).
    public static func dotSIMD(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        while i + 32 <= count {
            let o = i * 4
            s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s1 += ra.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
            s2 += ra.loadUnaligned(fromByteOffset: o + 64, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: o + 64, as: SIMD8<Float>.self)
            s3 += ra.loadUnaligned(fromByteOffset: o + 96, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: o + 96, as: SIMD8<Float>.self)
            i += 32
        }
        while i + 8 <= count {
            let o = i * 4
            s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            i += 8
        }
        var s = ((s0 + s1) + (s2 + s3)).sum()
        while i < count {
            s += a[i] * b[i]
            i += 1
        }
        return s
    }

    /// Squared Euclidean distance with Swift `SIMD8<Float>` and four accumulators.
    public static func squaredL2SIMD(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        while i + 32 <= count {
            let o = i * 4
            let d0 = ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let d1 = ra.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
            let d2 = ra.loadUnaligned(fromByteOffset: o + 64, as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: o + 64, as: SIMD8<Float>.self)
            let d3 = ra.loadUnaligned(fromByteOffset: o + 96, as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: o + 96, as: SIMD8<Float>.self)
            s0 += d0 * d0
            s1 += d1 * d1
            s2 += d2 * d2
            s3 += d3 * d3
            i += 32
        }
        while i + 8 <= count {
            let o = i * 4
            let d = ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s0 += d * d
            i += 8
        }
        var s = ((s0 + s1) + (s2 + s3)).sum()
        while i < count {
            let d = a[i] - b[i]
            s += d * d
            i += 1
        }
        return s
    }

    /// Scalar reference inner product, accumulated in Double (the oracle the kernels are tested against).
    public static func dotReference(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
        var s = 0.0
        for i in 0..<count { s += Double(a[i]) * Double(b[i]) }
        return s
    }

    /// Scalar reference squared Euclidean distance, accumulated in Double.
    public static func squaredL2Reference(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
        var s = 0.0
        for i in 0..<count {
            let d = Double(a[i]) - Double(b[i])
            s += d * d
        }
        return s
    }
}

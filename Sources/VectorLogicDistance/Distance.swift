import CVectorLogicKernels

/// Float32 distance kernels over raw pointers.
///
/// `dot` and `squaredL2` call the C kernels of `CVectorLogicKernels` (AVX2+FMA chosen at run time, portable fallback):
/// measured faster than Swift SIMD on this toolchain's default target (see BENCHMARKS.md, "Distance kernels").
/// The Swift SIMD versions and a scalar reference stay for tests and measurement.
public enum Distance {
    /// Inner product `Σ a[i]·b[i]` over `count` floats (C kernel, runtime-dispatched).
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        vl_dot_f32(a, b, count)
    }

    /// Squared Euclidean distance `Σ (a[i]-b[i])²` over `count` floats (C kernel, runtime-dispatched).
    public static func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        vl_l2sq_f32(a, b, count)
    }

    /// True when the dispatched C kernels use AVX2+FMA on this CPU.
    public static var usesAVX2: Bool { vl_kernels_use_avx2() != 0 }

    /// True when the quantized walk's SQ8 kernels also use AVX-512 on this CPU (VNNI for the integer one).
    public static var usesAVX512VNNI: Bool { vl_kernels_use_avx2() == 2 }

    /// `Σ weights[i]·codes[i]` in exact integer arithmetic: the quantized walk's kernel (C, runtime-dispatched:
    /// AVX-512 VNNI, AVX2 or portable). The caller keeps `Σ |weights[i]|·255 < 2^31`.
    public static func sq8DotInteger(_ weights: UnsafePointer<Int16>, _ codes: UnsafePointer<UInt8>, count: Int) -> Int32 {
        vl_sq8_dot_i16(weights, codes, count)
    }

    /// `sq8DotInteger` with the AVX2 kernel even where AVX-512 VNNI is dispatched (portable without AVX2).
    public static func sq8DotIntegerAVX2(_ weights: UnsafePointer<Int16>, _ codes: UnsafePointer<UInt8>, count: Int) -> Int32 {
        vl_sq8_dot_i16_avx2_only(weights, codes, count)
    }

    /// `sq8DotInteger`'s portable C fallback.
    public static func sq8DotIntegerPortable(_ weights: UnsafePointer<Int16>, _ codes: UnsafePointer<UInt8>, count: Int) -> Int32 {
        vl_sq8_dot_i16_portable(weights, codes, count)
    }

    /// The portable C inner product (the fallback used on CPUs without AVX2+FMA).
    public static func dotPortable(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        vl_dot_f32_portable(a, b, count)
    }

    /// The portable C squared Euclidean distance.
    public static func squaredL2Portable(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        vl_l2sq_f32_portable(a, b, count)
    }

    /// Euclidean norm `sqrt(Σ v[i]²)`.
    public static func norm(_ v: UnsafePointer<Float>, count: Int) -> Float {
        dot(v, v, count: count).squareRoot()
    }

    /// `1 / norm(v)`, or 0 for a zero (or non-finite) vector so that its cosine with anything is 0.
    public static func inverseNorm(_ v: UnsafePointer<Float>, count: Int) -> Float {
        let n = norm(v, count: count)
        guard n > 0, n.isFinite else { return 0 }
        return 1 / n
    }

    /// Scales `v` in place to unit length; a zero vector is left unchanged.
    public static func normalize(_ v: UnsafeMutablePointer<Float>, count: Int) {
        let inv = inverseNorm(v, count: count)
        guard inv > 0 else { return }
        for i in 0..<count { v[i] *= inv }
    }

    /// A unit-length copy of `v` (a zero vector is returned unchanged).
    public static func normalized(_ v: [Float]) -> [Float] {
        var copy = v
        copy.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { normalize(base, count: buffer.count) }
        }
        return copy
    }
}

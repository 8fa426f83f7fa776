extension Distance {
    /// The largest squared L2 norm a stored or query vector may have: 1e37 (a norm of about 3.16e18).
    ///
    /// Why this bound keeps every score finite in Float32: for two vectors with `|a|², |b|² ≤ B`, Cauchy–Schwarz gives
    /// `|a · b| ≤ |a||b| ≤ B` and `|a - b|² ≤ (|a| + |b|)² ≤ 4B`, and the same holds for every partial sum a SIMD lane
    /// accumulates (a partial sum is the same expression over a subset of the dimensions). With `B = 1e37`, `4B` is
    /// about 1/8.5 of `Float.greatestFiniteMagnitude` (3.4e38), leaving room for rounding: dot products, cosine
    /// distances and squared Euclidean distances between accepted vectors never overflow to ±inf or NaN.
    public static let maxSquaredNorm: Double = 1e37

    /// `Σ v[i]²` computed in Double, so it is exact enough to compare against `maxSquaredNorm` even when the Float sum
    /// would overflow (a Float32 value squared is at most about 1.2e77, far inside Double's range).
    public static func squaredNormInDouble(_ values: [Float]) -> Double {
        var sum = 0.0
        for value in values {
            let wide = Double(value)
            sum += wide * wide
        }
        return sum
    }
}

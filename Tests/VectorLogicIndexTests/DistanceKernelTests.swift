import VectorLogicIO
import Testing
import VectorLogicDistance

@Suite struct DistanceKernelTests {
    /// Every kernel (dispatched C, portable C, Swift SIMD) agrees with the Double scalar reference for many
    /// dimensions, including ones that are not multiples of 8 or 32.
    @Test func kernelsMatchScalarReference() {
        let seed: UInt64 = 0xD157
        print("kernelsMatchScalarReference seed \(seed)")
        var rng = SplitMix64(seed: seed)
        for dimension in [1, 3, 7, 8, 9, 15, 16, 31, 32, 33, 63, 100, 384, 385, 767, 1536] {
            let a = (0..<dimension).map { _ in rng.unit() }
            let b = (0..<dimension).map { _ in rng.unit() }
            a.withUnsafeBufferPointer { ab in
                b.withUnsafeBufferPointer { bb in
                    let pa = ab.baseAddress!, pb = bb.baseAddress!
                    let refDot = Distance.dotReference(pa, pb, count: dimension)
                    let refL2 = Distance.squaredL2Reference(pa, pb, count: dimension)
                    let tolerance = 1e-5 * Double(dimension) + 1e-6
                    for dot in [Distance.dot, Distance.dotPortable, Distance.dotSIMD] {
                        #expect(abs(Double(dot(pa, pb, dimension)) - refDot) <= tolerance, "dot d=\(dimension)")
                    }
                    for l2 in [Distance.squaredL2, Distance.squaredL2Portable, Distance.squaredL2SIMD] {
                        #expect(abs(Double(l2(pa, pb, dimension)) - refL2) <= tolerance, "l2 d=\(dimension)")
                    }
                }
            }
        }
    }

    /// Scores follow the API conventions and invert `distance(fromScore:)`.
    @Test func scoresFromDistances() {
        #expect(DistanceMetric.cosine.score(fromDistance: 0.25) == 0.75)
        #expect(DistanceMetric.dot.score(fromDistance: -3) == 3)
        #expect(DistanceMetric.euclidean.score(fromDistance: 16) == 4)
        #expect(DistanceMetric.cosine.higherScoreIsBetter && DistanceMetric.dot.higherScoreIsBetter)
        #expect(!DistanceMetric.euclidean.higherScoreIsBetter)
        for metric in DistanceMetric.allCases {
            #expect(metric.distance(fromScore: metric.score(fromDistance: 2.5)) == 2.5)
        }
    }

    /// Normalisation gives unit length and leaves the zero vector alone.
    @Test func normalizationGivesUnitLength() {
        let v = Distance.normalized([3, 4, 0, 0, 0, 0, 0, 0, 12])
        let n = v.withUnsafeBufferPointer { Distance.norm($0.baseAddress!, count: $0.count) }
        #expect(abs(n - 1) < 1e-6)
        #expect(Distance.normalized([0, 0, 0]) == [0, 0, 0])
    }
}

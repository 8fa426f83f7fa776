import VectorLogicDistance
import VectorLogicFormat
import VectorLogicIndex

/// `vectorlogic bench --kernels`: times each distance kernel on the base vectors, L1-resident (one pair, repeated)
/// and random (pairs spread over all rows, memory-bound), to choose between the C kernel and Swift SIMD; and CRC32C
/// over the base rows' bytes (what `verify` and the background check read), hardware and table paths.
enum KernelBench {
    typealias Kernel = (UnsafePointer<Float>, UnsafePointer<Float>, Int) -> Float

    static func run(_ source: FlatVectorSource) -> String {
        let kernels: [(String, Kernel)] = [
            ("C dispatched dot (\(Distance.usesAVX2 ? "AVX2+FMA" : "portable"))", { Distance.dot($0, $1, count: $2) }),
            ("C portable dot", { Distance.dotPortable($0, $1, count: $2) }),
            ("Swift SIMD8 dot", { Distance.dotSIMD($0, $1, count: $2) }),
            ("C dispatched squared L2", { Distance.squaredL2($0, $1, count: $2) }),
            ("Swift SIMD8 squared L2", { Distance.squaredL2SIMD($0, $1, count: $2) }),
        ]
        var lines = ["kernel ns/distance at d = \(source.dimension): L1-resident, random rows (median of 3)"]
        for (name, kernel) in kernels {
            let hot = BenchRunner.median((0..<3).map { _ in time(kernel, source: source, random: false) })
            let cold = BenchRunner.median((0..<3).map { _ in time(kernel, source: source, random: true) })
            lines.append("  \(name): \(BenchReport.number(hot, 1)) ns, \(BenchReport.number(cold, 1)) ns")
        }
        lines += integerLines(source)
        lines.append(crcLine(source))
        return lines.joined(separator: "\n")
    }

    /// CRC32C throughput over all base rows as one buffer (memory-bound past the caches), median of 3 passes.
    private static func crcLine(_ source: FlatVectorSource) -> String {
        let bytes = UnsafeRawBufferPointer(start: source.vector(0), count: source.count * source.dimension * 4)
        func gbPerSecond(_ checksum: (UnsafeRawBufferPointer) -> UInt32) -> Double {
            let clock = ContinuousClock()
            return BenchRunner.median((0..<3).map { _ in
                let start = clock.now
                let crc = checksum(bytes)
                let seconds = BenchRunner.seconds(clock.now - start)
                if crc == 0x5EED_5EED { print("") }  // keeps the work observable
                return Double(bytes.count) / max(seconds, 1e-9) / 1e9
            })
        }
        let dispatched = gbPerSecond { CRC32C.checksum($0) }
        let portable = gbPerSecond { CRC32C.portableChecksum($0) }
        return "CRC32C GB/s over \(bytes.count / 1_000_000) MB of rows: \(CRC32C.usesHardware ? "SSE4.2, 3 chains" : "table") "
            + "\(BenchReport.number(dispatched, 2)), portable table \(BenchReport.number(portable, 2))"
    }

    /// The quantized walk's integer kernel (int16 weights · one uint8 code per value), dispatched, AVX2 and portable,
    /// over codes made from the base rows by one fixed affine map (the timing does not depend on the codes' values;
    /// random rows are the walk's case: each code row is a cache miss unless prefetched).
    private static func integerLines(_ source: FlatVectorSource) -> [String] {
        typealias IntegerKernel = (UnsafePointer<Int16>, UnsafePointer<UInt8>, Int) -> Int32
        let dimension = source.dimension
        var codes = [UInt8](repeating: 0, count: source.count * dimension)
        for row in 0..<source.count {
            let values = source.vector(UInt32(row))
            for index in 0..<dimension { codes[row * dimension + index] = UInt8(clamping: Int((values[index] + 0.5) * 255)) }
        }
        let query = source.vector(0)
        // |w| ≤ 2,000: Σ |w|·255 stays below 2^31 up to 4,000 dimensions.
        let weights = (0..<dimension).map { Int16(clamping: Int(max(-0.5, min(0.5, query[$0])) * 4_000)) }
        let dispatched = Distance.usesAVX512VNNI ? "AVX-512 VNNI" : Distance.usesAVX2 ? "AVX2" : "portable"
        let kernels: [(String, IntegerKernel)] = [
            ("C dispatched integer SQ8 dot (\(dispatched))", { Distance.sq8DotInteger($0, $1, count: $2) }),
            ("C AVX2 integer SQ8 dot", { Distance.sq8DotIntegerAVX2($0, $1, count: $2) }),
            ("C portable integer SQ8 dot", { Distance.sq8DotIntegerPortable($0, $1, count: $2) }),
        ]
        return codes.withUnsafeBufferPointer { table in
            guard let base = table.baseAddress else { return [] }
            return kernels.map { name, kernel in
                let run = { (random: Bool) in
                    time(rows: source.count, random: random) { row in Float(kernel(weights, base + Int(row) * dimension, dimension)) }
                }
                let hot = BenchRunner.median((0..<3).map { _ in run(false) })
                let cold = BenchRunner.median((0..<3).map { _ in run(true) })
                return "  \(name): \(BenchReport.number(hot, 1)) ns, \(BenchReport.number(cold, 1)) ns"
            }
        }
    }

    private static func time(_ kernel: Kernel, source: FlatVectorSource, random: Bool) -> Double {
        let query = source.vector(0)
        return time(rows: source.count, random: random) { row in kernel(query, source.vector(row), source.dimension) }
    }

    /// Nanoseconds per call of `body` over 2,000,000 calls: always row 1 (L1-resident), or rows drawn at random.
    private static func time(rows: Int, random: Bool, _ body: (UInt32) -> Float) -> Double {
        let iterations = 2_000_000
        let n = UInt64(max(rows, 1))
        var state: UInt64 = 0x1234_5678
        var sink: Float = 0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<iterations {
            var row: UInt32 = 1
            if random {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                row = UInt32((state >> 33) % n)
            }
            sink += body(row)
        }
        let ns = BenchRunner.seconds(clock.now - start) * 1e9 / Double(iterations)
        if sink.isNaN { print("") }  // keeps the work observable
        return ns
    }
}

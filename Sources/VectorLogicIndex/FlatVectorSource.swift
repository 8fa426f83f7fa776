/// An immutable in-memory `VectorSource` over one contiguous, 64-byte aligned allocation (tests, benchmarks, rebuilds).
public final class FlatVectorSource: VectorSource, @unchecked Sendable {
    /// Floats per vector.
    public let dimension: Int
    /// Number of rows.
    public let count: Int
    private let storage: UnsafeMutableRawPointer
    private let floats: UnsafeMutablePointer<Float>

    /// Copies `vectors` (row-major, `count * dimension` floats). `vectors.count` must be a multiple of `dimension`.
    public init(dimension: Int, vectors: [Float]) {
        precondition(dimension > 0 && vectors.count % dimension == 0, "vectors must hold whole rows")
        self.dimension = dimension
        self.count = vectors.count / dimension
        let bytes = max(vectors.count, 1) * MemoryLayout<Float>.stride
        storage = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        floats = storage.bindMemory(to: Float.self, capacity: max(vectors.count, 1))
        vectors.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { floats.initialize(from: base, count: buffer.count) }
        }
    }

    /// Takes `count * dimension` floats produced by `fill` straight into the aligned storage (no intermediate array).
    public init(dimension: Int, count: Int, fill: (UnsafeMutableBufferPointer<Float>) -> Void) {
        precondition(dimension > 0 && count >= 0)
        self.dimension = dimension
        self.count = count
        let total = max(count * dimension, 1)
        storage = UnsafeMutableRawPointer.allocate(byteCount: total * MemoryLayout<Float>.stride, alignment: 64)
        floats = storage.bindMemory(to: Float.self, capacity: total)
        floats.initialize(repeating: 0, count: total)
        fill(UnsafeMutableBufferPointer(start: floats, count: count * dimension))
    }

    deinit { storage.deallocate() }

    /// The vector of `row`.
    public func vector(_ row: UInt32) -> UnsafePointer<Float> {
        UnsafePointer(floats + Int(row) * dimension)
    }

    /// Rows are contiguous with stride `dimension`.
    public var contiguousRows: ContiguousRows? {
        ContiguousRows(base: UnsafePointer(floats), stride: dimension)
    }
}

import Logging
import Synchronization

/// What the memtable keeps per row besides the values.
struct MemtableRow: Sendable {
    /// The client id.
    let id: String
    /// Metadata as compact JSON text (`CompactJSON.bytes`; empty for none): the one representation, which the log and
    /// the segment store, responses copy and filters scan. No parsed tree is kept beside it.
    let metadata: [UInt8]
}

/// Recent writes of one collection, in memory: an append-only table of rows with stable addresses.
///
/// Values live in fixed-size chunks that never move, so the HNSW graph and readers can hold raw pointers into them
/// (the index's `VectorSource`). Rows are appended only under the database's core lock, and a reader only looks at rows
/// below the row count of the snapshot it took under that lock, so every row it reads was fully written before the
/// lock handed the snapshot over (no atomics needed, and TSan sees the happens-before edge through the lock).
/// Rows are never changed after they are appended: an overwrite appends a new row and tombstones the old one.
final class Memtable: @unchecked Sendable {
    /// Rows per chunk: 1024 rows of 384 floats is 1.5 MiB per allocation.
    static let chunkRows = 1024
    /// Chunks per memtable: caps a memtable at 16 M rows; writers are slowed long before that (flush threshold).
    static let maxChunks = 16_384

    /// Floats per vector.
    let dimension: Int
    private let valueChunks: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>
    private let rowChunks: UnsafeMutablePointer<UnsafeMutablePointer<MemtableRow>?>
    /// Rows appended; written under the core lock only.
    private(set) var count = 0

    init(dimension: Int) {
        self.dimension = dimension
        valueChunks = .allocate(capacity: Self.maxChunks)
        valueChunks.initialize(repeating: nil, count: Self.maxChunks)
        rowChunks = .allocate(capacity: Self.maxChunks)
        rowChunks.initialize(repeating: nil, count: Self.maxChunks)
    }

    deinit {
        let chunks = (count + Self.chunkRows - 1) / Self.chunkRows
        for chunk in 0..<chunks {
            valueChunks[chunk]?.deallocate()
            let rowsInChunk = min(Self.chunkRows, count - chunk * Self.chunkRows)
            rowChunks[chunk]?.deinitialize(count: rowsInChunk)
            rowChunks[chunk]?.deallocate()
        }
        valueChunks.deallocate()
        rowChunks.deallocate()
    }

    /// Whether another row fits.
    var isFull: Bool { count >= Self.chunkRows * Self.maxChunks }

    /// Appends a row (caller holds the core lock and checked `isFull`); returns its row number.
    func append(values: UnsafeBufferPointer<Float>, row: MemtableRow) -> UInt32 {
        precondition(values.count == dimension && !isFull, "memtable append out of contract")
        let chunk = count / Self.chunkRows
        let slot = count % Self.chunkRows
        if slot == 0 {
            valueChunks[chunk] = .allocate(capacity: Self.chunkRows * dimension)
            rowChunks[chunk] = .allocate(capacity: Self.chunkRows)
        }
        guard let valueBase = valueChunks[chunk], let rowBase = rowChunks[chunk] else { preconditionFailure("chunk") }
        if let source = values.baseAddress {
            (valueBase + slot * dimension).update(from: source, count: dimension)
        }
        (rowBase + slot).initialize(to: row)
        count += 1
        return UInt32(count - 1)
    }

    /// The values of a row below a snapshot's count.
    @inline(__always)
    func vector(_ row: UInt32) -> UnsafePointer<Float> {
        let index = Int(row)
        guard let base = valueChunks[index / Self.chunkRows] else { preconditionFailure("row \(row) not written") }
        return UnsafePointer(base + (index % Self.chunkRows) * dimension)
    }

    /// The id and metadata of a row below a snapshot's count.
    @inline(__always)
    func row(_ row: UInt32) -> MemtableRow {
        let index = Int(row)
        guard let base = rowChunks[index / Self.chunkRows] else { preconditionFailure("row \(row) not written") }
        return base[index % Self.chunkRows]
    }

    /// A copy of a row's values.
    func values(_ row: UInt32) -> [Float] {
        Array(UnsafeBufferPointer(start: vector(row), count: dimension))
    }
}

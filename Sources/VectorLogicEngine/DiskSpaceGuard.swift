import VectorLogicIO

/// Refuses writes before the disk is full instead of failing them in the middle (issue 11, "Disk full, really").
///
/// A log write that fails leaves the in-memory state holding records the log never got (they are applied in the
/// critical section that appends them), so the engine must then stop writing until restart. To keep that for real
/// device errors, every write first checks the free space of the data directory's file system (statvfs, ~1 µs):
/// it must hold `minimumFreeBytes`, plus what flushing the memtables will write, plus twice the record. Otherwise the
/// write gets `EngineError.diskFull` with nothing changed; the next write checks again, so writes resume by themselves
/// once space is freed. Checkpoints that meet a full disk anyway are undone and retried (`Database.checkpoint`).
enum DiskSpaceGuard {
    /// Bytes a flush writes per memtable row beyond its values: the id, metadata and offsets (~100 bytes), the id
    /// order (4) and the HNSW graph (4 × (1 + 2m) = 132 at m = 16, plus levels and norms), rounded up.
    static let flushBytesPerRow: Int64 = 320

    /// Throws `diskFull` when `free` bytes cannot hold the reserve, the flush of the memtables and the record.
    static func check(free: Int64?, state: CoreState, recordBytes: Int, options: DatabaseOptions) throws(EngineError) {
        guard let free else { return }
        let needed = options.minimumFreeBytes + flushBytes(state) + Int64(recordBytes) * 2
        guard free >= needed else {
            throw EngineError.diskFull("\(free) bytes free on the data directory's file system, \(needed) needed "
                                       + "(\(options.minimumFreeBytes) kept free plus the next flush)")
        }
    }

    /// What flushing every memtable (active and frozen) would write, estimated from its rows and value bytes.
    static func flushBytes(_ state: CoreState) -> Int64 {
        var total: Int64 = 0
        for collection in state.collections.values {
            let stride = Int64((collection.config.dimension * 4 + 63) / 64 * 64)
            for memtable in collection.frozen + [collection.active] {
                total += Int64(memtable.table.count) * (stride + flushBytesPerRow)
            }
        }
        return total
    }
}

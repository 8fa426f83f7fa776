import Synchronization
public import Logging

/// When a write is acknowledged relative to the log reaching the disk. Chosen explicitly, never silently weakened.
public enum Durability: Sendable, Hashable {
    /// Acknowledge after the log record is fdatasync'd (group commit shares one fsync among concurrent writers).
    case fsync
    /// Acknowledge once the record is in the log buffer; the commit thread writes and fsyncs every `intervalMilliseconds`.
    /// A crash loses at most that interval.
    case batch(intervalMilliseconds: Int)
    /// Acknowledge once in the log buffer; written without fsync (the OS decides). Tests and bulk loads only.
    case none
}

/// How searches re-read a segment's float32 rows to re-rank the candidates found over SQ8 codes.
public enum VectorReads: String, Sendable, Hashable, CaseIterable {
    /// `pread` for segments whose float32 rows reach `autoPreadBytes`, the mapping for smaller ones (the default).
    case auto
    /// Through the segment's mapping: fastest; every row a search touches stays in the process's resident set
    /// (at 1M × 384 the rows are 1.5 GB, most of the RSS once searches have touched them: 1.40× the raw rows).
    case mapped
    /// With `pread` from the segment file: the rows stay in the page cache (shared, reclaimable), not in the resident
    /// set, which then holds the SQ8 codes, graphs and ids (Qdrant's "original vectors on disk"). One system call per
    /// re-measured candidate; a search re-measures only candidates that could make its top k over all segments
    /// (~21 a query at 1M rows, k 10, ef 32).
    case pread

    /// Segments whose float32 rows take at least this many bytes are read with `pread` under `.auto`: 256 MiB, e.g.
    /// 174,763 rows of 384 dimensions. Why: a re-rank costs ~2.5 µs more per row with pread, whatever the segment's
    /// size, while the walk grows with it and the mapping's resident pages grow with it. At 1M × 384 rows (segments of
    /// 100,000–200,000 rows) pread cost 1–13% of the QPS over HTTP (medians) and took RSS from 1.40× to 0.40× the rows;
    /// at 100,000 rows (one 147 MiB segment) a query is short and pread would cost ~20%, for 0.15 GB.
    public static let autoPreadBytes = 256 << 20

    /// Whether a segment whose vectors take `vectorBytes` re-ranks with `pread`.
    public func usesPread(vectorBytes: Int) -> Bool {
        switch self {
        case .auto: return vectorBytes >= Self.autoPreadBytes
        case .mapped: return false
        case .pread: return true
        }
    }
}

/// Tuning knobs of a database; the defaults suit a server.
public struct DatabaseOptions: Sendable {
    /// Acknowledgement rule for writes.
    public var durability: Durability
    /// Total memtable rows (all collections) that trigger a flush to segments.
    public var memtableFlushRows: Int
    /// Total memtable bytes (vector values) that trigger a flush.
    public var memtableFlushBytes: Int
    /// Unindexed rows (written but not yet in an HNSW graph) above which writers are slowed (never failed).
    public var maxUnindexedBacklog: Int
    /// A log file is rotated after it grows past this many bytes.
    public var logFileBytes: Int
    /// A collection is compacted when it has more than this many segments.
    public var compactionSegmentCount: Int
    /// A segment is rewritten when this fraction of its rows is dead (and at least `compactionMinDeadRows` rows are).
    public var compactionDeadFraction: Double
    /// Minimum dead rows before the dead fraction triggers a compaction.
    public var compactionMinDeadRows: Int
    /// Run flushes, compactions and indexing in background threads. Off in some deterministic tests, which call `checkpoint()`.
    public var backgroundWork: Bool
    /// Where the engine reports recovery, flushes, compactions and I/O failures.
    public var logger: Logger
    /// Free bytes the data directory's file system must keep, beyond what flushing the memtables will write, for a
    /// write to be accepted; below it writes get `diskFull` (nothing changes) until space is freed (`DiskSpaceGuard`).
    public var minimumFreeBytes: Int64 = 64 << 20
    /// How the re-rank of a search reads segment rows (`VectorReads`).
    public var vectorReads: VectorReads = .auto
    /// A memtable of at least `idleFlushMinimumRows` rows is flushed once no write has reached the log for this many
    /// seconds (0: never), so a collection that stops growing is searched from segments (SQ8 walk, checksummed
    /// blocks) rather than from the memtable's float graph, and a crash leaves no log of it to replay. A 1M-row load
    /// left 99,000 rows (150 MB of log) in the memtable (BENCHMARKS.md "One million vectors, runs 5, 6 and 7").
    public var idleFlushSeconds: Int = 30
    /// A writer held back by the memory bounds (`maxUnindexedBacklog`, twice `memtableFlushRows`) goes on after this
    /// many seconds whatever the bounds say: the bounds keep memory in check, they are no reason to fail a write; a
    /// wait this long means the disk or the indexer has stalled, and the log still takes the write. 0 or less: a held
    /// writer goes on at its first retry as the queue's head (2 ms later).
    public var maxWriterWaitSeconds: Int = 600
    /// Smallest memtable an idle flush writes: smaller ones are cheap to search and replay, and would only make
    /// small segments for compaction to merge.
    public var idleFlushMinimumRows: Int = 10_000

    /// Options with defaults: fsync durability, flush at 100,000 rows or 256 MiB, backlog bound 200,000.
    public init(durability: Durability = .fsync, memtableFlushRows: Int = 100_000, memtableFlushBytes: Int = 256 << 20,
                maxUnindexedBacklog: Int = 200_000, logFileBytes: Int = 64 << 20, compactionSegmentCount: Int = 6,
                compactionDeadFraction: Double = 0.3, compactionMinDeadRows: Int = 1_000, backgroundWork: Bool = true,
                logger: Logger = Logger(label: "vectorlogic.engine")) {
        self.durability = durability
        self.memtableFlushRows = memtableFlushRows
        self.memtableFlushBytes = memtableFlushBytes
        self.maxUnindexedBacklog = maxUnindexedBacklog
        self.logFileBytes = logFileBytes
        self.compactionSegmentCount = compactionSegmentCount
        self.compactionDeadFraction = compactionDeadFraction
        self.compactionMinDeadRows = compactionMinDeadRows
        self.backgroundWork = backgroundWork
        self.logger = logger
    }
}

/// Engine-wide figures for `/v1/stats` and `/metrics`.
public struct DatabaseStats: Sendable, Hashable {
    /// Collections.
    public var collections: Int
    /// Live vectors in all collections.
    public var vectors: Int
    /// Dead rows awaiting compaction.
    public var deleted: Int
    /// Segment files.
    public var segments: Int
    /// Live vectors in memtables (not yet flushed).
    public var memtableVectors: Int
    /// Bytes of segment files, manifest and logs.
    public var diskBytes: Int64
    /// Bytes of segment files currently mapped.
    public var mappedBytes: Int64
    /// Bytes appended to the log since open.
    public var walBytes: Int64
    /// fdatasync calls on the log since open.
    public var fsyncs: Int64
    /// Flushes since open.
    public var flushes: Int64
    /// Compactions since open.
    public var compactions: Int64
    /// Written rows not yet in an HNSW graph (searched exactly meanwhile).
    public var unindexedVectors: Int
    /// Whether writes are accepted.
    public var writable: Bool
    /// Rows of damaged segment blocks, skipped by every read until `vectorlogic repair` (data-format.md "Block checksums").
    public var unreadableRows: Int = 0
    /// One line per damaged segment: its file and what failed.
    public var damage: [String] = []
    /// Vectors acknowledged by upserts since open.
    public var upsertedVectors: Int64 = 0
    /// Memtable flushes the running checkpoint is writing now.
    public var flushesRunning: Int = 0
    /// Compactions the running checkpoint is writing now.
    public var compactionsRunning: Int = 0

    /// Builds the figures.
    public init(collections: Int = 0, vectors: Int = 0, deleted: Int = 0, segments: Int = 0, memtableVectors: Int = 0,
                diskBytes: Int64 = 0, mappedBytes: Int64 = 0, walBytes: Int64 = 0, fsyncs: Int64 = 0, flushes: Int64 = 0,
                compactions: Int64 = 0, unindexedVectors: Int = 0, writable: Bool = true) {
        self.collections = collections
        self.vectors = vectors
        self.deleted = deleted
        self.segments = segments
        self.memtableVectors = memtableVectors
        self.diskBytes = diskBytes
        self.mappedBytes = mappedBytes
        self.walBytes = walBytes
        self.fsyncs = fsyncs
        self.flushes = flushes
        self.compactions = compactions
        self.unindexedVectors = unindexedVectors
        self.writable = writable
    }
}

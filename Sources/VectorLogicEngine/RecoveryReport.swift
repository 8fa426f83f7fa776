import Logging
import Synchronization
/// What `Database.open` found and did while recovering, for logs, `/ready` and tests.
public struct RecoveryReport: Sendable, Hashable, Codable {
    /// A torn record at the end of the newest log (an interrupted append) that was cut off.
    public struct TornTail: Sendable, Hashable, Codable {
        /// The log file.
        public var file: String
        /// Where the torn record began (the file was truncated to this length).
        public var offset: Int64
        /// Bytes dropped.
        public var droppedBytes: Int64
        /// Why the record was judged torn.
        public var reason: String
    }

    /// Log records applied after the manifest's checkpoint.
    public var replayedRecords = 0
    /// Records skipped because their collection no longer exists.
    public var skippedRecords = 0
    /// The torn tail that was cut off, if any.
    public var tornTail: TornTail?
    /// Leftover temporary files removed (interrupted flushes, compactions or manifest writes).
    public var removedTemporaryFiles: [String] = []
    /// Segment files no manifest referenced (written by a flush or compaction that crashed before its manifest), removed.
    public var removedOrphanSegments: [String] = []
    /// Log files already covered by the manifest's checkpoint, removed.
    public var removedObsoleteLogs: [String] = []

    /// An empty report.
    public init() {}
}

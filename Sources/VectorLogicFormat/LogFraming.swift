/// One write-ahead-log record: a type chosen by the engine (never 0), the log sequence number, and an opaque payload.
/// Framing is in data-format.md, "Write-ahead log framing".
public struct LogRecord: Sendable, Hashable {
    /// Record type; 0 is reserved so a zero-filled region never frames a record.
    public var type: UInt8
    /// Log sequence number assigned by the engine.
    public var lsn: UInt64
    /// The engine's payload bytes.
    public var payload: [UInt8]

    /// Creates a record.
    public init(type: UInt8, lsn: UInt64, payload: [UInt8]) {
        self.type = type
        self.lsn = lsn
        self.payload = payload
    }
}

/// The fixed header at the start of every log file.
public struct LogFileHeader: Sendable, Hashable {
    /// Format version of the file (this build writes `LogFraming.version`).
    public var version: UInt32
    /// The log number the engine gave this file (also in its name).
    public var logNumber: UInt64

    /// Creates a header value.
    public init(version: UInt32 = LogFraming.version, logNumber: UInt64) {
        self.version = version
        self.logNumber = logNumber
    }
}

/// How a log scan ended.
public enum LogScanEnding: Sendable, Hashable {
    /// Every byte after the header belongs to a valid record.
    case clean
    /// The bytes from `offset` to the end of the file hold no valid record and look like an interrupted append (a record
    /// cut short by the end of the file, or zeros where its last sectors never reached the disk). Not corruption:
    /// replay stops at `offset` and the tail may be truncated.
    case tornTail(offset: Int, reason: String)
    /// A bad record at `offset` with a valid record after it at `resumeOffset`; or, with `resumeOffset` nil, a bad file
    /// header or a last record whose bytes were all written but are damaged (a flipped bit in the last, fsync'd record):
    /// data loss, which must be reported, never skipped silently.
    case corrupt(offset: Int, reason: String, resumeOffset: Int?)
}

/// The result of `LogFraming.scan`: the clean prefix of records, where it ends, and why.
public struct LogScanResult: Sendable, Hashable {
    /// The file header, when it was present and valid.
    public var header: LogFileHeader?
    /// Every valid record before the first bad one, in file order.
    public var records: [LogRecord]
    /// The byte offset of each record in `records` (same indices).
    public var offsets: [Int]
    /// The end of the last valid record (or of the header): where an append may continue after truncating.
    public var validEnd: Int
    /// Why the scan stopped.
    public var ending: LogScanEnding

    /// Creates a result.
    public init(header: LogFileHeader?, records: [LogRecord], offsets: [Int], validEnd: Int, ending: LogScanEnding) {
        self.header = header
        self.records = records
        self.offsets = offsets
        self.validEnd = validEnd
        self.ending = ending
    }
}

/// Write-ahead-log file header and record framing (data-format.md, "Write-ahead log framing").
///
/// File = header (32 bytes) followed by records. Record = length u32 | masked crc32c u32 | type u8 | lsn u64 | payload,
/// where `length` is the payload length and the CRC covers type, lsn and payload.
public enum LogFraming {
    /// "VLWAL\r\n\u{1A}": the name, then CR LF and SUB, which catch text-mode line-ending conversion and stop `type` on DOS
    /// (the PNG trick).
    public static let magic: [UInt8] = [0x56, 0x4C, 0x57, 0x41, 0x4C, 0x0D, 0x0A, 0x1A]
    /// The format version this build writes and reads.
    public static let version: UInt32 = 1
    /// Size of the file header: magic 8, version 4, flags 4, log number 8, reserved 4, masked crc32c of bytes 0..<28 4.
    public static let fileHeaderSize = 32
    /// Size of a record header: length 4, crc 4, type 1, lsn 8.
    public static let recordHeaderSize = 17
    /// The largest payload a record may carry (64 MiB): bounds what a reader allocates from a length field and what a
    /// torn length can make it skip. The engine splits larger batches across records.
    public static let maxPayloadLength = 64 << 20

    /// The 32 header bytes for a new log file.
    public static func encodeFileHeader(logNumber: UInt64) -> [UInt8] {
        var out = magic
        out.reserveCapacity(fileHeaderSize)
        out.appendLE(version)
        out.appendLE(UInt32(0))  // flags: none defined in version 1
        out.appendLE(logNumber)
        out.appendLE(UInt32(0))  // reserved (zero), covered by the checksum like every other header byte
        let crc = out.withUnsafeBytes { CRC32C.checksum($0) }
        out.appendLE(CRC32C.mask(crc))
        return out
    }

    /// Decodes and validates a file header (magic, header CRC, known version).
    public static func decodeFileHeader(_ file: UnsafeRawBufferPointer) throws(FormatError) -> LogFileHeader {
        guard file.count >= fileHeaderSize else {
            throw FormatError(offset: 0, reason: "log file shorter than its \(fileHeaderSize)-byte header")
        }
        guard file.sub(0, 8).elementsEqual(magic) else { throw FormatError(offset: 0, reason: "not a VectorLogic log file (bad magic)") }
        let stored = CRC32C.unmask(file.le32(at: 28))
        guard CRC32C.checksum(file.sub(0, 28)) == stored else {
            throw FormatError(offset: 28, reason: "log file header checksum mismatch")
        }
        let fileVersion = file.le32(at: 8)
        guard fileVersion == version else {
            throw FormatError(offset: 8, reason: "unsupported log format version \(fileVersion) (this build reads \(version))")
        }
        guard file.le32(at: 12) == 0, file.le32(at: 24) == 0 else {
            throw FormatError(offset: 12, reason: "log file header has flags or reserved bits this build does not know")
        }
        return LogFileHeader(version: fileVersion, logNumber: file.le64(at: 16))
    }

    /// Appends one framed record to `output`.
    /// - Precondition: `record.type != 0` and the payload is at most `maxPayloadLength` (programmer errors).
    public static func encode(_ record: LogRecord, into output: inout [UInt8]) {
        precondition(record.type != 0, "log record type 0 is reserved")
        precondition(record.payload.count <= maxPayloadLength, "log record payload exceeds maxPayloadLength")
        var body: [UInt8] = []
        body.reserveCapacity(9)
        body.append(record.type)
        body.appendLE(record.lsn)
        let crc = record.payload.withUnsafeBytes { payload in
            CRC32C.checksum(payload, seed: body.withUnsafeBytes { CRC32C.checksum($0) })
        }
        output.reserveCapacity(output.count + recordHeaderSize + record.payload.count)
        output.appendLE(UInt32(record.payload.count))
        output.appendLE(CRC32C.mask(crc))
        output.append(contentsOf: body)
        output.append(contentsOf: record.payload)
    }

    /// One framed record as a new array.
    public static func encode(_ record: LogRecord) -> [UInt8] {
        var out: [UInt8] = []
        encode(record, into: &out)
        return out
    }
}

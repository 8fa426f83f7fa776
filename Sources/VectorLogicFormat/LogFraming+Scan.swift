// Reading a log file image back: the torn-tail vs mid-log-corruption rule (data-format.md, "Write-ahead log framing").
extension LogFraming {
    /// Scans a whole log file image and returns the clean prefix of records. Total: never traps, allocates only
    /// payloads whose length has been checked against the file.
    ///
    /// The scan stops at the first bad record at offset `p` (incomplete header, length over the cap or past the end of
    /// the file, type 0, checksum mismatch). It then looks for any valid record starting at an offset after `p`:
    /// - one found at `q`: `.corrupt(p, resumeOffset: q)`. A record was written after the bad one, so the bad bytes are
    ///   damage in the middle of the log, not an interrupted append; the caller must report it (file, offset, bytes lost).
    /// - none found, and the bad record is complete with bytes a crash cannot leave (`tailDamage`: e.g. one flipped bit
    ///   in the last, fsync'd record): `.corrupt(p, resumeOffset: nil)`, reported like mid-log damage.
    /// - otherwise `.tornTail(p)`. Everything from `p` on is what a crash during an append leaves (a partial record, a
    ///   record cut short by the end of the file, a zero-filled extension, a complete-length record whose last sectors
    ///   never reached the disk), so replay stops quietly and the tail may be truncated at `p`.
    /// A missing or all-zero file header is a torn tail at 0 (the file's creation was interrupted); a bad magic, header
    /// checksum or unknown version is `.corrupt(offset, resumeOffset: nil)`.
    public static func scan(_ file: UnsafeRawBufferPointer) -> LogScanResult {
        if file.count < fileHeaderSize || file.sub(0, fileHeaderSize).allSatisfy({ $0 == 0 }) {
            let why = file.count < fileHeaderSize ? "file ends inside its header" : "zero-filled header"
            return LogScanResult(header: nil, records: [], offsets: [], validEnd: 0, ending: .tornTail(offset: 0, reason: why))
        }
        let header: LogFileHeader
        do {
            header = try decodeFileHeader(file)
        } catch {
            return LogScanResult(header: nil, records: [], offsets: [], validEnd: 0,
                                 ending: .corrupt(offset: error.offset, reason: error.reason, resumeOffset: nil))
        }
        var records: [LogRecord] = []
        var offsets: [Int] = []
        var position = fileHeaderSize
        while position < file.count {
            switch checkRecord(file, at: position) {
            case .success(let size):
                let payloadLength = size - recordHeaderSize
                records.append(LogRecord(type: file[position + 8], lsn: file.le64(at: position + 9),
                                         payload: Array(file.sub(position + recordHeaderSize, payloadLength))))
                offsets.append(position)
                position += size
            case .failure(let kind):
                let failure = kind.error(at: position)
                let ending: LogScanEnding
                if let resume = findValidRecord(file, after: position) {
                    ending = .corrupt(offset: position, reason: failure.reason, resumeOffset: resume)
                } else if let damage = tailDamage(file, at: position) {
                    ending = .corrupt(offset: position, reason: damage, resumeOffset: nil)
                } else {
                    ending = .tornTail(offset: position, reason: failure.reason)
                }
                return LogScanResult(header: header, records: records, offsets: offsets, validEnd: position, ending: ending)
            }
        }
        return LogScanResult(header: header, records: records, offsets: offsets, validEnd: position, ending: .clean)
    }

    /// Why a record is invalid; the message is built only for the one failure a scan reports (the resynchronisation
    /// search tests thousands of offsets and must not format a string for each).
    enum RecordFailure: Error {
        case incompleteHeader(available: Int)
        case tooLong(length: Int)
        case pastEnd(length: Int)
        case typeZero
        case checksum

        func error(at position: Int) -> FormatError {
            switch self {
            case .incompleteHeader(let available):
                return FormatError(offset: position, reason: "incomplete record header (\(available) of \(recordHeaderSize) bytes)")
            case .tooLong(let length):
                return FormatError(offset: position, reason: "record length \(length) exceeds the \(maxPayloadLength)-byte limit")
            case .pastEnd(let length):
                return FormatError(offset: position, reason: "record of \(length) payload bytes extends past the end of the file")
            case .typeZero:
                return FormatError(offset: position + 8, reason: "record type 0 (zero-filled or unwritten bytes)")
            case .checksum:
                return FormatError(offset: position, reason: "record checksum mismatch")
            }
        }
    }

    /// Whether a complete, valid record starts at `position`; its framed size when it does.
    static func checkRecord(_ file: UnsafeRawBufferPointer, at position: Int) -> Result<Int, RecordFailure> {
        let available = file.count - position
        guard available >= recordHeaderSize else { return .failure(.incompleteHeader(available: available)) }
        let length = Int(file.le32(at: position))
        guard length <= maxPayloadLength else { return .failure(.tooLong(length: length)) }
        guard length <= available - recordHeaderSize else { return .failure(.pastEnd(length: length)) }
        guard file[position + 8] != 0 else { return .failure(.typeZero) }
        let stored = CRC32C.unmask(file.le32(at: position + 4))
        guard CRC32C.checksum(file.sub(position + 8, 9 + length)) == stored else { return .failure(.checksum) }
        return .success(recordHeaderSize + length)
    }

    /// The first offset after `position` where a valid record starts, if any. Cheap on the usual tails: zeros fail on
    /// the type byte and garbage mostly on the length, so a CRC is computed only for plausible headers.
    static func findValidRecord(_ file: UnsafeRawBufferPointer, after position: Int) -> Int? {
        var candidate = position + 1
        while candidate + recordHeaderSize <= file.count {
            if case .success = checkRecord(file, at: candidate) { return candidate }
            candidate += 1
        }
        return nil
    }
}

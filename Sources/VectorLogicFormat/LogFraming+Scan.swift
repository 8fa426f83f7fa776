// Reading a log file image back: the torn-tail vs mid-log-corruption rule (data-format.md, "Write-ahead log framing").
extension LogFraming {
    /// Scans a whole log file image and returns the clean prefix of records. Total: never traps, allocates only
    /// payloads whose length has been checked against the file.
    ///
    /// The scan stops at the first bad record at offset `p` (incomplete header, length over the cap or past the end of
    /// the file, type 0, checksum mismatch). It then looks for any valid record starting at an offset after `p`:
    /// - none found: `.tornTail(p)`. Everything from `p` on is what a crash during an append leaves (a partial record,
    ///   a zero-filled or garbage extension, a complete-length record whose bytes never reached the disk), so replay
    ///   stops quietly and the tail may be truncated at `p`.
    /// - one found at `q`: `.corrupt(p, resumeOffset: q)`. A record was written after the bad one, so the bad bytes are
    ///   damage in the middle of the log, not an interrupted append; the caller must report it (file, offset, bytes lost).
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
            case .failure(let failure):
                let ending: LogScanEnding
                if let resume = findValidRecord(file, after: position) {
                    ending = .corrupt(offset: position, reason: failure.reason, resumeOffset: resume)
                } else {
                    ending = .tornTail(offset: position, reason: failure.reason)
                }
                return LogScanResult(header: header, records: records, offsets: offsets, validEnd: position, ending: ending)
            }
        }
        return LogScanResult(header: header, records: records, offsets: offsets, validEnd: position, ending: .clean)
    }

    /// Whether a complete, valid record starts at `position`; its framed size when it does.
    static func checkRecord(_ file: UnsafeRawBufferPointer, at position: Int) -> Result<Int, FormatError> {
        let available = file.count - position
        guard available >= recordHeaderSize else {
            return .failure(FormatError(offset: position, reason: "incomplete record header (\(available) of \(recordHeaderSize) bytes)"))
        }
        let length = Int(file.le32(at: position))
        guard length <= maxPayloadLength else {
            return .failure(FormatError(offset: position, reason: "record length \(length) exceeds the \(maxPayloadLength)-byte limit"))
        }
        guard length <= available - recordHeaderSize else {
            return .failure(FormatError(offset: position, reason: "record of \(length) payload bytes extends past the end of the file"))
        }
        guard file[position + 8] != 0 else {
            return .failure(FormatError(offset: position + 8, reason: "record type 0 (zero-filled or unwritten bytes)"))
        }
        let stored = CRC32C.unmask(file.le32(at: position + 4))
        guard CRC32C.checksum(file.sub(position + 8, 9 + length)) == stored else {
            return .failure(FormatError(offset: position, reason: "record checksum mismatch"))
        }
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

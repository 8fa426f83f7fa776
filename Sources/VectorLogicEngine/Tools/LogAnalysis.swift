import VectorLogicFormat
import VectorLogicIO

/// One log file scanned (`LogFraming.scan`) and its record chain checked against the LSNs before it.
struct LogAnalysis: Sendable {
    let name: String
    let number: UInt64
    let fileSize: Int
    let scan: LogScanResult
    var summary: LogSummary
    /// The tail after a mid-log corruption, re-scanned from the resume point (to report the lost LSN range).
    let resumedRecords: [LogRecord]

    /// Reads and scans `path`.
    init(path: String, name: String, number: UInt64, fileSystem: any FileSystem) throws(ToolError) {
        let bytes = try ToolIO.read(path, fileSystem: fileSystem)
        self.name = name
        self.number = number
        fileSize = bytes.count
        scan = bytes.withUnsafeBytes { LogFraming.scan($0) }
        if case let .corrupt(_, _, resume?) = scan.ending, resume < bytes.count {
            var image = LogFraming.encodeFileHeader(logNumber: number)
            image.append(contentsOf: bytes[resume...])
            resumedRecords = image.withUnsafeBytes { LogFraming.scan($0) }.records
        } else {
            resumedRecords = []
        }
        summary = LogSummary(file: name, bytes: Int64(bytes.count))
        summarise(bytes)
    }

    private mutating func summarise(_ bytes: [UInt8]) {
        summary.formatVersion = scan.header?.version
        summary.logNumber = scan.header?.logNumber
        summary.records = scan.records.count
        summary.firstLSN = scan.records.first?.lsn
        summary.lastLSN = scan.records.last?.lsn
        summary.validEnd = Int64(scan.validEnd)
        for record in scan.records {
            let type = EngineRecordType(rawValue: record.type)
            summary.recordsByType[type.map { "\($0)" } ?? "type-\(record.type)", default: 0] += 1
            if type == .upsert, record.payload.count >= 16 {
                summary.upsertedVectors += record.payload.withUnsafeBytes { Int($0.toolLE32(at: 12)) }
            }
        }
        switch scan.ending {
        case .clean: summary.ending = "clean"
        case let .tornTail(offset, reason):
            summary.ending = "torn-tail"
            summary.endingOffset = Int64(offset)
            summary.endingReason = reason
        case let .corrupt(offset, reason, _):
            summary.ending = "corrupt"
            summary.endingOffset = Int64(offset)
            summary.endingReason = reason
        }
    }

    /// Where the usable prefix of this log ends and why, given the chain before it.
    struct ChainResult: Sendable {
        /// Problems found (errors and warnings).
        var problems: [ToolProblem] = []
        /// The offset the file must be cut at to keep only its usable prefix (nil: keep it whole).
        /// 0 means the whole file is unusable.
        var cutOffset: Int?
        /// Whether the records after the cut are damage (true) or an interrupted append (false).
        var damaged = false
        /// The last usable LSN after this file.
        var lastLSN: UInt64
        /// The LSNs that would be lost by cutting at `cutOffset` (from the file's records after it, if any).
        var lostLSNs: ClosedRange<UInt64>?
    }

    /// Checks the header's log number, LSN order and continuity after `previousLSN` (records ≤ `checkpoint` are
    /// already in segments), payload decoding, and the scan's ending; `isNewest` makes a torn tail harmless.
    func checkChain(previousLSN: UInt64, checkpoint: UInt64, isNewest: Bool) -> ChainResult {
        var result = ChainResult(lastLSN: previousLSN)
        if let header = scan.header, header.logNumber != number {
            result.problems.append(ToolProblem(file: name, offset: 16, message: "header names log \(header.logNumber), the file name \(number)"))
            result.cutOffset = 0
            result.damaged = true
            return result
        }
        for (record, offset) in zip(scan.records, scan.offsets) {
            if let problem = recordProblem(record, previousLSN: result.lastLSN, checkpoint: checkpoint) {
                result.problems.append(ToolProblem(file: name, offset: Int64(offset), message: problem))
                result.cutOffset = offset
                result.damaged = true
                result.lostLSNs = lostRange(from: record.lsn, after: result.lastLSN)
                return result
            }
            if record.lsn > checkpoint { result.lastLSN = record.lsn }
        }
        checkEnding(&result, isNewest: isNewest)
        return result
    }

    private func recordProblem(_ record: LogRecord, previousLSN: UInt64, checkpoint: UInt64) -> String? {
        guard record.lsn > checkpoint else { return nil }
        if record.lsn <= previousLSN { return "LSN \(record.lsn) does not follow \(previousLSN)" }
        if record.lsn != previousLSN + 1 { return "LSN gap: records \(previousLSN + 1)…\(record.lsn - 1) are missing" }
        do {
            _ = try EngineLogPayload.decode(type: record.type, payload: record.payload)
            return nil
        } catch {
            return "record LSN \(record.lsn): payload \(error.reason)"
        }
    }

    private func checkEnding(_ result: inout ChainResult, isNewest: Bool) {
        switch scan.ending {
        case .clean: return
        case let .tornTail(offset, reason):
            result.cutOffset = offset
            if isNewest {
                result.problems.append(ToolProblem(file: name, offset: Int64(offset), severity: .warning,
                                                   message: "torn tail (\(fileSize - offset) bytes, an interrupted append): \(reason)"))
            } else {
                result.damaged = true
                result.problems.append(ToolProblem(file: name, offset: Int64(offset),
                                                   message: "torn record in a log that is not the newest: \(reason)"))
            }
        case let .corrupt(offset, reason, resume):
            result.cutOffset = scan.header == nil ? 0 : offset
            result.damaged = true
            result.lostLSNs = lostRange(from: nil, after: result.lastLSN)
            let tail = resume.map { "; a valid record follows at \($0)" } ?? ""
            let lost = result.lostLSNs.map { ", LSNs \($0.lowerBound)…\($0.upperBound) unreadable or after the damage" } ?? ""
            result.problems.append(ToolProblem(file: name, offset: Int64(offset), message: "corrupt record: \(reason)\(tail)\(lost)"))
        }
    }

    /// LSNs from `after + 1` through the highest LSN seen at or after the damage in this file.
    private func lostRange(from first: UInt64?, after: UInt64) -> ClosedRange<UInt64>? {
        let highest = ([first].compactMap { $0 } + resumedRecords.map(\.lsn) + scan.records.map(\.lsn)).max() ?? 0
        return highest > after ? (after + 1)...highest : nil
    }

    /// The highest LSN in the file, valid prefix or resumed tail.
    var highestLSN: UInt64? {
        (scan.records.map(\.lsn) + resumedRecords.map(\.lsn)).max()
    }
}

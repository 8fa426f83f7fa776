import VectorLogicFormat
import VectorLogicIO

extension RepairSession {
    /// Keeps the longest clean chain of log records after the checkpoint: truncates a torn tail, cuts a log at the
    /// first damaged record (saving the cut bytes in `lost/` and reporting the lost LSNs) and moves every later log
    /// aside, so the database is left in a state it really was in at some LSN (prefix consistency).
    func repairLogs() throws(ToolError) {
        let checkpoint = manifest?.checkpointLSN ?? 0
        let live = listing.logs.filter { $0 >= (manifest?.firstLiveLog ?? 0) }
        var previous = checkpoint
        var damaged = false
        for (index, number) in live.enumerated() {
            let name = FileNames.log(number)
            let analysis = try LogAnalysis(path: path(name), name: name, number: number, fileSystem: fileSystem)
            if damaged {
                try quarantine(name, why: "follows a damaged log; its records cannot be replayed in order")
                report.losses.append(RepairLoss(file: name, vectorCount: analysis.summary.upsertedVectors, lsnFrom: analysis.scan.records.first?.lsn,
                                                lsnTo: analysis.highestLSN, detail: "log after the damage (saved in lost/)"))
                continue
            }
            let chain = analysis.checkChain(previousLSN: previous, checkpoint: checkpoint, isNewest: index == live.count - 1)
            previous = chain.lastLSN
            guard let cut = chain.cutOffset else { continue }
            if chain.damaged {
                damaged = true
                let reason = chain.problems.first?.message ?? "damaged record"
                report.losses.append(RepairLoss(file: name, lsnFrom: chain.lostLSNs?.lowerBound, lsnTo: chain.lostLSNs?.upperBound,
                                                detail: "log cut at offset \(cut) (\(reason)); the cut bytes are saved in lost/"))
            }
            try cutLog(analysis, at: cut, damaged: chain.damaged)
        }
    }

    /// Truncates a log to `offset` (saving the removed bytes when they are damage, not a torn append), or moves the
    /// whole file aside when nothing of it is usable.
    private func cutLog(_ analysis: LogAnalysis, at offset: Int, damaged: Bool) throws(ToolError) {
        let name = analysis.name
        guard offset >= LogFraming.fileHeaderSize else {
            try quarantine(name, why: damaged ? "log header damaged" : "log torn inside its header (interrupted creation)")
            return
        }
        if damaged {
            let bytes = try ToolIO.read(path(name), fileSystem: fileSystem)
            let saved = "\(name).from-\(offset)"
            act("save", name, "bytes \(offset)…\(bytes.count) copied to \(FileNames.lost)/\(saved)")
            try save(Array(bytes[min(offset, bytes.count)...]), as: saved)
        }
        act("truncate", name, "\(damaged ? "cut at the damaged record" : "torn tail removed") at offset \(offset) (\(analysis.fileSize - offset) bytes)")
        guard !dryRun else { return }
        do {
            let handle = try fileSystem.open(path(name), create: false)
            defer { handle.close() }
            try handle.truncate(to: Int64(offset))
            try handle.sync()
        } catch {
            throw ToolError.io(error.description)
        }
    }
}

extension InspectReport {
    /// The text `inspect` prints: one block per manifest, collection, segment and log, then the checksum status.
    public func render() -> String {
        var lines = ["\(kind) \(path)"]
        if let manifest { lines += Self.lines(manifest) }
        for collection in collections { lines.append(Self.line(collection, includesLog: countsIncludeLog || kind != "directory")) }
        for segment in segments { lines += Self.lines(segment) }
        for log in logs { lines.append(Self.line(log)) }
        for problem in problems { lines.append("  " + problem.description) }
        lines.append("checksums: " + (checksumsOK ? "ok" : "\(problems.filter { $0.severity == .error }.count) problems (run `vectorlogic verify`)"))
        return lines.joined(separator: "\n")
    }

    private static func lines(_ manifest: ManifestSummary) -> [String] {
        guard manifest.checksumOK else {
            return ["manifest: \(manifest.bytes) bytes, format v\(manifest.formatVersion), DAMAGED: \(manifest.error ?? "unreadable")"]
        }
        return ["manifest: \(manifest.bytes) bytes, format v\(manifest.formatVersion), checkpoint LSN \(manifest.checkpointLSN ?? 0), "
            + "first live log \(manifest.firstLiveLog ?? 0), next segment \(manifest.nextSegmentNumber ?? 0), checksum ok"]
    }

    private static func line(_ c: CollectionSummary, includesLog: Bool) -> String {
        let unflushed = includesLog ? " (\(c.unflushedVectors) only in the log)" : " (log not replayed)"
        return "collection \(c.name) (id \(c.id)): \(c.vectors) vectors\(unflushed), \(c.deleted) deleted, dimension \(c.dimension), "
            + "metric \(c.metric), index \(c.indexType) m=\(c.m) ef_construction=\(c.efConstruction) ef_search=\(c.efSearch), \(c.segments) segments"
    }

    private static func lines(_ s: SegmentSummary) -> [String] {
        guard s.error == nil, let rows = s.rows else {
            return ["segment \(s.file): \(s.bytes) bytes, format v\(s.formatVersion ?? 0), UNREADABLE: \(s.error ?? "damaged info section")"]
        }
        let deleted = s.deleted.map { ", \($0) deleted" } ?? ""
        var out = ["segment \(s.file): \(s.bytes) bytes, format v\(s.formatVersion ?? 0), collection \(s.collectionID ?? 0), \(rows) rows\(deleted), "
            + "dimension \(s.dimension ?? 0), metric \(s.metric ?? "?"), index \(s.indexType ?? "?"), LSN ≤ \(s.maxLSN ?? 0), "
            + "checksums \(s.checksumsOK ? "ok" : "FAILED")"]
        for section in s.sections {
            out.append("  section \(section.name): offset \(section.offset), \(section.length) bytes, crc \(section.checksumOK ? "ok" : "MISMATCH")")
        }
        if let g = s.graph {
            let entry = g.entryPoint.map { String($0) } ?? "none"
            let mean = (g.meanDegree * 100).rounded() / 100
            out.append("  hnsw: \(g.nodes) nodes, \(g.levels) levels \(g.nodesPerLevel), entry point \(entry), "
                + "mean degree \(mean), max degree \(g.maxDegree) (m=\(g.m), m0=\(g.m0)), \(g.unreachableNodes) unreachable")
        }
        return out
    }

    private static func line(_ log: LogSummary) -> String {
        let lsns = log.firstLSN.map { "LSN \($0)…\(log.lastLSN ?? $0)" } ?? "no records"
        let types = log.recordsByType.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let ending = log.ending == "clean" ? "clean" : "\(log.ending) at \(log.endingOffset ?? 0): \(log.endingReason ?? "")"
        return "log \(log.file): \(log.bytes) bytes, format v\(log.formatVersion ?? 0), log number \(log.logNumber ?? 0), "
            + "\(log.records) records (\(types.isEmpty ? "none" : types)), \(log.upsertedVectors) vectors upserted, \(lsns), \(ending)"
    }
}

import VectorLogicDistance
import VectorLogicFormat
import VectorLogicIndex
import VectorLogicIO

/// Everything the tools learn from one segment file: its summary, its problems, and what `repair` can do about them.
///
/// The analysis is O(file size): it checksums every section body (`SegmentLayout.verify()`), walks the offset
/// tables, the id order and the graph (`FrozenHNSW.checkInvariants()` and `reachability()`). The open path of the
/// engine does only the O(1) part of this.
final class SegmentAnalysis: @unchecked Sendable {
    /// What `repair` can do with the file.
    enum Condition: Sendable, Equatable {
        /// Nothing wrong.
        case healthy
        /// The data sections are intact but the graph or the padding is damaged: rewrite the file with a rebuilt graph.
        case rewritable
        /// Blocks of a version-2 segment's data sections are damaged: rewrite the file without their rows
        /// (`unreadableRows`), saving what is readable of them in `lost/`.
        case salvageable
        /// A data section (info, vectors, ids, id order, metadata) or the container is damaged: quarantine it.
        case unreadable
    }

    let name: String
    let mapping: MappedFile?
    let layout: SegmentLayout?
    var info: EngineSegmentInfo?
    var summary: SegmentSummary
    var problems: [ToolProblem] = []
    var condition = Condition.healthy
    /// Client ids in row order, when the ids section is intact ("" for rows of damaged id blocks).
    var ids: [String]?
    /// Rows a damaged block takes (version 2): never served, dropped by `repair`.
    var unreadableRows = Bitset()
    /// Block indices that fail their checksum, by section kind (version 2).
    var damagedBlocks: [UInt32: [Int]] = [:]
    /// The rows each damaged data section takes (vectors, ids, metadata), to tell what of a lost row is still readable.
    var rowsTakenBy: [UInt32: Bitset] = [:]

    /// Analyses `path` (reported as `name`); `metricOverride` is the collection's metric when it is known.
    init(path: String, name: String, fileSystem: any FileSystem) {
        self.name = name
        var summary = SegmentSummary(file: name, bytes: (try? fileSystem.size(of: path)) ?? 0)
        var mapping: MappedFile?
        var layout: SegmentLayout?
        var early: ToolProblem?
        do {
            let mapped = try fileSystem.map(path)
            mapping = mapped
            if mapped.bytes.count >= 12 { summary.formatVersion = mapped.bytes.toolLE32(at: 8) }
            layout = try SegmentContainer.open(mapped.bytes)
        } catch let error as FormatError {
            early = ToolProblem(file: name, offset: Int64(error.offset), message: error.reason)
        } catch {
            early = ToolProblem(file: name, offset: nil, message: "cannot map: \(error)")
        }
        self.mapping = mapping
        self.layout = layout
        self.summary = summary
        if let early {
            fail(early, .unreadable)
            self.summary.error = early.message
            return
        }
        analyse()
    }

    func fail(_ problem: ToolProblem, _ condition: Condition) {
        problems.append(problem)
        self.condition = Self.worse(self.condition, condition)
    }

    /// Unreadable beats salvageable beats rewritable beats healthy: what repair must do covers the lesser cases.
    static func worse(_ a: Condition, _ b: Condition) -> Condition {
        let rank: [Condition: Int] = [.healthy: 0, .rewritable: 1, .salvageable: 2, .unreadable: 3]
        return (rank[a] ?? 0) >= (rank[b] ?? 0) ? a : b
    }

    private func analyse() {
        guard let layout else { return }
        let damagedKinds = checkChecksums(layout)
        summary.checksumsOK = problems.isEmpty && damagedBlocks.isEmpty
        guard let info = decodeInfo(layout, damaged: damagedKinds) else { return }
        self.info = info
        summary.collectionID = info.collectionID
        summary.dimension = Int(info.dimension)
        summary.metric = SectionNames.metric(info.metric)
        summary.indexType = SectionNames.indexType(info.indexType)
        summary.rows = Int(info.rows)
        summary.maxLSN = info.maxLSN
        guard !damagedKinds.contains(where: { $0 != SegmentSectionKind.engineGraph.rawValue }) else {
            condition = .unreadable
            readIDsIfIntact(layout, info: info, damaged: damagedKinds)
            return
        }
        if layout.blocks(.engineVectors) != nil {
            checkBlockedSections(layout, info: info)
        } else {
            checkDataSections(layout, info: info)
        }
        if condition != .unreadable, !damagedKinds.contains(SegmentSectionKind.engineGraph.rawValue) {
            checkGraph(layout, info: info)
        }
    }

    /// Checksums every section (per block where the segment has block checksums); returns the kinds whose single
    /// CRC fails. Damaged blocks are kept in `damagedBlocks` for `checkBlockedSections`, which reports their rows.
    private func checkChecksums(_ layout: SegmentLayout) -> Set<UInt32> {
        let failures = layout.verify()
        var damaged = Set<UInt32>()
        for entry in layout.sections {
            if layout.blocks(entry.kind) != nil {
                let blocks = layout.damagedBlocks(entry.kind)
                if !blocks.isEmpty { damagedBlocks[entry.kind] = blocks }
            } else if failures.contains(where: { $0.offset == entry.offset && $0.reason.contains("checksum") }) {
                damaged.insert(entry.kind)
            }
            summary.sections.append(SectionSummary(kind: entry.kind, name: SectionNames.name(entry.kind), offset: Int64(entry.offset),
                                                   length: Int64(entry.length),
                                                   checksumOK: !damaged.contains(entry.kind) && damagedBlocks[entry.kind] == nil))
        }
        for failure in failures where !failure.reason.contains(" block ") {
            let kind = layout.sections.first { $0.offset == failure.offset && failure.reason.contains("checksum") }?.kind
            let what = kind.map { "section \(SectionNames.name($0)): " } ?? ""
            let graph = kind == SegmentSectionKind.engineGraph.rawValue
            fail(ToolProblem(file: name, offset: Int64(failure.offset), message: what + failure.reason),
                 kind == nil || graph ? .rewritable : .unreadable)
        }
        return damaged
    }

    private func decodeInfo(_ layout: SegmentLayout, damaged: Set<UInt32>) -> EngineSegmentInfo? {
        let kind = SegmentSectionKind.engineInfo
        guard let bytes = layout.section(kind), let entry = layout.sections.first(where: { $0.kind == kind.rawValue }) else {
            fail(ToolProblem(file: name, offset: nil, message: "missing info section"), .unreadable)
            return nil
        }
        guard !damaged.contains(kind.rawValue) else { return nil }
        do {
            return try EngineSegmentInfo.decode(bytes)
        } catch {
            fail(ToolProblem(file: name, offset: Int64(entry.offset + error.offset), message: "info section: \(error.reason)"), .unreadable)
            return nil
        }
    }

    /// Reads the ids (for the loss report) when their section is intact though another one is damaged.
    private func readIDsIfIntact(_ layout: SegmentLayout, info: EngineSegmentInfo, damaged: Set<UInt32>) {
        guard !damaged.contains(SegmentSectionKind.engineIDs.rawValue), let section = layout.section(.engineIDs),
              EngineSegmentTables.checkOffsets(section, count: Int(info.rows), width: 4) == nil else { return }
        ids = Self.readIDs(section, rows: Int(info.rows))
    }

    /// The byte offset of a section kind in the file (0 when absent).
    func offset(of kind: SegmentSectionKind) -> Int64 {
        Int64(layout?.sections.first { $0.kind == kind.rawValue }?.offset ?? 0)
    }
}

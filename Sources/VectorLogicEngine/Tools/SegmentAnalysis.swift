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
    /// Client ids in row order, when the ids section is intact.
    var ids: [String]?

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
        if condition == .unreadable || self.condition == .healthy { self.condition = condition }
    }

    private func analyse() {
        guard let layout else { return }
        let damagedKinds = checkChecksums(layout)
        summary.checksumsOK = problems.isEmpty
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
        checkDataSections(layout, info: info)
        if condition != .unreadable, !damagedKinds.contains(SegmentSectionKind.engineGraph.rawValue) {
            checkGraph(layout, info: info)
        }
    }

    /// Checksums every section; returns the kinds whose bodies are damaged.
    private func checkChecksums(_ layout: SegmentLayout) -> Set<UInt32> {
        let failures = layout.verify()
        var damaged = Set<UInt32>()
        for entry in layout.sections {
            let bad = failures.contains { $0.offset == entry.offset && $0.reason.contains("checksum") }
            if bad { damaged.insert(entry.kind) }
            summary.sections.append(SectionSummary(kind: entry.kind, name: SectionNames.name(entry.kind), offset: Int64(entry.offset),
                                                   length: Int64(entry.length), checksumOK: !bad))
        }
        for failure in failures {
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

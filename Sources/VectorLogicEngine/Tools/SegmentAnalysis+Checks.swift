import VectorLogicDistance
import VectorLogicFormat
import VectorLogicIndex

extension SegmentAnalysis {
    /// Shapes of the data sections: vectors size, offset tables, id order a sorted permutation, ids well-formed.
    func checkDataSections(_ layout: SegmentLayout, info: EngineSegmentInfo) {
        let rows = Int(info.rows)
        let unreadable = { (kind: SegmentSectionKind, offset: Int, message: String) in
            self.fail(ToolProblem(file: self.name, offset: self.offset(of: kind) + Int64(offset),
                                  message: "section \(SectionNames.name(kind.rawValue)): \(message)"), .unreadable)
        }
        guard let vectors = layout.section(.engineVectors), let idBytes = layout.section(.engineIDs),
              let order = layout.section(.engineIDOrder), let metadata = layout.section(.engineMetadata) else {
            fail(ToolProblem(file: name, offset: nil, message: "a required section (vectors, ids, id-order, metadata) is missing"), .unreadable)
            return
        }
        if vectors.count != rows * Int(info.stride) {
            unreadable(.engineVectors, 0, "\(vectors.count) bytes, expected \(rows) rows × \(info.stride)")
        }
        if let error = EngineSegmentTables.checkOffsets(metadata, count: rows, width: 8) {
            unreadable(.engineMetadata, error.offset, error.reason)
        }
        if let error = EngineSegmentTables.checkOffsets(idBytes, count: rows, width: 4) {
            unreadable(.engineIDs, error.offset, error.reason)
            return
        }
        let ids = Self.readIDs(idBytes, rows: rows)
        for (row, id) in ids.enumerated() where !Self.isValidID(id) {
            unreadable(.engineIDs, row * 4, "row \(row) has an invalid id")
            break
        }
        self.ids = ids
        guard order.count == rows * 4 else {
            unreadable(.engineIDOrder, 0, "\(order.count) bytes, expected \(rows * 4)")
            return
        }
        checkOrder(order, ids: ids, report: { unreadable(.engineIDOrder, $0, $1) })
    }

    func checkOrder(_ order: UnsafeRawBufferPointer, ids: [String], report: (Int, String) -> Void) {
        var seen = [Bool](repeating: false, count: ids.count)
        var previous: [UInt8]?
        for position in 0..<ids.count {
            let row = Int(order.toolLE32(at: position * 4))
            guard row < ids.count, !seen[row] else {
                report(position * 4, "entry \(position) (row \(row)) is out of range or repeated")
                return
            }
            seen[row] = true
            let key = Array(ids[row].utf8)
            if let previous, key.lexicographicallyPrecedes(previous) {
                report(position * 4, "entry \(position) breaks the id order")
                return
            }
            previous = key
        }
    }

    /// Ids in row order from an ids section whose offset table has been checked.
    static func readIDs(_ section: UnsafeRawBufferPointer, rows: Int) -> [String] {
        let table = (rows + 1) * 4
        var ids: [String] = []
        ids.reserveCapacity(rows)
        for row in 0..<rows {
            let start = Int(section.toolLE32(at: row * 4)), end = Int(section.toolLE32(at: row * 4 + 4))
            ids.append(String(decoding: UnsafeRawBufferPointer(rebasing: section[(table + start)..<(table + end)]), as: UTF8.self))
        }
        return ids
    }

    /// 1–128 characters of `[A-Za-z0-9_-]` (the engine's id rule).
    static func isValidID(_ id: String) -> Bool {
        let bytes = id.utf8
        guard !bytes.isEmpty, bytes.count <= EngineLogPayload.maxIDBytes else { return false }
        return bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2D }
    }

    /// Opens the graph section in place and checks every invariant, including that every row is reachable from the
    /// entry point on level 0; a failure makes the file `.rewritable`.
    func checkGraph(_ layout: SegmentLayout, info: EngineSegmentInfo) {
        guard let bytes = layout.section(.engineGraph), let vectors = layout.section(.engineVectors), let mapping else { return }
        guard let metric = Self.metric(info.metric) else {
            fail(ToolProblem(file: name, offset: offset(of: .engineInfo), message: "unknown metric code \(info.metric)"), .unreadable)
            return
        }
        let source = ToolsSegmentVectors(vectors: vectors, dimension: Int(info.dimension), owner: mapping)
        let graph: FrozenHNSW
        do {
            graph = try FrozenHNSW(graph: bytes, source: source, metric: metric, count: Int(info.rows))
        } catch {
            let at = (error as? FormatError)?.offset ?? 0
            fail(ToolProblem(file: name, offset: offset(of: .engineGraph) + Int64(at), message: "section graph: \(error)"), .rewritable)
            return
        }
        let invariants = graph.checkInvariants(includingReachability: false)
        for message in invariants.prefix(10) {
            fail(ToolProblem(file: name, offset: offset(of: .engineGraph), message: "section graph: \(message)"), .rewritable)
        }
        // A row no search can reach is lost to every query though its data is intact (issue 8, section 3: graphs
        // built on several threads before the fix). The graph is derived data: like a damaged graph checksum, this
        // is an error that `repair` fixes by rewriting the segment with a graph rebuilt from the vectors.
        let reachability = graph.reachability()
        if let message = reachability.problem {
            fail(ToolProblem(file: name, offset: offset(of: .engineGraph),
                             message: "section graph: \(message); `repair` rebuilds the graph from the vectors"), .rewritable)
        }
        let stats = graph.statistics
        summary.graph = GraphSummary(nodes: stats.nodes, levels: stats.maxLevel + 1, nodesPerLevel: stats.nodesPerLevel,
                                     entryPoint: stats.entryPoint, meanDegree: stats.meanDegree, maxDegree: stats.maxDegree,
                                     m: stats.m, m0: stats.m0, bytes: stats.bytes, unreachableNodes: reachability.unreachable)
    }

    /// The metric of a stored code.
    static func metric(_ code: UInt8) -> DistanceMetric? {
        switch code {
        case 0: return .cosine
        case 1: return .dot
        case 2: return .euclidean
        default: return nil
        }
    }
}

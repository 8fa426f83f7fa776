import VectorLogicFormat

extension SegmentAnalysis {
    /// The data sections of a version-2 segment (block checksums): the rows each damaged block takes — by the same
    /// functions the engine uses at open (`BlockDamage`) — reported with their ids, one problem per damaged section,
    /// and the segment marked `.salvageable`; then the shapes the intact rows must have (valid ids, a sorted id order).
    func checkBlockedSections(_ layout: SegmentLayout, info: EngineSegmentInfo) {
        let rows = Int(info.rows)
        guard let vectors = layout.section(.engineVectors), let idBytes = layout.section(.engineIDs),
              let order = layout.section(.engineIDOrder), let metadata = layout.section(.engineMetadata),
              vectors.count == rows * Int(info.stride), order.count == rows * 4 else {
            fail(ToolProblem(file: name, offset: nil, message: "a data section (vectors, ids, id-order, metadata) is missing or of the wrong size"),
                 .unreadable)
            return
        }
        var taken: [(kind: SegmentSectionKind, rows: Bitset)] = []
        for (kind, width, section) in [(SegmentSectionKind.engineIDs, 4, idBytes), (.engineMetadata, 8, metadata)] {
            taken.append((kind, BlockDamage.tableRows(section, rows: rows, width: width, damaged: Set(damagedBlocks[kind.rawValue] ?? []),
                                                      blockSize: layout.blocks(kind)?.blockSize ?? 512)))
        }
        if let blocks = layout.blocks(.engineVectors) {
            taken.append((.engineVectors, BlockDamage.vectorRows(damagedBlocks[SegmentSectionKind.engineVectors.rawValue] ?? [], blocks: blocks,
                                                                 length: vectors.count, stride: Int(info.stride), rows: rows)))
        }
        let idDamage = taken[0].rows
        let ids = (0..<UInt32(rows)).map { idDamage.contains($0) ? "" : String(decoding: Segment.tableSlice(idBytes, rows: rows, width: 4, row: $0), as: UTF8.self) }
        self.ids = ids
        for (kind, lost) in taken {
            rowsTakenBy[kind.rawValue] = lost
            for row in lost.rows { unreadableRows.insert(row) }
            report(kind, lost, ids: ids)
        }
        if let blocks = damagedBlocks[SegmentSectionKind.engineIDOrder.rawValue] {
            fail(ToolProblem(file: name, offset: offset(of: .engineIDOrder),
                             message: "section id-order: blocks \(blocks) fail their CRC32C; no row is lost (`repair` rewrites the order from the ids)"),
                 .salvageable)
        }
        for (row, id) in ids.enumerated() where !unreadableRows.contains(UInt32(row)) && !Self.isValidID(id) {
            fail(ToolProblem(file: name, offset: offset(of: .engineIDs), message: "section ids: row \(row) has an invalid id"), .unreadable)
            return
        }
        if idDamage.isEmpty, damagedBlocks[SegmentSectionKind.engineIDOrder.rawValue] == nil {
            checkOrder(order, ids: ids) { at, message in
                self.fail(ToolProblem(file: self.name, offset: self.offset(of: .engineIDOrder) + Int64(at), message: "section id-order: \(message)"),
                          .unreadable)
            }
        }
    }

    /// One problem for the rows a damaged section takes: its blocks, the row count and the first ids.
    private func report(_ kind: SegmentSectionKind, _ lost: Bitset, ids: [String]) {
        let blocks = damagedBlocks[kind.rawValue] ?? []
        guard !blocks.isEmpty || !lost.isEmpty else { return }
        let rows = lost.rows
        let named = rows.prefix(20).map { ids[Int($0)].isEmpty ? "row \($0)" : ids[Int($0)] }
        let first = blocks.first.flatMap { block in layout?.blocks(kind).map { Int64(block * $0.blockSize) } } ?? 0
        fail(ToolProblem(file: name, offset: offset(of: kind) + first,
                         message: "section \(SectionNames.name(kind.rawValue)): blocks \(blocks) fail their CRC32C (or hold offsets out of order): "
                             + "\(rows.count) rows unreadable, ids \(named.joined(separator: ", "))\(rows.count > named.count ? ", …" : "")"),
             .salvageable)
    }
}

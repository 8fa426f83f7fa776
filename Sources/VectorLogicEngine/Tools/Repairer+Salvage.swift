import VectorLogicFormat
import VectorLogicIO
import VectorLogicIndex
import VectorLogicJSON

extension RepairSession {
    /// Writes segment `number` with the live rows of `analysis` that no damaged block takes (ids, id order, metadata,
    /// vectors copied; the graph rebuilt over them; tombstoned rows dropped), and saves the damaged live rows — their
    /// id, values and metadata where still readable — as `lost/<segment>.lost.jsonl`. Returns the rows kept.
    func salvage(_ analysis: SegmentAnalysis, entry: EngineManifestSegment, as number: UInt64,
                 definition: EngineCollectionDefinition) throws(ToolError) -> Int {
        guard let layout = analysis.layout, let info = analysis.info, let vectors = layout.section(.engineVectors),
              let metadata = layout.section(.engineMetadata), let ids = analysis.ids else { return 0 }
        let rows = Int(info.rows), stride = Int(info.stride), dimension = Int(info.dimension)
        let dead = Set(entry.tombstones)
        let kept = (0..<UInt32(rows)).filter { !dead.contains($0) && !analysis.unreadableRows.contains($0) }
        let lost = analysis.unreadableRows.rows.filter { !dead.contains($0) }
        let target = FileNames.segment(number)
        let lostName = freeLostName(analysis.name + ".lost.jsonl")
        act("salvage", analysis.name, "\(lost.count) live rows of damaged blocks left out, saved to \(lostName)"
            + (kept.isEmpty ? "" : "; \(kept.count) rows written as \(target)" + (layout.section(.engineGraph) != nil ? " with a graph rebuilt over them" : "")))
        var loss = RepairLoss(file: analysis.name, collection: definition.name, vectorCount: lost.count,
                              detail: "rows of damaged blocks; their readable ids, values and metadata are in \(lostName)")
        loss.ids = lost.prefix(1_000).map { ids[Int($0)].isEmpty ? "row \($0)" : ids[Int($0)] }
        report.losses.append(loss)
        guard !dryRun else { return kept.count }
        let lines = lost.map { lostLine($0, analysis: analysis, vectors: vectors, metadata: metadata, stride: stride, dimension: dimension) }
        try save(Array(lines.joined(separator: "\n").utf8) + [0x0A], as: String(lostName.dropFirst(FileNames.lost.count + 1)))
        guard !kept.isEmpty else { return 0 }
        var values: [Float] = []
        values.reserveCapacity(kept.count * dimension)
        var vectorBytes: [UInt8] = []
        vectorBytes.reserveCapacity(kept.count * stride)
        for row in kept {
            let bytes = UnsafeRawBufferPointer(rebasing: vectors[(Int(row) * stride)..<(Int(row) * stride + stride)])
            vectorBytes.append(contentsOf: bytes)
            for index in 0..<dimension { values.append(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))) }
        }
        let keptIDs = kept.map { ids[Int($0)] }
        let order = (0..<UInt32(kept.count)).sorted { Array(keptIDs[Int($0)].utf8).lexicographicallyPrecedes(Array(keptIDs[Int($1)].utf8)) }
        let newInfo = EngineSegmentInfo(collectionID: info.collectionID, dimension: info.dimension, metric: info.metric, indexType: info.indexType,
                                        rows: UInt32(kept.count), maxLSN: info.maxLSN, definition: info.definition ?? definition)
        var sections: [(kind: UInt32, bytes: [UInt8])] = [
            (SegmentSectionKind.engineInfo.rawValue, newInfo.encode()), (SegmentSectionKind.engineVectors.rawValue, vectorBytes),
            (SegmentSectionKind.engineIDs.rawValue, EngineSegmentTables.encodeIDs(keptIDs)),
            (SegmentSectionKind.engineIDOrder.rawValue, EngineSegmentTables.encodeRows(order)),
            (SegmentSectionKind.engineMetadata.rawValue,
             EngineSegmentTables.encodeBlobs(kept.map { Array(Segment.tableSlice(metadata, rows: rows, width: 8, row: $0)) })),
        ]
        if layout.section(.engineGraph) != nil, let metric = SegmentAnalysis.metric(info.metric), !kept.isEmpty {
            let source = FlatVectorSource(dimension: dimension, vectors: values)
            let graph = MutableHNSW(source: source, metric: metric, parameters: HNSWParameters(m: max(2, Int(definition.m)),
                                    efConstruction: max(1, Int(definition.efConstruction))), expectedCount: kept.count)
            for row in 0..<UInt32(kept.count) { graph.insert(row) }
            sections.append((SegmentSectionKind.engineGraph.rawValue, graph.serialized()))
        }
        try writeSegment(SegmentContainer.build(sections: sections, blockSizes: EngineSegmentBlocks.sizes), as: target)
        return kept.count
    }

    /// One JSON line for a lost row: its row number, and its id, values and metadata where their blocks are intact.
    private func lostLine(_ row: UInt32, analysis: SegmentAnalysis, vectors: UnsafeRawBufferPointer, metadata: UnsafeRawBufferPointer,
                          stride: Int, dimension: Int) -> String {
        func readable(_ kind: SegmentSectionKind) -> Bool { analysis.rowsTakenBy[kind.rawValue]?.contains(row) != true }
        var object = JSONObject([("row", .number(Double(row)))])
        let id = analysis.ids?[Int(row)] ?? ""
        object["id"] = readable(.engineIDs) && !id.isEmpty ? .string(id) : .null
        if readable(.engineVectors) {
            let bytes = UnsafeRawBufferPointer(rebasing: vectors[(Int(row) * stride)..<(Int(row) * stride + dimension * 4)])
            object["values"] = .array((0..<dimension).map { index in
                .number(Double(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))))
            })
        } else {
            object["values"] = .null
        }
        let rows = analysis.info.map { Int($0.rows) } ?? 0
        let stored = Segment.tableSlice(metadata, rows: rows, width: 8, row: row)
        object["metadata"] = readable(.engineMetadata) ? ((try? CompactJSON(stored: stored)?.value()) ?? nil) ?? .null : .null
        return JSONWriter.string(.object(object))
    }

    /// Writes a segment file durably (temporary file, fsync, rename, directory fsync).
    func writeSegment(_ file: [UInt8], as name: String) throws(ToolError) {
        do {
            try ManifestStore.writeFileDurably(file, temporary: path(name) + FileNames.temporarySuffix, final: path(name), fileSystem: fileSystem)
            try fileSystem.syncDirectory(directory)
        } catch {
            throw ToolError.io(error.description)
        }
    }
}

import VectorLogicFormat
import VectorLogicIndex
import VectorLogicIO

extension RepairSession {
    /// Checks every listed segment: keeps the healthy, rewrites those with only a damaged graph, quarantines the rest;
    /// then makes live ids unique and moves unreferenced segment files aside.
    func repairSegments() throws(ToolError) {
        guard var manifest else { return }
        var referenced = Set<UInt64>()
        for index in manifest.collections.indices {
            let collection = manifest.collections[index]
            var kept: [EngineManifestSegment] = []
            var analyses: [SegmentAnalysis] = []
            for entry in collection.segments {
                guard let (newEntry, analysis) = try repairSegment(entry, collection: collection, manifest: &manifest) else { continue }
                kept.append(newEntry)
                analyses.append(analysis)
                referenced.insert(newEntry.number)
            }
            if kept != collection.segments { manifestChanged = true }
            manifest.collections[index].segments = kept
            deduplicate(&manifest.collections[index], analyses: analyses)
        }
        let handled = Set(manifest.collections.flatMap { $0.segments.map(\.number) }).union(quarantinedSegments)
        for number in listing.segments where !referenced.contains(number) && !handled.contains(number) {
            try quarantine(FileNames.segment(number), why: "segment not referenced by the manifest")
        }
        self.manifest = manifest
    }

    /// One listed segment: nil when it was dropped, else its (possibly renumbered) entry and its analysis.
    private func repairSegment(_ entry: EngineManifestSegment, collection: EngineManifestCollection,
                               manifest: inout EngineManifest) throws(ToolError) -> (EngineManifestSegment, SegmentAnalysis)? {
        let name = FileNames.segment(entry.number)
        let collectionName = collection.definition.name
        guard listing.segments.contains(entry.number) else {
            act("drop", name, "listed by the manifest but missing; removed from the manifest")
            report.losses.append(RepairLoss(file: name, collection: collectionName, vectorCount: Int(entry.rows) - entry.tombstones.count,
                                            detail: "segment file missing; ids unknown"))
            return nil
        }
        let analysis = SegmentAnalysis(path: path(name), name: name, fileSystem: fileSystem)
        let mismatch = Verifier.matchProblems(analysis, entry: entry, collection: collection)
        switch mismatch.isEmpty ? analysis.condition : .unreadable {
        case .healthy:
            return (entry, analysis)
        case .unreadable:
            let why = (analysis.problems + mismatch).first { $0.severity == .error }?.description ?? "unreadable"
            try quarantine(name, why: "unreadable segment (\(why))")
            quarantinedSegments.insert(entry.number)
            act("drop", name, "removed from the manifest")
            reportLostRows(analysis, entry: entry, collection: collectionName)
            return nil
        case .salvageable:
            let number = manifest.nextSegmentNumber
            manifest.nextSegmentNumber += 1
            manifestChanged = true
            let kept = try salvage(analysis, entry: entry, as: number, definition: collection.definition)
            try quarantine(name, why: kept == 0 ? "no intact live row left" : "replaced by \(FileNames.segment(number)), which holds its \(kept) intact live rows")
            quarantinedSegments.insert(entry.number)
            guard kept > 0 else {
                act("drop", name, "removed from the manifest")
                return nil
            }
            let replacement = dryRun ? analysis : SegmentAnalysis(path: path(FileNames.segment(number)), name: FileNames.segment(number), fileSystem: fileSystem)
            return (EngineManifestSegment(number: number, rows: UInt32(kept), tombstones: []), replacement)
        case .rewritable:
            let number = manifest.nextSegmentNumber
            manifest.nextSegmentNumber += 1
            manifestChanged = true
            try rewrite(analysis, as: number, definition: collection.definition)
            try quarantine(name, why: "replaced by \(FileNames.segment(number))")
            quarantinedSegments.insert(entry.number)
            var renumbered = entry
            renumbered.number = number
            let replacement = dryRun ? analysis : SegmentAnalysis(path: path(FileNames.segment(number)), name: FileNames.segment(number), fileSystem: fileSystem)
            return (renumbered, replacement)
        }
    }

    private func reportLostRows(_ analysis: SegmentAnalysis, entry: EngineManifestSegment, collection: String) {
        let dead = Set(entry.tombstones)
        var loss = RepairLoss(file: analysis.name, collection: collection, detail: "quarantined segment")
        if let ids = analysis.ids {
            let live = ids.enumerated().filter { !dead.contains(UInt32($0.offset)) }.map(\.element)
            loss.ids = Array(live.prefix(1_000))
            loss.vectorCount = live.count
        } else {
            loss.vectorCount = Int(entry.rows) - entry.tombstones.count
            loss.detail += "; ids unreadable"
        }
        report.losses.append(loss)
    }

    /// Writes segment `number` with the data sections of `analysis` copied and the graph rebuilt from its vectors.
    private func rewrite(_ analysis: SegmentAnalysis, as number: UInt64, definition: EngineCollectionDefinition) throws(ToolError) {
        let target = FileNames.segment(number)
        guard let layout = analysis.layout, let info = analysis.info else { return }
        let hasGraph = layout.section(.engineGraph) != nil
        act("rewrite", analysis.name, "data sections intact; written as \(target)" + (hasGraph ? " with its HNSW graph rebuilt from the vectors" : " with clean padding"))
        guard !dryRun else { return }
        var sections: [(kind: UInt32, bytes: [UInt8])] = []
        for entry in layout.sections {
            if entry.kind == SegmentSectionKind.engineGraph.rawValue {
                sections.append((entry.kind, rebuildGraph(analysis, info: info, definition: definition)))
            } else if let bytes = layout.section(entry.kind) {
                sections.append((entry.kind, Array(bytes)))
            }
        }
        try writeSegment(SegmentContainer.build(sections: sections, blockSizes: EngineSegmentBlocks.sizes), as: target)
    }

    /// A fresh HNSW graph over every row of the segment, with the collection's parameters.
    func rebuildGraph(_ analysis: SegmentAnalysis, info: EngineSegmentInfo, definition: EngineCollectionDefinition) -> [UInt8] {
        guard let vectors = analysis.layout?.section(.engineVectors), let mapping = analysis.mapping,
              let metric = SegmentAnalysis.metric(info.metric) else { return [] }
        let source = ToolsSegmentVectors(vectors: vectors, dimension: Int(info.dimension), owner: mapping)
        let parameters = HNSWParameters(m: max(2, Int(definition.m)), efConstruction: max(1, Int(definition.efConstruction)))
        let graph = MutableHNSW(source: source, metric: metric, parameters: parameters, expectedCount: Int(info.rows))
        for row in 0..<info.rows { graph.insert(row) }
        return graph.serialized()
    }

    /// Tombstones every live row whose id is live in a newer segment (or later in the same one): the newest wins.
    private func deduplicate(_ collection: inout EngineManifestCollection, analyses: [SegmentAnalysis]) {
        var seen = Set<String>()
        for index in collection.segments.indices.reversed() {
            guard let ids = analyses[index].ids else { continue }
            var dead = Set(collection.segments[index].tombstones)
            let before = dead.count
            for row in (0..<ids.count).reversed() where !dead.contains(UInt32(row)) && !analyses[index].unreadableRows.contains(UInt32(row)) {
                if !seen.insert(ids[row]).inserted { dead.insert(UInt32(row)) }
            }
            guard dead.count != before else { continue }
            act("tombstone", analyses[index].name, "\(dead.count - before) rows whose ids are live in a newer row")
            collection.segments[index].tombstones = dead.sorted()
            manifestChanged = true
        }
    }
}

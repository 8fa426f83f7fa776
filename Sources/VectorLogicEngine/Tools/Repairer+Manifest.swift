import VectorLogicFormat
import VectorLogicIO

extension RepairSession {
    /// Reads the manifest; a damaged one is moved to `lost/` and, like a missing one beside segment files, rebuilt.
    func loadManifest() throws(ToolError) {
        switch try ManifestRead.read(directory: directory, fileSystem: fileSystem) {
        case let .decoded(decoded, _):
            manifest = decoded
        case .absent:
            guard !listing.segments.isEmpty else { return }
            act("rebuild", FileNames.manifest, "missing while segment files exist")
            manifest = try rebuildManifest()
            manifestChanged = true
        case .damaged(let problem):
            try quarantine(FileNames.manifest, why: "damaged manifest (\(problem.description))")
            manifest = try rebuildManifest()
            manifestChanged = true
        }
    }

    /// A manifest rebuilt from what the files say: collection definitions from the logs' create/drop records (or,
    /// when those logs are gone, from the definition in the segments' info sections; segments written before info
    /// version 2 give only dimension and metric, and the collection comes back as `recovered-<id>`), every readable segment of a
    /// live collection with no tombstones (duplicates are tombstoned later, newest wins), and a checkpoint no later
    /// than what the segments hold, so the logs replay on top. Deletes that were only in the old manifest are lost.
    private func rebuildManifest() throws(ToolError) -> EngineManifest {
        var definitions: [UInt64: EngineCollectionDefinition] = [:]
        var dropped = Set<UInt64>()
        var lowestLSN: UInt64?
        for number in listing.logs {
            let name = FileNames.log(number)
            let analysis = try LogAnalysis(path: path(name), name: name, number: number, fileSystem: fileSystem)
            for record in analysis.scan.records {
                lowestLSN = min(lowestLSN ?? record.lsn, record.lsn)
                switch try? EngineLogPayload.decode(type: record.type, payload: record.payload) {
                case .createCollection(let definition): definitions[definition.id] = definition
                case .dropCollection(let id): dropped.insert(id)
                default: break
                }
            }
        }
        var segments: [UInt64: [EngineManifestSegment]] = [:]
        var infos: [UInt64: EngineSegmentInfo] = [:]
        var highestSegmentLSN: UInt64 = 0
        for number in listing.segments {
            let analysis = SegmentAnalysis(path: path(FileNames.segment(number)), name: FileNames.segment(number), fileSystem: fileSystem)
            guard let info = analysis.info, !dropped.contains(info.collectionID) else { continue }
            segments[info.collectionID, default: []].append(EngineManifestSegment(number: number, rows: info.rows, tombstones: []))
            infos[info.collectionID] = info
            highestSegmentLSN = max(highestSegmentLSN, info.maxLSN)
        }
        let ids = Set(definitions.keys).subtracting(dropped).union(segments.keys).sorted()
        let collections = ids.compactMap { id -> EngineManifestCollection? in
            guard let definition = definitions[id] ?? infos[id].map({ $0.definition ?? Self.recoveredDefinition(id: id, info: $0) })
            else { return nil }
            return EngineManifestCollection(definition: definition, segments: segments[id] ?? [])
        }
        let checkpoint = max(highestSegmentLSN, (lowestLSN ?? 1) - 1)
        if let lowestLSN, lowestLSN > highestSegmentLSN + 1 {
            report.losses.append(RepairLoss(file: FileNames.manifest, lsnFrom: highestSegmentLSN + 1, lsnTo: lowestLSN - 1,
                                            detail: "changes checkpointed only in the lost manifest (deletes, drops) cannot be recovered"))
        }
        report.losses.append(RepairLoss(file: FileNames.manifest, detail: "rebuilt manifest: tombstones of deleted vectors "
            + "that were only in the old manifest are lost, so such vectors may reappear"))
        return EngineManifest(checkpointLSN: checkpoint, firstLiveLog: listing.logs.first ?? 0,
                              nextSegmentNumber: (listing.segments.last ?? 0) + 1, nextCollectionID: (ids.last ?? 0) + 1,
                              collections: collections)
    }

    /// A definition for a collection whose create record is gone and whose segments predate info version 2: the
    /// segment's facts and the default index parameters.
    private static func recoveredDefinition(id: UInt64, info: EngineSegmentInfo) -> EngineCollectionDefinition {
        EngineCollectionDefinition(id: id, name: "recovered-\(id)", dimension: info.dimension, metric: info.metric,
                                   indexType: info.indexType, m: 16, efConstruction: 200, efSearch: 64, createdAtMs: 0)
    }
}

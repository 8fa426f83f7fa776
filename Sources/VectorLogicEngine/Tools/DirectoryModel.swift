import VectorLogicFormat
import VectorLogicIO

/// The engine's state rebuilt in memory, read-only: manifest, mapped segments, and the log after the checkpoint
/// applied by the same `CoreState.apply` the engine replays with — but nothing is cut, removed or written.
enum DirectoryModel {
    /// Per-collection counts as `Database.open` would see them; nil when damage stops the replay.
    static func count(directory: String, fileSystem: any FileSystem) -> [CollectionSummary]? {
        guard let state = replay(directory: directory, fileSystem: fileSystem) else { return nil }
        return state.collections.values.sorted { $0.id < $1.id }.map { runtime in
            let unflushed = runtime.active.liveCount + runtime.frozen.reduce(0) { $0 + $1.liveCount }
            return CollectionSummary(definition: runtime.definition, segments: runtime.segments.count, vectors: runtime.liveCount,
                                     deleted: runtime.deadInSegments, unflushed: unflushed)
        }
    }

    /// The state after replaying every intact record; nil when the manifest, a segment or a log is damaged.
    static func replay(directory: String, fileSystem: any FileSystem) -> CoreState? {
        var recovery = Recovery(directory: directory, fileSystem: fileSystem)
        guard let listing = try? DirectoryListing(directory: directory, fileSystem: fileSystem),
              let manifest = try? recovery.readManifest(present: listing.manifestPresent),
              (try? recovery.loadSegments(manifest)) != nil else { return nil }
        let live = listing.logs.filter { $0 >= manifest.firstLiveLog }
        var previous = manifest.checkpointLSN
        for (index, number) in live.enumerated() {
            let name = FileNames.log(number)
            guard let analysis = try? LogAnalysis(path: directory + "/" + name, name: name, number: number, fileSystem: fileSystem) else { return nil }
            let chain = analysis.checkChain(previousLSN: previous, checkpoint: manifest.checkpointLSN, isNewest: index == live.count - 1)
            guard !chain.damaged else { return nil }
            for record in analysis.scan.records where record.lsn > manifest.checkpointLSN {
                guard let entry = try? EngineLogPayload.decode(type: record.type, payload: record.payload) else { return nil }
                _ = recovery.state.apply(entry)
            }
            previous = chain.lastLSN
        }
        return recovery.state
    }
}

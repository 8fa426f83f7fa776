import VectorLogicSync
import Logging
import Synchronization
import VectorLogicIO

extension Database {
    /// Swaps the new segments in under the core lock. Deletes that happened after the checkpoint (already in the live
    /// tombstones of the frozen memtable or compaction inputs) carry over to the new segments' tombstones.
    func install(_ plan: CheckpointPlan, segments: [UInt64: (Segment, [(input: Int, row: UInt32)])]) {
        core.withLock { state in
            for job in plan.flushes {
                guard let (segment, _) = segments[job.number] else { continue }
                guard var runtime = state.collections.removeValue(forKey: job.collection), runtime.id == job.collectionID,
                      let index = runtime.frozen.firstIndex(where: { $0.table === job.memtable.table }) else {
                    state.obsoleteSegments.append(job.number)  // dropped meanwhile: the next manifest forgets it
                    continue
                }
                let frozen = runtime.frozen.remove(at: index)
                runtime.segments.append(SegmentState(segment: segment, dead: frozen.dead))
                state.collections[job.collection] = runtime
            }
            for job in plan.compactions {
                installCompaction(job, segments: segments, state: &state)
            }
        }
    }

    private func installCompaction(_ job: CompactionJob, segments: [UInt64: (Segment, [(input: Int, row: UInt32)])], state: inout CoreState) {
        guard var runtime = state.collections.removeValue(forKey: job.collection), runtime.id == job.collectionID else {
            if let number = job.number { state.obsoleteSegments.append(number) }
            return
        }
        let inputNumbers = job.inputs.map(\.segment.number)
        let current = runtime.segments.filter { inputNumbers.contains($0.segment.number) }
        let currentDead = Dictionary(uniqueKeysWithValues: current.map { ($0.segment.number, $0.dead) })
        runtime.segments.removeAll { inputNumbers.contains($0.segment.number) }
        if let number = job.number, let (segment, mapping) = segments[number] {
            var dead = Bitset()
            for (outputRow, source) in mapping.enumerated() {
                let inputNumber = job.inputs[source.input].segment.number
                if currentDead[inputNumber]?.contains(source.row) ?? false { dead.insert(UInt32(outputRow)) }
            }
            runtime.segments.insert(SegmentState(segment: segment, dead: dead), at: 0)
        }
        state.collections[job.collection] = runtime
    }

    /// Deletes logs before the checkpoint's first live log and segments no manifest references any more.
    /// Failures here lose nothing (recovery removes leftovers), so they are only logged.
    func removeObsolete(_ plan: CheckpointPlan) {
        do {
            for name in try fileSystem.contents(ofDirectory: directory) {
                if let number = FileNames.number(name, suffix: ".log"), number < plan.firstLiveLog {
                    try fileSystem.remove(path(name))
                }
            }
            // A segment a snapshot is copying stays until the snapshot unpins it (`SnapshotPins`).
            let deferred = snapshotPins.withLock { $0.deferDeletion(of: plan.obsolete) }
            for number in plan.obsolete where !deferred.contains(number) && fileSystem.exists(path(FileNames.segment(number))) {
                try fileSystem.remove(path(FileNames.segment(number)))
            }
            try fileSystem.syncDirectory(directory)
        } catch {
            options.logger.warning("could not remove obsolete files", metadata: ["error": "\(error)"])
        }
    }
}

import VectorLogicSync
import CVectorLogicKernels
import Synchronization
import VectorLogicDistance

extension MutableHNSW {
    /// Inserts `row` (rows may come in any order, each exactly once). Safe to call from several threads at once and
    /// while searches run: the row's own lists are written before any other node links to it.
    public func insert(_ row: UInt32) {
        precondition(row != UInt32.max, "row number out of range")
        ensureCapacity(row)
        let level = randomLevel(row)
        prepareNode(row, level: level)
        let claimed = top.withLock { entry -> EntryPoint? in
            if let entry { return entry }
            entry = EntryPoint(row: row, level: level)
            return nil
        }
        if let entry = claimed {
            let bound = capacity.load(ordering: .acquiring)
            if let rows = contiguous {
                let reader = MutableGraphReader(vectors: ContiguousVectors(base: rows.base, stride: rows.stride),
                                                dimension: dimension, kind: kind.buildKind, rowBound: bound, storage: storage)
                link(row, level: level, entry: entry, reader: reader)
            } else {
                let reader = MutableGraphReader(vectors: SourceVectors(source: source),
                                                dimension: dimension, kind: kind.buildKind, rowBound: bound, storage: storage)
                link(row, level: level, entry: entry, reader: reader)
            }
            if level > entry.level {
                top.withLock { current in
                    if let c = current, level > c.level { current = EntryPoint(row: row, level: level) }
                }
            }
        }
        inserted.add(1, ordering: .releasing)
    }

    /// Writes the row's level, upper-list storage and inverse norm before the row becomes reachable.
    private func prepareNode(_ row: UInt32, level: Int) {
        let (k, o) = storage.geometry.locate(row)
        storage.levels[k].unsafelyUnwrapped[o] = UInt8(level)
        if level > 0 {
            let words = level * storage.strideUpper
            let upper = UnsafeMutablePointer<UInt32>.allocate(capacity: words)
            upper.initialize(repeating: 0, count: words)
            storage.upperSlot(row).pointee = upper
        }
        storage.inverseNorm(row).pointee = Distance.inverseNorm(source.vector(row), count: dimension)
    }

    /// Algorithm 1 of the paper: greedy descent to the row's top level, then per level an ef_construction search,
    /// the neighbour-selection heuristic, and links in both directions. With build codes the descent and the searches
    /// walk them, and each level's candidates are re-measured with float32 rows before links are chosen.
    private func link<R: GraphReader>(_ row: UInt32, level: Int, entry: EntryPoint, reader: R) {
        let codes = buildCodes.withLock { $0 }
        pool.withScratch(rows: reader.rowBound) { scratch in
            reader.kind.prepare(source.vector(row), dimension: dimension, into: scratch.query)
            let query = UnsafePointer(scratch.query)
            if let codes {
                precondition(codes.kind == reader.kind, "build codes made for another distance than the build's")
                let walker = codes.walker(over: reader, query: query, scratch: scratch)
                link(row, level: level, entry: entry, query: query, walker: walker, reader: reader, remeasure: true, scratch: scratch)
            } else {
                link(row, level: level, entry: entry, query: query, walker: reader, reader: reader, remeasure: false, scratch: scratch)
            }
        }
    }

    /// The levels of one insert: `walker` finds candidates, `reader` (float32) measures what links are chosen from.
    private func link<W: GraphReader, R: GraphReader>(_ row: UInt32, level: Int, entry: EntryPoint, query: UnsafePointer<Float>,
                                                      walker: W, reader: R, remeasure: Bool, scratch: SearchScratch) {
        var start = walker.greedyDescend(query, entry: entry.row, fromLevel: entry.level, toLevel: level, scratch: scratch)
        var l = min(level, entry.level)
        while l >= 0 {
            walker.searchLayer(query, entry: start, ef: parameters.efConstruction, level: l, accept: nil, scratch: scratch)
            scratch.results.drainSorted(into: &scratch.sorted)
            // The row itself can show up: a concurrent insert that linked to it lists it in its own lists.
            scratch.sorted.removeAll { $0.row == row }
            // The next level starts from this one's best, in the walker's own distances.
            if let best = scratch.sorted.first { start = best }
            if remeasure { reader.remeasure(&scratch.sorted, query: query) }
            selectNeighbors(scratch.sorted, max: parameters.m, reader: reader, into: &scratch.selected)
            connect(row, level: l, selected: scratch.selected, reader: reader)
            l -= 1
        }
    }

    /// The heuristic of the paper (algorithm 4, as in hnswlib): take candidates nearest first, keep one only if it is
    /// closer to the base than to every neighbour kept so far — this keeps links pointing in diverse directions.
    func selectNeighbors<R: GraphReader>(_ sorted: [Candidate], max limit: Int, reader: R, into out: inout [Candidate]) {
        out.removeAll(keepingCapacity: true)
        if sorted.count <= limit {
            out.append(contentsOf: sorted)
            return
        }
        for candidate in sorted {
            if out.count >= limit { break }
            var keep = true
            for chosen in out where reader.distance(row: candidate.row, row: chosen.row) < candidate.distance {
                keep = false
                break
            }
            if keep { out.append(candidate) }
        }
    }

    /// Sets the row's own list at `level`, then adds the back-links (pruning a full list with the heuristic).
    ///
    /// The own list is merged, never overwritten. Once this row is linked on a higher level, other threads' inserts
    /// can descend through it, pick it as a neighbour on a lower level and append a back-link to its (still empty)
    /// list there — before this loop reaches that level. Overwriting the list with `selected` erased those back-links,
    /// sometimes a row's only in-link, so no search could reach that row again, whatever the ef (issue 8, section 3:
    /// 0.02–0.2% of rows lost on 2+ threads, none on one). hnswlib avoids it by holding the new element's lock for its
    /// whole insert; readers here never lock, so the links found in the list are kept, and the union is pruned with
    /// the same heuristic as a full neighbour list when it does not fit. Back-links already present are not added
    /// again (the other row may have linked this one from its own list first).
    private func connect<R: GraphReader>(_ row: UInt32, level: Int, selected: [Candidate], reader: R) {
        guard let (own, ownMax) = storage.list(row, level: level) else { return }
        // Level-0 lists keep the in-link counters exact (`linkOrphans`); upper levels are not counted.
        let counted = level == 0
        var pool: [Candidate] = []
        var kept: [Candidate] = []
        var old: [UInt32] = []
        pool.reserveCapacity(max(selected.count + ownMax, storage.m0) + 1)  // grown before a spin lock is held
        kept.reserveCapacity(pool.capacity)
        old.reserveCapacity(ownMax)
        let lock = storage.lockWord(row)
        vl_spin_lock(lock)
        let appended = min(Int(vl_load_acquire_u32(own)), ownMax)
        if appended == 0 {
            for (i, c) in selected.enumerated() { vl_store_release_u32(own + 1 + i, c.row) }
            vl_store_release_u32(own, UInt32(selected.count))
            if counted { for c in selected { storage.linkAdded(to: c.row) } }
        } else {
            pool.append(contentsOf: selected)
            for i in 0..<appended {
                let other = vl_load_acquire_u32(own + 1 + i)
                old.append(other)
                if other == row || pool.contains(where: { $0.row == other }) { continue }
                pool.append(Candidate(distance: reader.distance(row: row, row: other), row: other))
            }
            pool.sort(by: Candidate.closer)
            selectNeighbors(pool, max: ownMax, reader: reader, into: &kept)
            for (i, c) in kept.enumerated() { vl_store_release_u32(own + 1 + i, c.row) }
            vl_store_release_u32(own, UInt32(kept.count))
            if counted {
                // Once per level and insert, at most 2m × 2m compares.
                for c in kept where !old.contains(c.row) { storage.linkAdded(to: c.row) }
                for o in old where !kept.contains(where: { $0.row == o }) { storage.linkRemoved(to: o) }
            }
        }
        vl_spin_unlock(lock)
        for neighbor in selected where neighbor.row != row {
            guard let (list, maxDegree) = storage.list(neighbor.row, level: level) else { continue }
            let nlock = storage.lockWord(neighbor.row)
            vl_spin_lock(nlock)
            let n = min(Int(vl_load_acquire_u32(list)), maxDegree)
            var present = false
            for i in 0..<n where vl_load_acquire_u32(list + 1 + i) == row {
                present = true
                break
            }
            if present {
                // Linked already (the neighbour found this row first).
            } else if n < maxDegree {
                vl_store_release_u32(list + 1 + n, row)
                vl_store_release_u32(list, UInt32(n + 1))
                if counted { storage.linkAdded(to: row) }
            } else {
                pool.removeAll(keepingCapacity: true)
                pool.append(Candidate(distance: neighbor.distance, row: row))
                for i in 0..<n {
                    let other = vl_load_acquire_u32(list + 1 + i)
                    pool.append(Candidate(distance: reader.distance(row: neighbor.row, row: other), row: other))
                }
                pool.sort(by: Candidate.closer)
                selectNeighbors(pool, max: maxDegree, reader: reader, into: &kept)
                for (i, c) in kept.enumerated() { vl_store_release_u32(list + 1 + i, c.row) }
                vl_store_release_u32(list, UInt32(kept.count))
                if counted { countPrune(pool, kept: kept, added: row) }
            }
            vl_spin_unlock(nlock)
        }
    }

    /// Counts the level-0 links a pruned list gained and lost: `pool` is the old list plus `added`, sorted, and
    /// `kept` is a subsequence of it (`selectNeighbors` takes candidates in order), so one walk finds both.
    private func countPrune(_ pool: [Candidate], kept: [Candidate], added: UInt32) {
        var j = 0
        for c in pool {
            if j < kept.count && kept[j].row == c.row {
                j += 1
                if c.row == added { storage.linkAdded(to: added) }
            } else if c.row != added {
                storage.linkRemoved(to: c.row)
            }
        }
        assert(j == kept.count, "kept links are not a subsequence of the pruned pool")
    }
}

import VectorLogicSync

/// A few dedicated threads for CPU-heavy request work (filtered scans, counts, scrolls, large searches, large body
/// decodes), so it never runs on the NIO event loops that serve every connection (`serve` makes them Swift's global
/// executor, so a plain `Task {}` would land there too). `/health` and other small requests stay on the loops and keep
/// answering while the pool is busy.
///
/// Admission is bounded: at most `maxQueued` jobs wait; `submit` returns false beyond that (the server answers 503).
/// The threads exit when the pool is released.
final class WorkerPool: Sendable {
    private let storage: Storage
    /// Threads running jobs.
    let threadCount: Int
    /// Most jobs waiting for a thread.
    let maxQueued: Int

    init(threads: Int, maxQueued: Int) {
        threadCount = max(1, threads)
        self.maxQueued = max(1, maxQueued)
        storage = Storage(maxQueued: self.maxQueued)
        for _ in 0..<threadCount { storage.startThread() }
    }

    deinit { storage.stop() }

    /// Queues `job`; false when the queue is full or the pool is stopping (the job is then not run).
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        storage.submit(job)
    }

    /// Jobs waiting for a thread now.
    var queued: Int { storage.queuedCount }

    /// The queue and its lock; shared by the threads (which keep it alive) and the pool.
    private final class Storage: @unchecked Sendable {
        // Everything below is guarded by `condition`.
        private let condition = ConditionLock()
        private var jobs: [(@Sendable () -> Void)?] = []
        private var head = 0
        private var stopping = false
        let maxQueued: Int

        init(maxQueued: Int) {
            self.maxQueued = maxQueued
        }

        var queuedCount: Int {
            condition.withLock { jobs.count - head }
        }

        func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
            condition.withLock {
                guard !stopping, jobs.count - head < maxQueued else { return false }
                jobs.append(job)
                condition.signal()
                return true
            }
        }

        func stop() {
            condition.withLock {
                stopping = true
                condition.broadcast()
            }
        }

        /// The next job, or nil once stopping (queued jobs are still run first).
        private func next() -> (@Sendable () -> Void)? {
            condition.withLock {
                while head == jobs.count {
                    if stopping { return nil }
                    condition.wait()
                }
                let job = jobs[head]
                jobs[head] = nil
                head += 1
                if head == jobs.count {
                    jobs.removeAll(keepingCapacity: true)
                    head = 0
                } else if head >= 1_024 {
                    jobs.removeFirst(head)
                    head = 0
                }
                return job
            }
        }

        /// Starts a detached worker thread; it holds the storage until `next()` returns nil.
        func startThread() {
            OSThread(name: "vectorlogic-worker") { [self] in
                while let job = next() { job() }
            }.detach()
        }
    }
}

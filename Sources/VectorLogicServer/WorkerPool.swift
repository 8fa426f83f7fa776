#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        private let mutex: UnsafeMutablePointer<pthread_mutex_t>
        private let condition: UnsafeMutablePointer<pthread_cond_t>
        private var jobs: [(@Sendable () -> Void)?] = []
        private var head = 0
        private var stopping = false
        let maxQueued: Int

        init(maxQueued: Int) {
            self.maxQueued = maxQueued
            mutex = .allocate(capacity: 1)
            mutex.initialize(to: pthread_mutex_t())
            pthread_mutex_init(mutex, nil)
            condition = .allocate(capacity: 1)
            condition.initialize(to: pthread_cond_t())
            pthread_cond_init(condition, nil)
        }

        deinit {
            pthread_cond_destroy(condition)
            pthread_mutex_destroy(mutex)
            condition.deallocate()
            mutex.deallocate()
        }

        var queuedCount: Int {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            return jobs.count - head
        }

        func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            guard !stopping, jobs.count - head < maxQueued else { return false }
            jobs.append(job)
            pthread_cond_signal(condition)
            return true
        }

        func stop() {
            pthread_mutex_lock(mutex)
            stopping = true
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }

        /// The next job, or nil once stopping (queued jobs are still run first).
        private func next() -> (@Sendable () -> Void)? {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            while head == jobs.count {
                if stopping { return nil }
                pthread_cond_wait(condition, mutex)
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

        func run() {
            while let job = next() { job() }
        }

        func startThread() {
            let context = Unmanaged.passRetained(self).toOpaque()
            var thread = pthread_t()
            let result = pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                let storage = Unmanaged<Storage>.fromOpaque(raw).takeRetainedValue()
                storage.run()
                return nil
            }, context)
            precondition(result == 0, "pthread_create failed: \(result)")
            pthread_detach(thread)
        }
    }
}

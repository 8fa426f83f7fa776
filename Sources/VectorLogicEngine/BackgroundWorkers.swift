import Logging
import Synchronization
import VectorLogicSync

/// The engine's background threads (indexer and maintenance): real threads, woken by `nudge()` after writes and
/// every 100 ms otherwise, stopped and joined by `stop()`.
final class BackgroundWorkers: Sendable {
    private let signal = ConditionLock()
    private let stopped = Atomic<Bool>(false)
    private let threads = Locked<[OSThread]>([])

    /// Starts a thread that runs `step` repeatedly; `step` returns true when it did work (then it runs again at once).
    func spawn(name: String, _ step: @escaping @Sendable () -> Bool) {
        let thread = OSThread(name: name) { [self] in
            while !stopped.load(ordering: .acquiring) {
                if step() { continue }
                signal.withLock {
                    if !stopped.load(ordering: .acquiring) { signal.wait(milliseconds: 100) }
                }
            }
        }
        threads.withLock { $0.append(thread) }
    }

    /// Wakes the threads (new rows to index, maybe a flush due).
    func nudge() {
        signal.withLock { signal.broadcast() }
    }

    /// Stops and joins every thread.
    func stop() {
        stopped.store(true, ordering: .releasing)
        signal.withLock { signal.broadcast() }
        let all = threads.withLock { threads in
            let all = threads
            threads = []
            return all
        }
        for thread in all { thread.join() }
    }

    /// Whether `stop()` was called.
    var isStopped: Bool { stopped.load(ordering: .acquiring) }
}

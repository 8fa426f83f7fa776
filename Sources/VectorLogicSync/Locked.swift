#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a pthread mutex, with the same `withLock` shape as `Synchronization.Mutex`.
///
/// Why not `Mutex`: on Linux, Swift 6.3's `Synchronization.Mutex` locks with futex calls that ThreadSanitizer does not
/// see, so every value it guards is reported as a data race under `swift test --sanitize=thread` (reproduced with an
/// 8-thread counter: 7 false reports with `Mutex`, none with this type). CI runs the concurrency tests under TSan,
/// so the project locks with pthreads, which TSan intercepts.
public final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Heap storage rather than a stored property: a class property gets Swift's dynamic exclusivity instrumentation,
    /// which TSan reports as an "access race" for zero-sized values (`Locked<Void>`) whose address aliases a neighbour.
    private let value: UnsafeMutablePointer<Value>

    /// Guards `value`.
    public init(_ value: Value) {
        self.value = .allocate(capacity: 1)
        self.value.initialize(to: value)
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        value.deinitialize(count: 1)
        value.deallocate()
    }

    /// Runs `body` with exclusive access to the value; never call `withLock` on the same lock from inside `body`.
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value.pointee)
    }
}

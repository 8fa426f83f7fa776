#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real OS thread (not Swift's cooperative pool) running one closure, for work that blocks (fsync, long scans):
/// blocking a cooperative thread would stall unrelated tasks. `join()` waits for it; `detach()` lets it finish alone.
public final class OSThread: @unchecked Sendable {
    private final class Box {
        let name: String
        let body: () -> Void
        init(_ name: String, _ body: @escaping () -> Void) {
            self.name = name
            self.body = body
        }
    }

    private var thread = pthread_t()

    /// Starts `body` on a new thread named `name` (as `top -H` and `perf` show it; Linux keeps the first 15 bytes).
    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(name, body)).toOpaque()
        let result = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            OSThread.nameCurrentThread(box.name)
            box.body()
            return nil
        }, box)
        precondition(result == 0, "pthread_create failed: \(result)")
    }

    /// Names the calling thread. Glibc's Swift module does not import `pthread_setname_np` (it needs `_GNU_SOURCE`), so
    /// this writes the name where that call would: `/proc/thread-self/comm`. Best effort: a failure only leaves the name.
    private static func nameCurrentThread(_ name: String) {
        #if os(Linux)
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        #endif
    }

    /// Waits for the thread's closure to return (call once, and not after `detach()`).
    public func join() {
        pthread_join(thread, nil)
    }

    /// Lets the thread run to completion without a join (call once, and not after `join()`).
    public func detach() {
        pthread_detach(thread)
    }
}

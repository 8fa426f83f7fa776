#if canImport(Glibc)
import Glibc
#endif

/// Gives the C heap's freed memory back to the system (glibc's `malloc_trim(0)`).
///
/// glibc keeps memory freed inside its per-thread arenas (64 MiB regions) mapped: after a 1,000,000-row ingest the
/// server's anonymous memory stayed at 800 MiB once every memtable was flushed and freed, of which 384 MiB were the SQ8
/// codes; a `malloc_trim(0)` brought it to 429 MiB (measured with gdb on the running server, BENCHMARKS.md "One million
/// vectors"). The engine calls this after each checkpoint, which is when a memtable's rows are freed.
public enum FreedHeap {
    private typealias Trim = @convention(c) (Int) -> Int32

    /// `malloc_trim`, looked up once (nil on a C library without it; glibc's header is not in Swift's Glibc module).
    nonisolated(unsafe) private static let trim: Trim? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
        #else
        return nil
        #endif
    }()

    /// Returns whole free pages of every arena to the system; true when some memory was released. Takes a few
    /// milliseconds (it walks the arenas' free lists), so it is for after large frees, not for request paths.
    @discardableResult
    public static func release() -> Bool {
        guard let trim else { return false }
        return trim(0) == 1
    }
}

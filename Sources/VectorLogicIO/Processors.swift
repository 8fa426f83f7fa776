#if canImport(Glibc)
import Glibc
#endif

/// The machine's processors, for sizing work spread over threads.
public enum Processors {
    /// Processors online now (at least 1).
    public static var online: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }
}

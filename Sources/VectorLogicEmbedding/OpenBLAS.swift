#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif
internal import CVectorLogicEmbeddingKernels

/// OpenBLAS's `cblas_sgemm`, loaded with `dlopen` after choosing its kernel set.
///
/// Why not link it: Debian 12's OpenBLAS 0.3.21 picks its kernels when the library loads, and it does not know this
/// machine's CPU (a virtualised Xeon with AVX-512 reports itself as "Intel(R) Xeon(R) Processor"): it falls back to
/// its SSE3 "Prescott" kernels. Measured (2048×384 · 384×384, one thread, loaded machine): Prescott 2.2 GFLOP/s,
/// Haswell (AVX2) 4.6, SkylakeX (AVX-512) 8.7. `OPENBLAS_CORETYPE` chooses the kernels, but only before the library
/// loads, so this module sets it (SkylakeX with AVX-512 F/BW/VL/DQ, else Haswell with AVX2+FMA; an operator's own
/// value is kept), loads the library, and restores the environment.
enum OpenBLAS {
    typealias SGEMM = @convention(c) (
        Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32, Float,
        UnsafeMutablePointer<Float>?, Int32
    ) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void
    typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?

    static let rowMajor: Int32 = 101
    static let noTrans: Int32 = 111
    static let trans: Int32 = 112

    /// The loaded functions (or why they could not be loaded); loaded once, on first use.
    struct Library: @unchecked Sendable {
        // @unchecked: C function pointers, immutable after loading.
        let sgemm: SGEMM
        /// The kernel set OpenBLAS chose (e.g. "SkylakeX").
        let coreName: String
    }

    static let library: Result<Library, EmbeddingError> = load()

    private static func load() -> Result<Library, EmbeddingError> {
        let previous = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }
        if previous == nil {
            if vl_emb_cpu_has_avx512() != 0 {
                setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
            } else if vl_emb_use_avx2() != 0 {
                setenv("OPENBLAS_CORETYPE", "Haswell", 1)
            }
        }
        // Our own threads split the work (ParallelSlices); OpenBLAS's pool would only spin beside them.
        let previousThreads = getenv("OPENBLAS_NUM_THREADS").map { String(cString: $0) }
        setenv("OPENBLAS_NUM_THREADS", "1", 1)
        defer {
            if previous == nil { unsetenv("OPENBLAS_CORETYPE") }
            if let previousThreads { setenv("OPENBLAS_NUM_THREADS", previousThreads, 1) } else { unsetenv("OPENBLAS_NUM_THREADS") }
        }
        var handle: UnsafeMutableRawPointer?
        for name in ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"] {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle else {
            return .failure(.modelFileMissing(file: "libopenblas.so.0 (apt-get install libopenblas0; tools/setup does)"))
        }
        guard let sgemm = dlsym(handle, "cblas_sgemm") else {
            return .failure(.modelFileDamaged(file: "libopenblas.so.0", reason: "no cblas_sgemm"))
        }
        if let setThreads = dlsym(handle, "openblas_set_num_threads") {
            unsafeBitCast(setThreads, to: SetThreads.self)(1)
        }
        var coreName = "unknown"
        if let symbol = dlsym(handle, "openblas_get_corename"), let name = unsafeBitCast(symbol, to: CoreName.self)() {
            coreName = String(cString: name)
        }
        return .success(Library(sgemm: unsafeBitCast(sgemm, to: SGEMM.self), coreName: coreName))
    }
}

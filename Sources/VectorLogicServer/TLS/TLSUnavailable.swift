#if !TLS
/// What stands for the TLS context in a build without the `TLS` trait (tools/test's ThreadSanitizer build): never made,
/// because `VectorLogicServer.loadTLS` refuses `--tls-cert` there ("not supported by this build", exit 2).
public final class TLSContextStore: Sendable {
    private init() {}
}
#endif

public import Hummingbird

/// The per-request context: Hummingbird's core storage plus the request id that logs and the `X-Request-Id` header share.
public struct AppRequestContext: RequestContext {
    /// Hummingbird's storage (logger, parameters, matched route).
    public var coreContext: CoreRequestContextStorage
    /// The client's `X-Request-Id`, or one made up by `RequestIDMiddleware`.
    public var requestID: String = ""
    /// The peer's IP address (rate limits key on it); "unknown" when the channel has none (e.g. a Unix socket).
    public let clientAddress: String

    /// Called by Hummingbird for every request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}

public import Hummingbird
public import NIOCore

/// The per-request context: Hummingbird's core storage plus the request id that logs and the `X-Request-Id` header share.
public struct AppRequestContext: RequestContext {
    /// Hummingbird's storage (logger, parameters, matched route).
    public var coreContext: CoreRequestContextStorage
    /// The client's `X-Request-Id`, or one made up by `RequestIDMiddleware`.
    public var requestID: String = ""
    /// The client's IP address (rate limits and logs key on it): the peer's, or — when the peer is one of
    /// `--trusted-proxies` — the one `X-Forwarded-For` names (set by `RequestLogMiddleware`); "unknown" when the
    /// channel has none (e.g. a Unix socket).
    public var clientAddress: String
    /// The authenticated key's id (set by `AuthMiddleware`; nil when auth is off or the route is open).
    public var apiKeyID: String?
    /// The authenticated key's own requests-per-minute limit.
    public var apiKeyRateLimit: Int = 0
    /// What inner layers tell outer ones about this request (key id, keyed answer, bytes read).
    public let facts = RequestFacts()
    /// The connection, so long requests can notice that their client hung up (`ClientWatch`).
    public let channel: any Channel

    /// Called by Hummingbird for every request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        channel = source.channel
    }
}

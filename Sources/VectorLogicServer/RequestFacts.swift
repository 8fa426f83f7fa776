import NIOConcurrencyHelpers

/// What the inner layers learn about a request that the outer ones need once it is answered: the request log wants
/// the key id and the bytes read, the security headers want to know whether the answer was keyed.
///
/// `AppRequestContext` is a value passed down the middleware chain, so a field set by `AccessPolicy` would never be
/// seen by `RequestLogMiddleware` above it; this shared box is (one allocation per request, as Hummingbird's own
/// `EndpointPath`). The lock is uncontended: one request's task uses it at a time.
public struct RequestFacts: Sendable {
    struct Values {
        var keyID: String?
        var keyed = false
        var bytesIn = 0
    }

    private let box = NIOLockedValueBox(Values())

    init() {}

    /// The authenticated key's id (never its secret); nil when no key was checked.
    public var keyID: String? {
        get { box.withLockedValue { $0.keyID } }
        nonmutating set { box.withLockedValue { $0.keyID = newValue } }
    }

    /// Whether the answer is keyed: the route takes a key (even with auth off) — its answers get `Cache-Control: no-store`.
    public var keyed: Bool {
        get { box.withLockedValue { $0.keyed } }
        nonmutating set { box.withLockedValue { $0.keyed = newValue } }
    }

    /// Body bytes read, for requests whose length the head does not declare (chunked).
    var bytesIn: Int {
        get { box.withLockedValue { $0.bytesIn } }
        nonmutating set { box.withLockedValue { $0.bytesIn = newValue } }
    }
}

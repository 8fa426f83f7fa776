public import HTTPTypes
import Hummingbird
public import VectorLogicAccess

/// Which rate-limit buckets a route draws from (docs/api.md "Conventions").
public enum RateClass: String, Sendable, CaseIterable {
    /// Probes and scrapes (`/health`, `/ready`, `/metrics`): never limited, so an orchestrator never sees a 429.
    case unlimited
    /// The client's general bucket (and its key's bucket).
    case general
    /// The general bucket plus the client's (lower) search bucket.
    case search
}

/// Everything the server knows about one route besides its handler, declared once, next to the handler.
///
/// Authentication and rate limiting read this value from the route the router matched, never from the request's raw
/// path: `//v1//keys/` and `/v1/keys` reach the same route and therefore need the same permission (issue 8: the old
/// string tests on the raw path let a read key list every key by doubling a slash).
public struct APIRoute: Sendable, Hashable, CustomStringConvertible {
    /// The HTTP method.
    public let method: HTTPRequest.Method
    /// The template as the router matches it, with `:name` parameters (e.g. `/v1/collections/:collection/search`).
    public let path: String
    /// The permission a key needs; nil: the route is open (no key even when auth is on).
    public let permission: APIKeyPermission?
    /// The rate-limit buckets the route draws from.
    public let rateClass: RateClass
    /// The route's `operationId` in the OpenAPI document; nil for the persona routes, whose operations are described
    /// once as shared `components/pathItems` for both `/personas…` and `/v1/personas…`.
    public let operationID: String?
    /// The keys its JSON request body accepts (its decoder reads through them); nil: the route takes no JSON body.
    public let body: BodyKeys?

    /// The OpenAPI spelling of the template: `:name` becomes `{name}`.
    public var openAPIPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
    }

    /// `GET /v1/keys`.
    public var description: String { "\(method.rawValue) \(path)" }
}

/// A route and its handler.
struct RouteDefinition: Sendable {
    typealias Handler = @Sendable (Request, AppRequestContext) async throws -> Response
    /// The same route answered on the event loop without suspending (`SearchLane`): from the template's parameters and
    /// the whole body, the work that computes the success body once the request is admitted — or nil, and any thrown
    /// error, to leave the request to `handler` (it would suspend, or it fails: the router's path answers failures).
    /// It must change nothing before the returned work runs.
    typealias LaneHandler = @Sendable (_ parameters: [Substring: Substring], _ body: ByteBuffer) throws -> (@Sendable () throws -> [UInt8])?

    let route: APIRoute
    let handler: Handler
    /// The event-loop answer, for the routes whose common case is worth it (the single search).
    private(set) var lane: LaneHandler?

    /// This route with `lane` as its event-loop answer.
    func answeredOnEventLoop(_ lane: @escaping LaneHandler) -> Self {
        var copy = self
        copy.lane = lane
        return copy
    }

    init(_ method: HTTPRequest.Method, _ path: String, _ permission: APIKeyPermission?, operation: String? = nil,
         rate: RateClass = .general, body: BodyKeys? = nil, _ handler: @escaping Handler) {
        precondition(path.hasPrefix("/") && !path.hasSuffix("/") && !path.contains("//"), "route templates are canonical: \(path)")
        route = APIRoute(method: method, path: path, permission: permission, rateClass: rate, operationID: operation, body: body)
        self.handler = handler
    }

    /// A probe or scrape (`GET`): no key, never rate-limited.
    static func probe(_ path: String, operation: String, _ handler: @escaping Handler) -> Self {
        Self(.get, path, nil, operation: operation, rate: .unlimited, handler)
    }

    /// A read route: GET or a POST that changes nothing.
    static func read(_ method: HTTPRequest.Method, _ path: String, operation: String? = nil, rate: RateClass = .general,
                     body: BodyKeys? = nil, _ handler: @escaping Handler) -> Self {
        Self(method, path, .read, operation: operation, rate: rate, body: body, handler)
    }

    /// A route that changes vectors or personas.
    static func write(_ method: HTTPRequest.Method, _ path: String, operation: String? = nil, body: BodyKeys? = nil,
                      _ handler: @escaping Handler) -> Self {
        Self(method, path, .write, operation: operation, body: body, handler)
    }

    /// A route that changes collections, keys or snapshots, or reads keys or snapshots.
    static func admin(_ method: HTTPRequest.Method, _ path: String, operation: String, body: BodyKeys? = nil,
                      _ handler: @escaping Handler) -> Self {
        Self(method, path, .admin, operation: operation, body: body, handler)
    }
}

extension Routes {
    /// Every route of the server, in registration order. The router, the access policy, the OpenAPI check and the
    /// path-spelling tests all read this one list. `keys` nil: the `/v1/keys` routes are not served.
    static func table(state: ServerState, keys: KeyStore?) -> [RouteDefinition] {
        var routes = operations(state: state)
        routes += collections(state: state)
        routes += vectors(state: state)
        routes += search(state: state)
        routes += shortRoutes(state: state)
        routes += embeddings(state: state)
        routes += personas(state: state)
        if let keys { routes += Routes.keys(keys: keys, state: state) }
        routes += snapshots(state: state, keys: keys)
        // Last, so that the console's stream knows which routes are searches (by the `{name}` spelling that Hummingbird's
        // endpoint path, and so the metrics' route label, uses).
        routes += adminConsole(state: state, keys: keys,
                               searchRoutes: Set(routes.filter { $0.route.rateClass == .search }.map(\.route.openAPIPath)))
        var seen = Set<String>()
        for definition in routes {
            precondition(seen.insert(definition.route.description).inserted, "route declared twice: \(definition.route)")
        }
        return routes
    }
}

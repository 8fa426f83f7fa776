import HTTPTypes
import VectorLogicPersonas

/// Which permission a request needs (api.md "API keys"): `read` for GET and the search-like POSTs, `write` for changes
/// to vectors and personas, `admin` for collections, keys, snapshots and everything else. `nil`: no key needed.
enum RoutePermission {
    /// Probes and scrapes: no key, no rate limit (`RateLimitMiddleware`).
    static let operationsPaths: Set<String> = ["/health", "/ready", "/metrics"]
    /// Routes every client may call without a key: the operations routes and the static admin page.
    static let openPaths: Set<String> = operationsPaths.union(["/admin"])

    /// The permission `method path` needs.
    static func required(method: HTTPRequest.Method, path: String) -> APIKeyPermission? {
        if openPaths.contains(path) { return nil }
        if path == "/v1/keys" || path.hasPrefix("/v1/keys/") || path == "/v1/snapshots" || path.hasPrefix("/v1/snapshots/") {
            return .admin
        }
        if path == "/v1/collections" || isCollectionPath(path) {
            // Creating and dropping collections is administration; reading them is not.
            return method == .get ? .read : .admin
        }
        if method == .get || method == .head { return .read }
        if method == .post && isReadOnlyPost(path) { return .read }
        if path.hasPrefix("/v1/collections/") || path == "/vectors" || path.hasPrefix("/vectors/")
            || path.hasPrefix("/personas") || path.hasPrefix("/v1/personas") {
            return .write
        }
        return .admin
    }

    /// `/v1/collections/{c}` exactly (not its sub-resources).
    private static func isCollectionPath(_ path: String) -> Bool {
        guard path.hasPrefix("/v1/collections/") else { return false }
        return !path.dropFirst("/v1/collections/".count).contains("/")
    }

    /// POSTs that only read: search, scroll, count.
    private static func isReadOnlyPost(_ path: String) -> Bool {
        path.hasSuffix("/search") || path.hasSuffix("/scroll") || path.hasSuffix("/count")
    }
}

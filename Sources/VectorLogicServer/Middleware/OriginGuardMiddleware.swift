import HTTPTypes
import Hummingbird

/// Refuses requests a web page could make the browser send to this server against its will (issue 8 §5):
/// - a `Host` that is not this server's (DNS rebinding: a page on `evil.example` whose name later resolves to
///   127.0.0.1 reaches a keyless local server with `Host: evil.example`) → 400 `invalid_host`. Allowed: IP literals,
///   `localhost` and `*.localhost`, the bind host, and the names in `--allowed-hosts` (`*` allows any, `.example.com`
///   a domain and its subdomains). A request without `Host` (HTTP/1.0; browsers always send one) passes.
/// - a state-changing request (not GET/HEAD/OPTIONS) with an `Origin` other than the server's own → 403
///   `cross_origin`: browsers send `Origin` on every cross-site POST, including the "simple" ones that need no
///   preflight (with CORS off nothing else would stop them). Origins listed in `--cors-origins` (or any, with `*`) pass:
///   the operator asked for their pages to call the API.
struct OriginGuardMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let bindHost: String
    let allowedHosts: [String]
    let corsOrigins: CORSOrigins

    init(configuration: ServerConfiguration) {
        bindHost = configuration.host.lowercased()
        allowedHosts = configuration.allowedHosts.map { $0.lowercased() }
        corsOrigins = configuration.corsOrigins
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority
        if let host, !allows(host) {
            throw APIError(.badRequest, "invalid_host",
                           "the Host header names \(String(hostName(host).prefix(255))), which this server does not serve; list it in --allowed-hosts (VECTORLOGIC_ALLOWED_HOSTS)")
        }
        if request.method != .get && request.method != .head && request.method != .options,
           let origin = request.headers[.origin] {
            guard let host, Self.originAuthority(origin) == host.lowercased() || corsOrigins.allows(origin) else {
                throw APIError(.forbidden, "cross_origin",
                               "requests from web pages of another origin (\(String(origin.prefix(255)))) are refused; list the origin in --cors-origins (VECTORLOGIC_CORS_ORIGINS) to allow it")
            }
        }
        return try await next(request, context)
    }

    /// Whether the `Host` value `host` names this server. IP literals (what clients of a local server send) are
    /// recognised without lowercasing or allocating; names are compared lowercased.
    func allows(_ host: String) -> Bool {
        if Self.isIPLiteral(Self.hostPart(host)) { return true }
        let name = hostName(host)
        if name == "localhost" || name.hasSuffix(".localhost") || name == bindHost { return true }
        for allowed in allowedHosts {
            if allowed == "*" || allowed == name { return true }
            if allowed.hasPrefix("."), name.hasSuffix(allowed) || name == String(allowed.dropFirst()) { return true }
        }
        return false
    }

    /// The host part of a `Host` value, as written: `[::1]:3000` → `::1`, `127.0.0.1:80` → `127.0.0.1`.
    static func hostPart(_ value: String) -> Substring {
        let text = Substring(value)
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") { return text[text.index(after: text.startIndex)..<close] }
        if let colon = text.lastIndex(of: ":") { return text[..<colon] }
        return text
    }

    /// The host part of a `Host` value, lowercased: `[::1]:3000` → `::1`, `Example.com:80` → `example.com`.
    func hostName(_ value: String) -> String {
        let lower = value.lowercased()
        if lower.hasPrefix("["), let close = lower.firstIndex(of: "]") {
            return String(lower[lower.index(after: lower.startIndex)..<close])
        }
        if let colon = lower.lastIndex(of: ":") { return String(lower[..<colon]) }
        return lower
    }

    /// `https://a.example:8443` → `a.example:8443`; `null` and other opaque origins → nil.
    static func originAuthority(_ origin: String) -> String? {
        let parts = origin.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        // "scheme:", "", "authority", rest
        guard parts.count >= 3, parts[0].hasSuffix(":"), parts[1].isEmpty else { return nil }
        let authority = parts[2]
        return authority.isEmpty ? nil : authority.lowercased()
    }

    /// Four decimal parts of 1–3 digits, each ≤ 255, scanned in place (what a local client sends as `Host` on every
    /// request; the general check below splits and parses).
    static func isIPv4(_ bytes: Substring.UTF8View) -> Bool {
        var parts = 0
        var digits = 0
        var value = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return false }
                parts += 1
                digits = 0
                value = 0
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                guard digits <= 3, value <= 255 else { return false }
            } else {
                return false
            }
        }
        return parts == 3 && digits > 0
    }

    /// A dotted-quad IPv4 address or an IPv6 address (hex digits, colons, dots).
    static func isIPLiteral(_ name: Substring) -> Bool {
        if isIPv4(name.utf8) { return true }
        if name.contains(":") {
            return name.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && Int(part).map { $0 <= 255 } == true
        }
    }
}

/// The web origins whose pages may call the API from a browser (`--cors-origins`): none (the default), any (`*`), or a
/// list of exact origins (`https://a.example`, `http://localhost:5173`).
///
/// `Access-Control-Allow-Credentials` is never sent, whatever the setting: the server sets no cookies and takes keys
/// only from the `X-API-Key`/`Authorization` headers (which a preflight allows explicitly), so a page never needs the
/// browser's credentials mode, and `*` cannot be combined with it (the Fetch standard forbids it).
public enum CORSOrigins: Sendable, Equatable {
    /// CORS is off: no `Access-Control-*` headers, preflights refused, cross-origin writes refused.
    case off
    /// `*`: any origin, answered with `Access-Control-Allow-Origin: *`.
    case any
    /// These origins (lowercased `scheme://host[:port]`), each echoed exactly when it asks.
    case listed(Set<String>)

    /// Parses `https://a.example,https://b.example` or `*`. An origin is `http` or `https`, `://`, a host and an
    /// optional port, nothing else (one trailing `/` is tolerated); `*` stands alone.
    public static func parse(_ text: String, source: String) throws(ConfigurationError) -> CORSOrigins {
        let items = text.split(separator: ",").map { RequestBody.trim($0) }.filter { !$0.isEmpty }
        if items.isEmpty { return .off }
        if items.contains("*") {
            guard items.count == 1 else {
                throw ConfigurationError("\(source): `*` allows every origin and cannot be combined with a list of origins")
            }
            return .any
        }
        var origins = Set<String>()
        for item in items {
            guard let origin = normalized(item) else {
                throw ConfigurationError("\(source): \"\(item)\" is not an origin; write scheme://host[:port], e.g. https://app.example.com")
            }
            origins.insert(origin)
        }
        return .listed(origins)
    }

    /// `HTTPS://App.Example:8443/` → `https://app.example:8443`; nil for anything that is not an http(s) origin.
    static func normalized(_ text: String) -> String? {
        var lower = text.lowercased()
        if lower.hasSuffix("/") { lower.removeLast() }
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https://" } else if lower.hasPrefix("http://") { scheme = "http://" } else { return nil }
        let authority = lower.dropFirst(scheme.count)
        guard !authority.isEmpty, !authority.contains(where: { "/?#@ \\".contains($0) }) else { return nil }
        var host = authority
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            let port = authority[authority.index(after: colon)...]
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber),
                  let value = Int(port), (1...65_535).contains(value) else { return nil }
            host = authority[..<colon]
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.[]:".contains($0)) }) else { return nil }
        return lower
    }

    /// Whether a page of `origin` (the request's `Origin` header, as the browser serialised it) may call the API.
    /// The opaque origin `null` (sandboxed frames, `file:` pages) never matches a list.
    func allows(_ origin: String) -> Bool {
        switch self {
        case .off: return false
        case .any: return true
        case .listed(let origins): return origins.contains(origin) || origins.contains(origin.lowercased())
        }
    }

    /// The `Access-Control-Allow-Origin` value for `origin`, or nil when it is not allowed.
    func allowOriginValue(for origin: String) -> String? {
        switch self {
        case .off: return nil
        case .any: return "*"
        case .listed: return allows(origin) ? origin : nil
        }
    }
}

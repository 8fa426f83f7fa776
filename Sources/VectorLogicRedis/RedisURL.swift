/// `redis://host[:port][/db]`: where the server is (port 6379 by default) and which logical database to SELECT
/// (0 by default). TLS (`rediss://`), passwords and Unix sockets are not supported: the rate-limit store is meant
/// for a Redis on the servers' private network.
public struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    /// Host name or IP address (IPv6 without brackets).
    public let host: String
    /// TCP port.
    public let port: Int
    /// Logical database number.
    public let database: Int

    /// Parses the URL; nil when it is not `redis://host[:port][/db]`.
    public init?(_ text: String) {
        guard text.hasPrefix("redis://") else { return nil }
        var rest = Substring(text.dropFirst("redis://".count))
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard path.count <= 5, path.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(path) else { return nil }
                database = number
            }
        }
        guard !rest.isEmpty, !rest.contains("@"), !rest.contains("?") else { return nil }
        var host = rest
        var port = 6379
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()), (1...65_535).contains(value) else { return nil }
                port = value
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            guard let value = Int(rest[rest.index(after: colon)...]), (1...65_535).contains(value) else { return nil }
            port = value
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:_".contains($0)) }) else { return nil }
        self.host = String(host)
        self.port = port
        self.database = database
    }

    /// `redis://host:port/db`.
    public var description: String {
        "redis://\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
    }
}

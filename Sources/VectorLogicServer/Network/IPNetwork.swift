/// An IPv4 or IPv6 address as 128 bits; IPv4 addresses are IPv4-mapped (`::ffff:a.b.c.d`), so one comparison
/// covers both families and a peer that reaches a dual-stack socket as `::ffff:10.0.0.1` matches `10.0.0.0/8`.
struct IPAddressBits: Sendable, Equatable {
    var high: UInt64
    var low: UInt64

    /// Parses `10.1.2.3`, `2001:db8::1`, `::ffff:10.1.2.3`, `[::1]` or `fe80::1%eth0`; nil for anything else.
    init?(_ text: Substring) {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        if !text.contains(":") {
            guard let v4 = IPAddressBits.parseIPv4(text) else { return nil }
            high = 0
            low = 0xFFFF_0000_0000 | UInt64(v4)
            return
        }
        guard let groups = IPAddressBits.parseIPv6(text) else { return nil }
        high = groups[0..<4].reduce(0) { $0 << 16 | UInt64($1) }
        low = groups[4..<8].reduce(0) { $0 << 16 | UInt64($1) }
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Whether this is an IPv4(-mapped) address.
    var isIPv4: Bool { high == 0 && low >> 32 == 0xFFFF }

    static func parseIPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.utf8.count), part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    /// Eight 16-bit groups; `::` stands for one or more zero groups, and the last 32 bits may be dotted IPv4.
    static func parseIPv6(_ text: Substring) -> [UInt16]? {
        guard text.utf8.count <= 45 else { return nil }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = parseIPv4(piece) {
                    out += [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                } else {
                    guard (1...4).contains(piece.utf8.count), let group = UInt16(piece, radix: 16) else { return nil }
                    out.append(group)
                }
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}

/// A CIDR block (`10.0.0.0/8`, `2001:db8::/32`, or one address) from `--trusted-proxies`.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    let base: IPAddressBits
    /// Prefix length over the 128-bit (IPv4-mapped) form.
    let prefix: Int
    /// As configured.
    public let description: String

    /// Parses `ADDRESS` or `ADDRESS/PREFIX` (0–32 for IPv4, 0–128 for IPv6); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddressBits(parts[0]) else { return nil }
        let bits = address.isIPv4 && !parts[0].contains(":") ? 32 : 128
        var prefix = bits
        if parts.count == 2 {
            guard (1...3).contains(parts[1].utf8.count), parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let value = Int(parts[1]), value <= bits else { return nil }
            prefix = value
        }
        self.prefix = bits == 32 ? 96 + prefix : prefix
        base = IPNetwork.masked(address, self.prefix)
        description = text
    }

    /// Whether `address` lies in this block.
    func contains(_ address: IPAddressBits) -> Bool {
        IPNetwork.masked(address, prefix) == base
    }

    static func masked(_ address: IPAddressBits, _ prefix: Int) -> IPAddressBits {
        let highMask: UInt64 = prefix >= 64 ? .max : (prefix == 0 ? 0 : .max << (64 - prefix))
        let lowMask: UInt64 = prefix <= 64 ? 0 : (prefix >= 128 ? .max : .max << (128 - prefix))
        return IPAddressBits(high: address.high & highMask, low: address.low & lowMask)
    }
}

/// The client address of a request that may have come through proxies (`--trusted-proxies`).
///
/// `X-Forwarded-For` is believed only when the TCP peer is a trusted proxy, and then only as far as the hops are
/// trusted: the list is walked from the right (each proxy appends the address it saw), skipping trusted proxies, and
/// the first untrusted address is the client. Anything left of it was written by the client and could be forged.
/// With no trusted proxy (the default) the header is ignored: any client could otherwise pick its own rate-limit
/// bucket and log address.
enum ForwardedClient {
    /// Hops examined from the right; more proxies than this in one chain is not a real deployment, and the bound
    /// keeps the walk's cost fixed whatever the header's length.
    static let maxHops = 16

    /// The address to log and rate-limit by: `peer`, or the rightmost untrusted address of `forwardedFor` (the
    /// header's values in order) when `peer` is in `trusted`. An unparsable hop ends the walk at the hop before it.
    static func address(peer: String, forwardedFor: [String], trusted: [IPNetwork]) -> String {
        guard !trusted.isEmpty, !forwardedFor.isEmpty, let peerBits = IPAddressBits(Substring(peer)),
              trusted.contains(where: { $0.contains(peerBits) }) else { return peer }
        var client = peer
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.suffix(maxHops)
        for hop in hops.reversed() {
            let text = Substring(RequestBody.trim(hop))
            guard let bits = IPAddressBits(text) else { break }
            client = String(text)
            if !trusted.contains(where: { $0.contains(bits) }) { break }
        }
        return client
    }
}

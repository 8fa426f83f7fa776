import HummingbirdCore
import Synchronization

/// The number of open client connections, shared between the accept-side delegate that counts them and the metrics.
final class ConnectionGauge: Sendable {
    private let open = Atomic<Int>(0)

    /// Connections open now.
    var value: Int { open.load(ordering: .relaxed) }

    fileprivate func add(_ delta: Int) { open.add(delta, ordering: .relaxed) }
}

/// Hummingbird's `MaximumAvailableConnections` (stop accepting at the cap) that also publishes its count, so
/// `/metrics` and the admin console show the connections the cap counts (`vectorlogic_http_connections`).
struct CountedConnections: AvailableConnectionsDelegate {
    private var limit: MaximumAvailableConnections
    private let gauge: ConnectionGauge

    init(_ maxConnections: Int, gauge: ConnectionGauge) {
        limit = MaximumAvailableConnections(maxConnections)
        self.gauge = gauge
    }

    mutating func connectionOpened() {
        limit.connectionOpened()
        gauge.add(1)
    }

    mutating func connectionClosed() {
        limit.connectionClosed()
        gauge.add(-1)
    }

    func isAcceptingNewConnections() -> Bool { limit.isAcceptingNewConnections() }
}

import NIOCore
import VectorLogicEngine
#if canImport(Glibc)
import Glibc
#endif

/// Notices that the client of a long request has gone, so its work stops instead of running to the end (issue 8).
///
/// Hummingbird does not cancel a handler when its client disconnects, and while a response is pending NIO's HTTP
/// pipelining handler stops reading the socket, so the end of input is never seen. The watcher asks the kernel instead:
/// every `interval` it reads the socket's TCP state (`TCP_INFO`), and a connection the peer has closed (`CLOSE_WAIT`
/// or later) or a channel NIO has closed cancels the budget. A client that half-closes its sending side and still waits
/// for the answer is treated as gone too; HTTP/1.1 clients do not do that.
enum ClientWatch {
    /// How often the socket is checked: a disconnected client's work stops within about this long.
    static let interval: Duration = .milliseconds(50)

    /// Starts watching; cancel the returned task when the work is done.
    static func start(_ channel: any Channel, budget: RequestBudget) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled, !budget.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                if await isGone(channel) {
                    budget.cancel()
                    return
                }
            }
        }
    }

    /// True when the channel is closed or its peer has closed the connection.
    static func isGone(_ channel: any Channel) async -> Bool {
        guard channel.isActive else { return true }
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider,
              let info = try? await provider.getTCPInfo().get() else { return false }
        // TCP_ESTABLISHED is 1; CLOSE_WAIT (8) means the peer sent FIN; CLOSE (7) and the rest are worse.
        return Int(info.tcpi_state) != 1
        #else
        return false
        #endif
    }
}

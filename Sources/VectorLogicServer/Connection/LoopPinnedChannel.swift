import HummingbirdCore
import Logging
import NIOCore

/// Runs each connection's task on the event loop that owns the connection's socket.
///
/// `serve` makes NIO's event loops Swift's global executor, which keeps a job on the loop that enqueued it. Hummingbird
/// starts every connection's task from its accept loop, so a connection whose socket the group placed on the other
/// loop (every second one, with 2 loops) ran its requests on the accept loop: each request's body crossed from the
/// socket's loop to the task's and each response back (NIO's async writer), two cross-thread wake-ups per request.
/// Pinned, both ends are on one thread and a request is read, handled and written without a hand-off.
struct LoopPinnedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(loop: value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}

extension LoopPinnedChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { base.responder }
}

/// A task executor that runs jobs on one event loop (a job enqueued from that loop runs there without a wake-up).
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}

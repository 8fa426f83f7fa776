import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Per-connection time limits (issue 8 §5: 2,000 connections that never finished their headers used to stay open
/// forever, and 1,100 of them under `ulimit -n 1024` stopped the server answering `/health`).
///
/// One timer per connection, in one of three phases:
/// - waiting for a request head: `headerTimeout` on a new connection (the whole head must arrive within it, so a
///   client trickling header bytes is cut off too), `idleTimeout` between requests on a kept-alive connection;
/// - reading a request body: `bodyTimeout` of silence between two body parts;
/// - answering: no timer (the handler's own work is bounded by the request budget).
/// When the timer fires the connection is closed. The number of connections is capped separately
/// (`MaximumAvailableConnections`: the server stops accepting at the cap, so the process never runs out of fds).
///
/// An answer whose head says `Connection: close` (`RequestBody.refuse` sets it when a refused body was too long to
/// drain) closes the connection once written.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    struct Timeouts: Sendable {
        var header: TimeAmount
        var body: TimeAmount
        var idle: TimeAmount
    }

    private let timeouts: Timeouts
    private var timer: Scheduled<Void>?
    /// When the connection is closed unless it moves on; nil: no limit now (a request is being answered).
    private var deadline: NIODeadline?
    /// When the pending timer fires.
    private var timerDeadline: NIODeadline?
    private var closeAfterAnswer = false
    private var reading = false

    /// The longest a pending timer waits: the shortest of the timeouts.
    private let tick: TimeAmount

    init(timeouts: Timeouts) {
        self.timeouts = timeouts
        tick = min(timeouts.header, timeouts.body, timeouts.idle)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, timeouts.header) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, timeouts.header)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            reading = true
            arm(context, timeouts.body)
        case .body:
            if reading { arm(context, timeouts.body) }
        case .end:
            reading = false
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            if head.headerFields[.connection]?.lowercased() == "close" { closeAfterAnswer = true }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            if closeAfterAnswer {
                context.writeAndFlush(data, promise: promise)
                context.close(promise: nil)
                return
            }
            context.write(data, promise: promise)
            // An answer may go out before its request's body was read (a refusal); keep the body timer then.
            if !reading { arm(context, timeouts.idle) }
        }
    }

    /// Moves the deadline without touching the timer when one is pending: a request moves the deadline three times,
    /// and cancelling and rescheduling each time would churn the event loop's timer heap on every request. Instead
    /// the pending timer never fires later than `tick` from when it was set (the shortest timeout), so it fires at
    /// or before any deadline; a timer that fires early schedules itself again for the (moved) deadline.
    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount) {
        let now = NIODeadline.now()
        deadline = now + timeout
        if let at = timerDeadline, at <= now + timeout { return }  // the pending timer fires first
        timer?.cancel()
        schedule(context, now: now)
    }

    private func schedule(_ context: ChannelHandlerContext, now: NIODeadline) {
        guard let deadline else { return }
        let at = min(deadline, now + tick)
        timerDeadline = at
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: at) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.timerDeadline = nil
            guard let current = self.deadline else { return }  // disarmed meanwhile: nothing to time
            let now = NIODeadline.now()
            if now >= current {
                context.close(promise: nil)
            } else {
                self.schedule(context, now: now)
            }
        }
    }

    private func disarm() {
        deadline = nil
    }

    private func cancelTimer() {
        deadline = nil
        timer?.cancel()
        timer = nil
    }
}

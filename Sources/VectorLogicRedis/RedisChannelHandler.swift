import NIOCore

/// A command on its way to Redis with the promise its reply completes.
struct RedisRequest {
    let arguments: [String]
    let promise: EventLoopPromise<RESPValue>
    let timeout: TimeAmount
}

/// Pipelines commands over one connection: each write appends a slot to a FIFO and Redis answers in order, so each
/// reply completes the oldest slot. A command that times out fails its promise at once but keeps its slot, so its late
/// reply is matched and dropped instead of being handed to the next command. Runs on the channel's event loop only.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private struct Slot {
        var promise: EventLoopPromise<RESPValue>?
        var timer: Scheduled<Void>?
        let id: UInt64
    }

    private var slots = CircularBuffer<Slot>(initialCapacity: 16)
    private var received: ByteBuffer?
    private var nextID: UInt64 = 0

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        var buffer = context.channel.allocator.buffer(capacity: 64 + request.arguments.reduce(0) { $0 + $1.utf8.count + 16 })
        RESPParser.encode(request.arguments, into: &buffer)
        let id = nextID
        nextID &+= 1
        let timer = context.eventLoop.scheduleTask(in: request.timeout) { [weak self] () -> Void in
            self?.timeOut(id, milliseconds: request.timeout.nanoseconds / 1_000_000)
        }
        slots.append(Slot(promise: request.promise, timer: timer, id: id))
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        if var pending = received {
            pending.writeBuffer(&chunk)
            received = pending
        } else {
            received = chunk
        }
        do {
            while var buffer = received, let value = try RESPParser.parse(&buffer) {
                received = buffer.readableBytes > 0 ? buffer : nil
                guard let slot = slots.popFirst() else { throw RedisError.protocolError("a reply nobody asked for") }
                slot.timer?.cancel()
                slot.promise?.succeed(value)
            }
        } catch {
            failAll(error as? RedisError ?? .protocolError("\(error)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(.connectionClosed)
        context.close(promise: nil)
    }

    private func timeOut(_ id: UInt64, milliseconds: Int64) {
        guard let index = slots.firstIndex(where: { $0.id == id }) else { return }
        slots[index].promise?.fail(RedisError.timedOut(milliseconds: milliseconds))
        slots[index].promise = nil
        slots[index].timer = nil
    }

    private func failAll(_ error: RedisError) {
        while let slot = slots.popFirst() {
            slot.timer?.cancel()
            slot.promise?.fail(error)
        }
    }
}

/// The order in which writers held back by the memory bounds (`Database.appendHeldBack`) go on: first come, first served.
///
/// Before this queue every held writer polled the bounds on its own, and whoever polled first after a flush chunk freed
/// room went on — a polling race with no order, so one writer could lose it again and again while later ones passed
/// (and several passing in the same 2 ms overshot the bound by a batch each). Now a writer that has to wait takes a
/// ticket, and only the oldest ticket still waiting (the head) may go when the bounds allow; a newcomer queues behind
/// waiting writers even when the bounds would let it pass. A writer that stops waiting (its task was cancelled, the
/// database closed) gives its ticket back, and the queue skips it.
///
/// Only the head polls the bounds (every 2 ms: background threads free the room). The others are parked
/// (`park`) and handed the turn the moment the ticket before them goes on or is given back, so a queue drains as fast as
/// its writers run. Without the hand-off each writer learnt of its turn on its own next 2 ms poll, and writers that
/// re-queued at once kept the queue from ever draining: a review's simulation of 32 such writers made 4,091 writes in
/// 2 s against 51,073 without the queue.
///
/// A plain value kept under the database's core lock (`CoreState.writerQueue`); tests drive it directly.
struct WriterQueue: Sendable {
    /// The next ticket to hand out.
    private(set) var nextTicket: UInt64 = 0
    /// The oldest ticket that has neither gone on nor been given back.
    private(set) var serving: UInt64 = 0
    /// Tickets given back before their turn (skipped when `serving` reaches them). At most the number of waiting
    /// writers, each of which holds one request task.
    private var abandoned: Set<UInt64> = []
    /// Parked writers, resumed when their ticket becomes the head. At most one per waiting writer.
    private var parked: [UInt64: CheckedContinuation<Void, Never>] = [:]
    /// Turns handed to a parked writer since the start (tests: the queue drains by hand-off, not by polling).
    private(set) var handOffs = 0

    /// How many writers hold a ticket now.
    var waiting: Int { Int(nextTicket - serving) - abandoned.count }

    /// A writer arrives: nil when it may go on at once (nobody is waiting and the bounds allow it), else its ticket.
    mutating func arrive(overBounds: Bool) -> UInt64? {
        if !overBounds && waiting == 0 { return nil }
        defer { nextTicket += 1 }
        return nextTicket
    }

    /// Whether the holder of `ticket` may go on now (it is the head and the bounds allow one more writer); true passes
    /// the turn to the next ticket, resuming its writer if parked.
    mutating func admit(_ ticket: UInt64, overBounds: Bool) -> Bool {
        precondition(ticket >= serving && ticket < nextTicket, "ticket \(ticket) not waiting (serving \(serving), next \(nextTicket))")
        guard ticket == serving, !overBounds else { return false }
        advance()
        return true
    }

    /// The holder of `ticket` stops waiting without going on (cancelled, closed, or past the wait cap).
    mutating func giveBack(_ ticket: UInt64) {
        precondition(ticket >= serving && ticket < nextTicket, "ticket \(ticket) not waiting (serving \(serving), next \(nextTicket))")
        precondition(parked[ticket] == nil, "a parked writer cannot give its ticket back")
        if ticket == serving { advance() } else { abandoned.insert(ticket) }
    }

    /// Parks the holder of `ticket` until it is the head (resumed at once when it already is).
    mutating func park(_ ticket: UInt64, _ continuation: CheckedContinuation<Void, Never>) {
        precondition(ticket >= serving && ticket < nextTicket && parked[ticket] == nil, "ticket \(ticket) cannot park")
        if ticket == serving { continuation.resume() } else { parked[ticket] = continuation }
    }

    private mutating func advance() {
        serving += 1
        while abandoned.remove(serving) != nil { serving += 1 }
        assert(serving <= nextTicket, "served past the last ticket")
        if let next = parked.removeValue(forKey: serving) {
            handOffs += 1
            next.resume()  // schedules the writer's task; it runs once this critical section has ended
        }
    }
}

/// The order in which writers held back by the memory bounds (`Database.appendHeldBack`) go on: first come, first served.
///
/// Before this queue every held writer polled the bounds on its own, and whoever polled first after a flush chunk freed
/// room went on — a polling race with no order, so one writer could lose it again and again while later ones passed
/// (and several passing in the same 2 ms overshot the bound by a batch each). Now a writer that has to wait takes a
/// ticket, and only the oldest ticket still waiting may go when the bounds allow; a newcomer queues behind waiting
/// writers even when the bounds would let it pass. A writer that stops waiting (its task was cancelled, the database
/// closed) gives its ticket back, and the queue skips it.
///
/// A plain value: `Database` keeps it under its own lock (`Database.writerQueue`), tests drive it directly.
struct WriterQueue: Sendable {
    /// The next ticket to hand out.
    private(set) var nextTicket: UInt64 = 0
    /// The oldest ticket that has neither gone on nor been given back.
    private(set) var serving: UInt64 = 0
    /// Tickets given back before their turn (skipped when `serving` reaches them). At most the number of waiting
    /// writers, each of which holds one request task.
    private var abandoned: Set<UInt64> = []

    /// How many writers hold a ticket now.
    var waiting: Int { Int(nextTicket - serving) - abandoned.count }

    /// A writer arrives: nil when it may go on at once (nobody is waiting and the bounds allow it), else its ticket.
    mutating func arrive(overBounds: Bool) -> UInt64? {
        if !overBounds && waiting == 0 { return nil }
        defer { nextTicket += 1 }
        return nextTicket
    }

    /// Whether the holder of `ticket` may go on now (it is the oldest waiting and the bounds allow one more writer);
    /// true passes the turn to the next ticket.
    mutating func admit(_ ticket: UInt64, overBounds: Bool) -> Bool {
        precondition(ticket >= serving && ticket < nextTicket, "ticket \(ticket) not waiting (serving \(serving), next \(nextTicket))")
        guard ticket == serving, !overBounds else { return false }
        advance()
        return true
    }

    /// The holder of `ticket` stops waiting without going on (cancelled, closed, or past the wait cap).
    mutating func giveBack(_ ticket: UInt64) {
        precondition(ticket >= serving && ticket < nextTicket, "ticket \(ticket) not waiting (serving \(serving), next \(nextTicket))")
        if ticket == serving { advance() } else { abandoned.insert(ticket) }
    }

    private mutating func advance() {
        serving += 1
        while abandoned.remove(serving) != nil { serving += 1 }
        assert(serving <= nextTicket, "served past the last ticket")
    }
}

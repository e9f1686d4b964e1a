/// Every consent change of one school, oldest first, and the one reading of it that `consent status`,
/// catch-up and `send` all use.
package struct ConsentHistory: Sendable, Equatable {
    /// Oldest first, in the order of their ids (the order they were recorded).
    package var events: [ConsentEvent]

    package init(events: [ConsentEvent]) { self.events = events }

    /// Whether `send` may send: the latest change is a give.
    package var isInForce: Bool { events.last?.action == .given }

    /// The give that opened the consent period in force: the first give since the last removal. Giving it
    /// again does not move it, so catch-up looks back to the same day whoever confirmed it later.
    /// nil when consent is not in force.
    package var inForce: ConsentEvent? {
        guard isInForce else { return nil }
        return events.reversed().prefix { $0.action == .given }.last
    }

    /// The removal that ended consent when the DfE answered 410 (its service is retired), when that is the
    /// latest change: such a school is not told merely to "give consent".
    package var retiredByService: ConsentEvent? {
        guard let last = events.last, last.action == .removed, last.by == StateStore.retiredBy else { return nil }
        return last
    }
}

/// Every consent change of one school, oldest first, and the one reading of it that `consent status`,
/// catch-up and `send` all use.
package struct ConsentHistory: Sendable, Equatable {
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

}

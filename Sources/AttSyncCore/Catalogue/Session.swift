/// A register session.
package enum Session: String, Sendable, CaseIterable, Comparable {
    case am = "AM"
    case pm = "PM"

    package static func < (lhs: Session, rhs: Session) -> Bool { lhs == .am && rhs == .pm }
}

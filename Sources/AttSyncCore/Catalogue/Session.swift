/// A register session.
///
/// The raw values are the spelling of `attendance_marks.session` and of `schoolSession` in the body. The
/// order (AM before PM) is the order of elements in the body (docs/dfe-contract.md §2).
package enum Session: String, Sendable, CaseIterable, Comparable {
    /// Morning registration, whose present mark is `/`.
    case am = "AM"
    /// Afternoon registration, whose present mark is `\`.
    case pm = "PM"

    package static func < (lhs: Session, rhs: Session) -> Bool { lhs == .am && rhs == .pm }
}

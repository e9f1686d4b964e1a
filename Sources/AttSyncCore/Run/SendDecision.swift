/// Whether a school's body goes to the DfE: the one rule `preview` labels and `send` follows.
///
/// It compares the whole body, not dates: a change anywhere (a date leaving the window, the roll on the run
/// date) makes a new body, and the DfE takes the latest figures for each date (docs/dfe-contract.md §3–4).
package enum SendDecision: Sendable, Equatable {
    /// No date of the run has marks: there is no body.
    case nothingToSend
    /// The body is byte for byte the last accepted one (submission `since`), and no later body may have
    /// replaced it at the DfE: not sent again unless forced.
    case unchanged(since: Int64)
    /// Send it.
    case send

    /// - Parameters:
    ///   - lastAccepted: the school's last accepted submission, if any.
    ///   - force: `send --force`: send an unchanged body anyway.
    package init(payload: Payload, lastAccepted: AcceptedHistory.LastAccepted?, force: Bool) {
        if payload.isEmpty {
            self = .nothingToSend
        } else if !force, let lastAccepted, lastAccepted.sha256 == payload.sha256, !lastAccepted.otherBodySince {
            self = .unchanged(since: lastAccepted.id)
        } else {
            self = .send
        }
    }
}

import Foundation

/// The pause every worker of a trust's run keeps once the DfE has asked one of them to slow down (a 429, or
/// any answer with Retry-After): the others wait it out before their next request instead of adding to the
/// load the DfE is refusing. Shared by the `RetryPolicy` of every school of the run.
package final class Throttle: @unchecked Sendable {
    private let lock = NSLock()
    /// No request of the run starts before this.
    private var until: Date?

    package init() {}

    /// Holds every worker until `end` (a later hold extends it; an earlier one changes nothing).
    func hold(until end: Date) {
        lock.withLock { if until.map({ end > $0 }) ?? true { until = end } }
    }

    /// Waits, on `policy`'s clock, until the hold is over; at once when there is none.
    func waitTurn(_ policy: RetryPolicy) {
        guard let end = lock.withLock({ until }) else { return }
        let wait = end.timeIntervalSince(policy.now)
        if wait > 0 { policy.sleep(wait) }
    }
}

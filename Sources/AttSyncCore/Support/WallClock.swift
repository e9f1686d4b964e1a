import Foundation

/// The wall clock, injected so that tests control "now" and waiting. (Named apart from the standard
/// library's `Clock`, which measures instants, not dates.)
package protocol WallClock: Sendable {
    /// The current instant: the run date (`Context.runDate`), the times recorded in the state database, token
    /// expiry and the retry deadline all come from it.
    func now() -> Date
    /// Waits `seconds` (tests record the wait and return at once).
    func sleep(seconds: Double)
}

/// The real clock.
///
/// `Thread.sleep` blocks the run's only thread, which is what a retry wait should do: a run does one thing
/// at a time, and a wait is part of it.
package struct SystemClock: WallClock {
    package init() {}
    package func now() -> Date { Date() }
    /// Returns at once for a wait of zero or less (full jitter can draw 0), and early when SIGTERM or
    /// SIGINT asks the run to stop.
    package func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        Interruption.shared.sleep(seconds: seconds)
    }
}

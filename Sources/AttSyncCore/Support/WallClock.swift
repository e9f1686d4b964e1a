import Foundation

/// The wall clock, injected so that tests control "now" and waiting. (Named apart from the standard
/// library's `Clock`, which measures instants, not dates.)
package protocol WallClock: Sendable {
    func now() -> Date
    /// Waits `seconds` (tests record the wait and return at once).
    func sleep(seconds: Double)
}

/// The real clock.
package struct SystemClock: WallClock {
    package init() {}
    package func now() -> Date { Date() }
    /// Ends early when SIGTERM or SIGINT asks the run to stop.
    package func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        Interruption.shared.sleep(seconds: seconds)
    }
}

import Foundation

/// When to try again: full-jitter exponential backoff (a random wait up to `base × 2^(n-1)`, capped at
/// `maxDelay`), at most `attempts` tries, and never a wait that would end past the deadline.
///
/// docs/dfe-contract.md §4, "Retries". `SendOperation` makes one per school, just before its delivery, so
/// the deadline bounds each school's send (about `maxElapsedSeconds`) and not the whole run.
package struct RetryPolicy: Sendable {
    /// `dfe.retry`: attempts, base and maximum delay, and the time budget.
    package let retry: Configuration.Retry
    /// `maxElapsedSeconds` after the policy was made: no wait that would end later is begun.
    package let deadline: Date
    /// Injected so that tests of waits take milliseconds (habit 6).
    private let clock: any WallClock
    private let random: @Sendable () -> Double
    /// Shared by the schools of a trust's run sent at once, so that the DfE's "slow down" to one holds them all.
    package var throttle: Throttle?

    /// - Parameters:
    ///   - random: a value in [0, 1); injected so that tests know the waits.
    package init(retry: Configuration.Retry, clock: any WallClock, random: @escaping @Sendable () -> Double) {
        self.retry = retry
        self.clock = clock
        self.random = random
        deadline = clock.now().addingTimeInterval(retry.maxElapsedSeconds)
    }

    /// The wait before trying again after `failures` failed attempts, honouring the server's
    /// Retry-After; nil when the attempts or the time are spent.
    ///
    /// Full jitter spreads the retries of many schools' machines, which may all run at the same cron minute,
    /// instead of sending them back together. A Retry-After longer than the deadline allows ends the send at
    /// once rather than waiting in vain.
    package func wait(afterFailures failures: Int, retryAfter: Double?) -> Double? {
        guard failures < retry.attempts else { return nil }
        let ceiling = min(retry.maxDelaySeconds, retry.baseDelaySeconds * pow(2, Double(failures - 1)))
        let wait = max(retryAfter ?? 0, random() * ceiling)
        guard clock.now().addingTimeInterval(wait) <= deadline else { return nil }
        return wait
    }

    /// Waits (the injected clock's sleep).
    func sleep(_ seconds: Double) { clock.sleep(seconds: seconds) }

    /// The injected clock's time, for the loops' attempt records and the token's expiry.
    var now: Date { clock.now() }
}

import Foundation

/// When to try again: full-jitter exponential backoff (a random wait up to `base × 2^(n-1)`, capped at
/// `maxDelay`), at most `attempts` tries, and never a wait that would end past the deadline.
package struct RetryPolicy: Sendable {
    package let retry: Configuration.Retry
    package let deadline: Date
    private let clock: any WallClock
    private let random: @Sendable () -> Double

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
    package func wait(afterFailures failures: Int, retryAfter: Double?) -> Double? {
        guard failures < retry.attempts else { return nil }
        let ceiling = min(retry.maxDelaySeconds, retry.baseDelaySeconds * pow(2, Double(failures - 1)))
        let wait = max(retryAfter ?? 0, random() * ceiling)
        guard clock.now().addingTimeInterval(wait) <= deadline else { return nil }
        return wait
    }

    /// Waits (the injected clock's sleep).
    func sleep(_ seconds: Double) { clock.sleep(seconds: seconds) }

    var now: Date { clock.now() }
}

import Foundation

/// When to try again: full-jitter exponential backoff (a random wait up to `base × 2^(n-1)`, capped at
/// `maxDelay`), at most `attempts` tries, and never a wait that would end past the deadline.
public struct RetryPolicy: Sendable {
    public let retry: Configuration.Retry
    public let deadline: Date
    private let clock: any Clock
    private let random: @Sendable () -> Double

    /// - Parameters:
    ///   - random: a value in [0, 1); injected so that tests know the waits.
    public init(retry: Configuration.Retry, clock: any Clock, random: @escaping @Sendable () -> Double) {
        self.retry = retry
        self.clock = clock
        self.random = random
        deadline = clock.now().addingTimeInterval(retry.maxElapsedSeconds)
    }

    /// The wait before trying again after `failures` failed attempts, honouring the server's
    /// Retry-After; nil when the attempts or the time are spent.
    public func wait(afterFailures failures: Int, retryAfter: Double?) -> Double? {
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

/// One request made while sending, as recorded in the state database.
public struct AttemptRecord: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case token, post }

    public var kind: Kind
    public var number: Int
    public var startedAt: Date
    public var durationSeconds: Double
    public var httpStatus: Int?
    /// What went wrong, in words (a transport error or an OAuth error code); never a secret or a body.
    public var error: String?
    public var retryAfterSeconds: Double?
    /// How long attsync waited before the next attempt.
    public var waitedSeconds: Double?
}

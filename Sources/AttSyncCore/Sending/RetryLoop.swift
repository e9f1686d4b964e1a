import Foundation

/// The one loop behind every request attsync retries (the token fetch and the POST): make an attempt,
/// record it, and on a transient failure ask `RetryPolicy` for a wait, sleep and go again. Both callers
/// share the policy, so the deadline covers the whole delivery; each loop counts its own failures against
/// `retry.attempts`.
struct RetryLoop {
    /// What one attempt came to.
    enum Outcome<Value> {
        /// Done: return this.
        case success(Value)
        /// Go again at once without counting a failure (the fresh token after a 401).
        case again
        /// A transient failure, in words: counted, and retried after the policy's wait.
        case transient(String)
        /// Stop with this error.
        case failure(any Error)
    }

    /// The attempts or the time are spent.
    /// Caught by each caller (`TokenProvider.bearer`, `Submitter.deliver`) and reworded as `SendError.gaveUp`.
    struct Exhausted: Error {
        /// The last transient failure, in words.
        var reason: String
        /// Transient failures in all.
        var failures: Int
        /// The last attempt's HTTP status and Retry-After, if it had an answer.
        var httpStatus: Int?
        /// The last answer's Retry-After, quoted in the message when the DfE asked for a wait.
        var retryAfterSeconds: Double?
    }

    /// Whether the attempts it records are token requests or POSTs.
    let kind: AttemptRecord.Kind
    /// Shared with the other loop of the same delivery: the deadline is common, the failure count is not.
    let policy: RetryPolicy
    /// For the `--verbose` line before each wait.
    let console: Console

    /// Runs `attempt` until it succeeds, fails for good, or the policy gives up.
    /// - Parameters:
    ///   - record: called once per request, before any wait; a throw stops the loop (the state database
    ///     must hold every attempt).
    ///   - attempt: makes one request and fills in the record's status, Retry-After and error.
    /// - Throws: `Exhausted`, an `Outcome.failure`'s error, or what `record` throws.
    func run<Value>(
        record: (AttemptRecord) throws -> Void, _ attempt: (inout AttemptRecord) throws -> Outcome<Value>
    ) throws -> Value {
        var number = 0
        // Only transient failures count against `retry.attempts`; the repeat after a 401 does not.
        var failures = 0
        while true {
            if let signal = Interruption.shared.signalName { throw SendError.interrupted(signal: signal) }
            policy.throttle?.waitTurn(policy)
            number += 1
            let started = policy.now
            var entry = AttemptRecord(kind: kind, number: number, startedAt: started, durationSeconds: 0)
            // A throw from `attempt` (a failure inside it, such as a token that cannot be had) leaves this attempt
            // unrecorded: no request of this loop went on the wire.
            let outcome = try attempt(&entry)
            entry.durationSeconds = policy.now.timeIntervalSince(started)
            switch outcome {
            case .success(let value):
                try record(entry)
                return value
            case .again:
                try record(entry)
            case .failure(let error):
                try record(entry)
                throw error
            case .transient(let reason):
                failures += 1
                let wait = policy.wait(afterFailures: failures, retryAfter: entry.retryAfterSeconds)
                entry.error = reason
                entry.waitedSeconds = wait
                try record(entry)
                if let wait, entry.httpStatus == 429 || entry.retryAfterSeconds != nil {
                    // The DfE asked to slow down: every worker of the run waits, not only this one.
                    policy.throttle?.hold(until: policy.now.addingTimeInterval(wait))
                }
                guard let wait else {
                    throw Exhausted(
                        reason: reason, failures: failures, httpStatus: entry.httpStatus, retryAfterSeconds: entry.retryAfterSeconds)
                }
                console.detail("\(kind == .token ? "token: " : "")\(reason); trying again in \(secondsText(wait)) s")
                policy.sleep(wait)
            }
        }
    }
}

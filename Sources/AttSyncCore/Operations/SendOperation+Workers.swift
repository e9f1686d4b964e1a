import Foundation

/// A trust's schools sent `dfe.concurrency` at a time (docs/performance.md, "Scale").
///
/// Each worker is a thread with its own connection to the state database (SQLite serialises their short
/// transactions; the run's lock is still one per state directory, taken before any worker starts), its own
/// transport, and a buffer per school, so that a school's lines come out together when it is done. The
/// `TokenProvider` is shared: one token for the run, renewed once for all. A `Throttle` shared through the
/// retry policies makes a 429 or Retry-After to one worker slow them all. Each school's outcome is recorded
/// as when they are sent one after another, and the exit status is that of the first failing school in
/// configuration order.
extension SendOperation {
    /// What one worker sends with: its own state connection, transport and run record. Unchecked: each is
    /// used by its one thread only (the state connection is opened `NOMUTEX`, the curl handle is not shared).
    struct Worker: @unchecked Sendable {
        let store: StateStore
        let transport: any HTTPTransport
        let watch: RunWatch
    }

    /// How one school's send ended.
    private enum Outcome {
        case sent
        case failed(ExitStatus)
        /// The state database failed: the whole run stops with this error.
        case stateFailed(StateError)
        /// SIGTERM or SIGINT came before the school started.
        case notStarted
    }

    /// The schools still to start, and each one's outcome; shared by the workers.
    private final class Ledger: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var stopped = false
        private var outcomes: [Outcome?]

        init(count: Int) { outcomes = Array(repeating: nil, count: count) }

        /// The next school to send, or nil when there is none or the run stopped.
        func take() -> Int? {
            lock.withLock {
                guard !stopped, next < outcomes.count else { return nil }
                next += 1
                return next - 1
            }
        }

        func stop() { lock.withLock { stopped = true } }

        func record(_ index: Int, _ outcome: Outcome) { lock.withLock { outcomes[index] = outcome } }

        var all: [Outcome?] { lock.withLock { outcomes } }
    }

    /// Sends every school of `context` with `workers.count` threads (the first worker runs on this one).
    /// - Parameter outputLock: held while a school's output is written; the token provider's console takes it
    ///   too, so its lines fall between schools, never inside one.
    /// - Throws: the first `StateError`, in configuration order, after every started school has finished.
    static func sendConcurrently(
        _ context: Context, runDate: Day, force: Bool, tokens: TokenProvider, subscriptionKey: Secret?, outputLock: NSRecursiveLock,
        workers: [Worker], environment: Environment
    ) throws -> ExitStatus {
        let schools = context.schools
        let ledger = Ledger(count: schools.count)
        let output = context.console.serialized(by: outputLock)
        let throttle = Throttle()
        // The live environment makes transports and random numbers; the workers only draw random numbers, which
        // is `@Sendable`.
        let shared = UncheckedEnvironment(environment: environment)
        let dfe = context.configuration.dfe

        @Sendable func work(_ worker: Worker) {
            while let index = ledger.take() {
                let school = schools[index]
                if let signal = Interruption.shared.signalName {
                    output.problem("attsync: stopped by \(signal) before \(school.displayName); the next run sends what is pending")
                    ledger.stop()
                    ledger.record(index, .notStarted)
                    return
                }
                // The school's lines, written out together when it is done.
                let buffer = OutputBuffer()
                let console = context.console.redirected { stream, text in buffer.append(stream, text) }
                let submitter = Submitter(
                    endpoint: dfe.endpoint, clientId: dfe.token.clientId, subscriptionKey: subscriptionKey, transport: worker.transport,
                    tokens: tokens, console: console)
                let outcome: Outcome
                let made = TokenCount()
                do {
                    worker.watch.begin(school)
                    try send(
                        school, runDate: runDate, force: force, context: context.with(console: console), store: worker.store,
                        submitter: submitter, environment: shared.environment, throttle: throttle, tokenRequests: made)
                    worker.watch.finish(.success, tokenRequests: made.value)
                    outcome = .sent
                } catch let error as StateError {
                    ledger.stop()
                    outcome = .stateFailed(error)
                } catch {
                    let (failed, stopsEveryone) = schoolFailed(
                        error, school, schools.count, console: console, watch: worker.watch, tokenRequests: made.value)
                    outcome = .failed(failed)
                    if stopsEveryone { ledger.stop() }
                }
                outputLock.withLock { buffer.flush(to: output) }
                ledger.record(index, outcome)
            }
        }

        let group = DispatchGroup()
        for worker in workers.dropFirst() {
            group.enter()
            let thread = Thread {
                work(worker)
                group.leave()
            }
            thread.start()
        }
        if let first = workers.first { work(first) }
        group.wait()

        var status = ExitStatus.success
        for outcome in ledger.all {
            switch outcome {
            case .sent, nil: break
            case .failed(let failed): status = status.keepingFirstFailure(failed)
            case .stateFailed(let error): throw error
            case .notStarted: status = status.keepingFirstFailure(.temporaryFailure)
            }
        }
        return status
    }
}

/// The token requests one school's send made (its recorded token attempts), for its run record when the
/// shared provider's total mixes several schools'.
final class TokenCount {
    var value = 0
}

/// `SendOperation.Environment` carried into the worker threads, which use only its `@Sendable` random source.
private struct UncheckedEnvironment: @unchecked Sendable {
    let environment: SendOperation.Environment
}

/// One school's output, kept until the school is done.
private final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [(Console.Stream, String)] = []

    func append(_ stream: Console.Stream, _ text: String) { lock.withLock { chunks.append((stream, text)) } }

    /// Writes everything, in order, through `console` (serialized: another school's text cannot cut in).
    func flush(to console: Console) {
        let all = lock.withLock { chunks }
        // Consecutive pieces for the same stream go out as one write.
        var merged: [(Console.Stream, String)] = []
        for (stream, text) in all {
            if let last = merged.last, last.0 == stream { merged[merged.count - 1].1 += text } else { merged.append((stream, text)) }
        }
        for (stream, text) in merged { console.pass(stream, text) }
    }
}

import Foundation

/// `attsync send`: the daily job. For each school: consent, the payload, change detection, the
/// submission row (committed before the first byte is sent), delivery, and the outcome (committed after).
package enum SendOperation {
    /// Everything `send` needs from outside: how to reach the network, and chance (for backoff jitter).
    package struct Environment {
        /// Called once per run, after the lock and the state database: a run that cannot lock makes no transport.
        package var makeTransport: (Configuration.DfE) throws -> any HTTPTransport
        /// A value in [0, 1) for each backoff wait.
        package var random: @Sendable () -> Double

        package init(makeTransport: @escaping (Configuration.DfE) throws -> any HTTPTransport, random: @escaping @Sendable () -> Double) {
            self.makeTransport = makeTransport
            self.random = random
        }

        /// libcurl and the system's random numbers.
        package static var live: Environment {
            Environment(
                makeTransport: { dfe in try CurlTransport(caBundle: dfe.caBundle, timeoutSeconds: dfe.timeoutSeconds) },
                random: { Double.random(in: 0..<1) })
        }
    }

    /// Sends for every school of `context` and returns the exit status: 0 when every school succeeded or
    /// had nothing to send, else the first failing school's code.
    /// - Throws: errors that stop the whole run before any school (configuration, secrets, state, lock).
    package static func run(_ context: Context, date: Day?, force: Bool, environment: Environment = .live) throws -> ExitStatus {
        // `--shard` may leave no school: nothing to lock, read or send.
        guard !context.schools.isEmpty else {
            context.console.note("attsync: no school of the configuration falls in this shard; nothing to send")
            return .success
        }
        let configuration = context.configuration
        let dfe = configuration.dfe
        // Secrets first: a configuration problem stops the run before it touches the state directory.
        let secret = try dfe.token.clientSecret.resolve(key: "dfe.token.clientSecret", environment: context.environment)
        let subscriptionKey = try dfe.subscriptionKey?.resolve(key: "dfe.subscriptionKey", environment: context.environment)
        // The lock comes first: a second run must touch nothing, not even the database.
        try StateStore.createDirectory(configuration.stateDirectory)
        let lock = try RunLock(path: configuration.stateDirectory + "/" + StateStore.lockName)
        defer { withExtendedLifetime(lock) {} }
        let store = try StateStore.open(directory: configuration.stateDirectory)
        // Under the lock, so every `sending` row left now belongs to a run that died.
        let interrupted = try store.markInterrupted(at: context.clock.now())
        if interrupted > 0 {
            context.console.note(
                "note: \(counted(interrupted, "earlier submission")) stopped before the DfE answered; those days are sent again now")
        }
        let transport = try environment.makeTransport(dfe)
        // Schools sent at once (dfe.concurrency): then the token's lines wait for a school's output to end.
        let concurrency = min(dfe.concurrency, context.schools.count)
        let outputLock = NSRecursiveLock()
        let tokens = TokenProvider(
            token: dfe.token, secret: secret, transport: transport,
            console: concurrency > 1 ? context.console.serialized(by: outputLock) : context.console)
        let submitter = Submitter(
            endpoint: dfe.endpoint, clientId: dfe.token.clientId, subscriptionKey: subscriptionKey, transport: transport,
            tokens: tokens, console: context.console)
        let runDate = context.runDate(date)

        var status = ExitStatus.success
        // Records each school's part of the run in `runs`, for `status`, the pending alert and the metrics.
        let watch = RunWatch(runDate: runDate, store: store, clock: context.clock, tokens: tokens)
        if concurrency > 1 {
            // Each worker its own state connection (the lock above still covers the run) and transport.
            var workers = [Worker(store: store, transport: transport, watch: watch)]
            for _ in 1..<concurrency {
                let own = try StateStore.open(directory: configuration.stateDirectory)
                workers.append(
                    Worker(
                        store: own, transport: try environment.makeTransport(dfe),
                        watch: RunWatch(runDate: runDate, store: own, clock: context.clock, tokens: tokens)))
            }
            let status = try sendConcurrently(
                context, runDate: runDate, force: force, tokens: tokens, subscriptionKey: subscriptionKey, outputLock: outputLock,
                workers: workers, environment: environment)
            context.console.detail("token requests this run: \(tokens.requests)")
            return status
        }
        for school in context.schools {
            if let signal = Interruption.shared.signalName {
                context.console.problem("attsync: stopped by \(signal) before \(school.displayName); the next run sends what is pending")
                return status.keepingFirstFailure(.temporaryFailure)
            }
            do {
                watch.begin(school)
                try send(
                    school, runDate: runDate, force: force, context: context, store: store, submitter: submitter, environment: environment)
                watch.finish(.success)
            } catch let error as StateError {
                // A state failure stops every school: nothing may be sent without its record.
                throw error
            } catch {
                let (failed, stopsEveryone) = schoolFailed(error, school, context.schools.count, console: context.console, watch: watch)
                status = status.keepingFirstFailure(failed)
                if stopsEveryone { break }
            }
        }
        context.console.detail("token requests this run: \(tokens.requests)")
        return status
    }

    /// A school's send that failed for a reason other than the state: reported and recorded once, by the
    /// one-at-a-time loop and the workers alike.
    /// - Returns: its exit status, and whether the same problem would stop every other school of the run.
    static func schoolFailed(
        _ error: any Error, _ school: Configuration.School, _ schoolCount: Int, console: Console, watch: RunWatch,
        tokenRequests: Int? = nil
    ) -> (status: ExitStatus, stopsEveryone: Bool) {
        let failed = Reporter.report(error, school: school, on: console)
        watch.finish(failed, error, tokenRequests: tokenRequests)
        let sendError = (error as? SendError) ?? (error as? SubmissionFailed)?.error
        guard sendError?.affectsEverySchool == true && schoolCount > 1 else { return (failed, false) }
        console.problem("attsync: stopping: the same problem would stop every other school")
        return (failed, true)
    }

    /// One school: consent, the run, the decision, the submission row, delivery, the outcome.
    /// - Throws: `PlainFailure` (no consent, `SourceError`, `DataError`), `SubmissionFailed`, `SendError`, or
    ///   `StateError`.
    static func send(
        _ school: Configuration.School, runDate: Day, force: Bool, context: Context, store: StateStore, submitter: Submitter,
        environment: Environment, throttle: Throttle? = nil, tokenRequests: TokenCount? = nil
    ) throws {
        let console = context.console
        let history = try store.acceptedHistory(urn: school.urn, timeZone: context.configuration.timeZone)
        let run: SchoolRun
        do {
            guard history.consent.isInForce else {
                if let retired = history.consent.retiredByService {
                    throw SendError.consentRemovedByService(
                        school: school.displayName, urn: school.urn, on: localTime(retired.at, context.configuration.timeZone))
                }
                throw SendError.noConsent(school: school.displayName, urn: school.urn)
            }
            run = try SchoolRun.prepare(school: school, configuration: context.configuration, runDate: runDate, history: history)
        } catch {
            let plan = RunPlan(runDate: runDate, window: school.window(context.configuration.window), history: history)
            throw PlainFailure.nothingSent(error, window: plan.window, history: history)
        }
        let payload = run.payload
        // Registers not taken: loud and always, even under --quiet (cron mails it); the exit code stays the
        // send's. Said once the send has ended, so a register the DfE has just accepted is said to be with the
        // DfE. A date the DfE holds is re-sent by the next run only if that run's window has it; a date it does
        // not hold is sent by the next run, in its window or by catch-up.
        let nextWindow = Set(run.plan.nextWindow)
        let gaps = run.registerGaps
        var accepted = false
        defer {
            for var gap in gaps {
                if accepted { gap.delivery.held = .withDfE }
                gap.delivery.inNextRun = gap.delivery.held != .withDfE || nextWindow.contains(gap.day)
                console.warning("attsync: ⚠ \(school.displayName): \(gap.words)", urn: school.urn)
            }
        }
        switch run.decision(force: force) {
        case .nothingToSend:
            console.result("  \(school.displayName): no marks on any date of the run; nothing to send\n")
            return
        case .unchanged(let since):
            console.result(
                "  \(school.displayName): nothing to send: the DfE already has \(daysWords(payload.days)) as they are now "
                    + "(submission \(since); --force sends them again)\n")
            return
        case .send:
            break
        }
        let notes = run.qualityNotes()
        if !notes.isEmpty {
            console.note(
                "attsync: data quality for \(school.displayName) (attsync preview --detail --date \(runDate) shows where):"
                    + notes.map { "\n    \($0)" }.joined())
        }
        // Kept with the submission, read later whatever its outcome: said as the accepted case would be.
        let carried = gaps.map { gap in
            var gap = gap
            if gap.delivery.held == .notYet { gap.delivery.held = .thisSubmission }
            gap.delivery.inNextRun = nextWindow.contains(gap.day)
            return gap.words
        }
        let begun = try store.beginSubmission(
            urn: school.urn, runDate: runDate, payload: payload, dataQuality: carried + notes, forced: force, at: context.clock.now())
        let id = begun.id
        console.detail(
            "submission \(id): \(counted(payload.days.count, "date")), \(payload.body.count) bytes, Idempotency-Key \(begun.idempotencyKey)"
        )
        var policy = RetryPolicy(retry: context.configuration.dfe.retry, clock: context.clock, random: environment.random)
        policy.throttle = throttle
        let acceptance: Acceptance
        var posts = 0
        do {
            acceptance = try submitter.deliver(body: payload.body, idempotencyKey: begun.idempotencyKey, policy: policy) { attempt in
                if attempt.kind == .post { posts += 1 }
                do {
                    if attempt.kind == .token { tokenRequests?.value += 1 }
                    try store.recordAttempt(submission: id, attempt)
                } catch let error as StateError where attempt.kind == .post && (200...299).contains(attempt.httpStatus ?? 0) {
                    // The DfE has the body: the truth is "accepted, not recorded", never "nothing was sent".
                    accepted = true
                    throw SendError.acceptedButNotRecorded(submission: id, reference: nil, problem: error.problem)
                }
            }
        } catch let failure as DeliveryFailure {
            if case .acceptedButNotRecorded = failure.error { throw failure.error }
            try store.finishSubmission(id, urn: school.urn, outcome: .failed(failure), at: context.clock.now())
            throw SubmissionFailed(error: failure.error, submission: id, facts: SendFacts(run: run, posts: posts), errors: failure.errors)
        }
        let outcome = SubmissionOutcome.accepted(acceptance, payload: payload)
        do throws(StateError) {
            try store.finishSubmission(id, urn: school.urn, outcome: outcome, at: context.clock.now())
            try store.checkInPlace()
        } catch {
            accepted = true
            throw SendError.acceptedButNotRecorded(submission: id, reference: acceptance.reference, problem: error.problem)
        }
        accepted = true
        let reference = acceptance.reference.map { " as \($0)" } ?? ""
        let dates = daysWords(payload.days) + changeWords(run)
        if outcome.status == .accepted {
            console.result("✓ \(school.displayName): \(dates) accepted\(reference), submission \(id)\n")
        } else {
            // Warnings, not errors: the figures are with the DfE.
            let body = SentBody(payload.body)
            console.result(
                "⚠ \(school.displayName): \(dates) accepted\(reference) with \(counted(acceptance.errors.count, "warning")), submission \(id); "
                    + "the figures are with the DfE, which asks to check:\n"
                    + acceptance.errors.map { "    \(DfEErrorWords.words($0, in: body))\n" }.joined())
        }
        if let note = acceptance.note { console.note("note: \(note)") }
    }

    /// ` (corrected: Thu 26 Nov 2026; new: Fri 27 Nov 2026; 5 unchanged)`: what the send changed at the DfE;
    /// empty when every day is new.
    static func changeWords(_ run: SchoolRun) -> String {
        let days = run.payload.days
        let corrected = days.filter { run.changes?[$0] == .changed }
        let new = days.filter { run.changes?[$0] == .new }
        let unchanged = days.count - corrected.count - new.count
        guard new.count < days.count else { return "" }
        let parts = [
            corrected.isEmpty ? nil : "corrected: \(daysWords(corrected))", new.isEmpty ? nil : "new: \(daysWords(new))",
            unchanged == 0 ? nil : "\(unchanged) unchanged",
        ]
        return " (" + parts.compactMap { $0 }.joined(separator: "; ") + ")"
    }

    /// A delivery failure, with the submission that records it.
    ///
    /// Its message adds the submission id and the `history show` command, so the person reading a cron mail
    /// can go straight to every attempt and the DfE's errors.
    struct SubmissionFailed: AttSyncError {
        let error: SendError
        let submission: Int64
        /// Which days the DfE has, for the plain words (Operations/SendWords.swift).
        let facts: SendFacts
        /// The DfE's errors in its final answer.
        let errors: [DfEError]
        var description: String { plainDescription }
        var exitStatus: ExitStatus { error.exitStatus }
    }
}

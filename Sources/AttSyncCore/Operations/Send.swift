import Foundation

/// `attsync send`: the daily job. For each school: consent, the payload, change detection, the
/// submission row (committed before the first byte is sent), delivery, and the outcome (committed after).
public enum Send {
    /// Everything `send` needs from outside: how to reach the network, and chance (for backoff jitter).
    public struct Environment {
        public var makeTransport: (Configuration.DfE) throws -> any HTTPTransport
        public var random: @Sendable () -> Double

        public init(makeTransport: @escaping (Configuration.DfE) throws -> any HTTPTransport, random: @escaping @Sendable () -> Double) {
            self.makeTransport = makeTransport
            self.random = random
        }

        /// libcurl and the system's random numbers.
        public static var live: Environment {
            Environment(
                makeTransport: { dfe in try CurlTransport(caBundle: dfe.caBundle, timeoutSeconds: dfe.timeoutSeconds) },
                random: { Double.random(in: 0..<1) })
        }
    }

    /// Sends for every school of `context` and returns the exit status: 0 when every school succeeded or
    /// had nothing to send, else the first failing school's code.
    /// - Throws: errors that stop the whole run before any school (configuration, secrets, state, lock).
    public static func run(_ context: Context, date: Day?, force: Bool, environment: Environment = .live) throws -> ExitStatus {
        let configuration = context.configuration
        let dfe = configuration.dfe
        let secret = try dfe.token.clientSecret.resolve(key: "dfe.token.clientSecret", environment: context.environment)
        let subscriptionKey = try dfe.subscriptionKey?.resolve(key: "dfe.subscriptionKey", environment: context.environment)
        // The lock comes first: a second run must touch nothing, not even the database.
        try StateStore.createDirectory(configuration.stateDirectory)
        let lock = try RunLock(path: configuration.stateDirectory + "/" + StateStore.lockName)
        defer { withExtendedLifetime(lock) {} }
        let store = try StateStore.open(directory: configuration.stateDirectory)
        let interrupted = try store.markInterrupted(at: context.clock.now())
        if interrupted > 0 {
            context.console.note(
                "note: \(counted(interrupted, "earlier submission")) stopped before the DfE answered; those days are sent again now")
        }
        let transport = try environment.makeTransport(dfe)
        let tokens = TokenProvider(token: dfe.token, secret: secret, transport: transport, console: context.console)
        let submitter = Submitter(
            endpoint: dfe.endpoint, clientId: dfe.token.clientId, subscriptionKey: subscriptionKey, transport: transport,
            tokens: tokens, console: context.console)
        let runDate = context.runDate(date)

        var status = ExitStatus.success
        for school in context.schools {
            do {
                try send(
                    school, runDate: runDate, force: force, context: context, store: store, submitter: submitter, environment: environment)
            } catch let error as StateError {
                throw error
            } catch {
                let code = ExitStatus(for: error)
                context.console.problem("attsync: ✗ \(school.displayName): \(error)")
                if status == .success { status = code }
                let sendError = (error as? SendError) ?? (error as? SubmissionFailed)?.error
                if sendError?.affectsEverySchool == true && context.schools.count > 1 {
                    context.console.problem("attsync: stopping: the same problem would stop every other school")
                    break
                }
            }
        }
        context.console.detail("token requests this run: \(tokens.requests)")
        return status
    }

    private static func send(
        _ school: Configuration.School, runDate: Day, force: Bool, context: Context, store: StateStore, submitter: Submitter,
        environment: Environment
    ) throws {
        let console = context.console
        let history = try store.acceptedHistory(urn: school.urn, timeZone: context.configuration.timeZone)
        guard history.consentDay != nil else { throw SendError.noConsent(school: school.displayName, urn: school.urn) }
        let run = try SchoolRun.prepare(school: school, configuration: context.configuration, runDate: runDate, history: history)
        let payload = run.payload
        guard !payload.isEmpty else {
            console.result("  \(school.displayName): no marks on any date of the run; nothing to send\n")
            return
        }
        if !force, let last = history.lastAccepted, last.sha256 == payload.sha256 {
            console.result("  \(school.displayName): nothing changed since submission \(last.id); not sent again (--force sends it)\n")
            return
        }
        let notes = run.qualityNotes
        if !notes.isEmpty {
            console.note("data quality for \(school.displayName): \(notes.joined(separator: "; ")) (attsync preview --detail shows where)")
        }
        let id = try store.beginSubmission(
            urn: school.urn, runDate: runDate, payload: payload, dataQuality: notes, forced: force, at: context.clock.now())
        console.detail("submission \(id): \(counted(payload.days.count, "date")), \(payload.body.count) bytes, key \(payload.sha256)")
        let policy = RetryPolicy(retry: context.configuration.dfe.retry, clock: context.clock, random: environment.random)
        do {
            let acceptance = try submitter.deliver(body: payload.body, sha256: payload.sha256, policy: policy) { attempt in
                try store.recordAttempt(submission: id, attempt)
            }
            let status: SubmissionStatus = acceptance.errors.isEmpty ? .accepted : .warnings
            try store.finishSubmission(
                id, urn: school.urn, status: status, httpStatus: acceptance.httpStatus, reference: acceptance.reference,
                errors: acceptance.errors, reason: acceptance.note, acceptedDays: payload.dayDigests, at: context.clock.now())
            let reference = acceptance.reference.map { " as \($0)" } ?? ""
            let dates = "\(counted(payload.days.count, "date")) (\(datesSummary(payload.days.map(\.description))))"
            if status == .accepted {
                console.result("✓ \(school.displayName): \(dates) accepted\(reference), submission \(id)\n")
            } else {
                console.result(
                    "⚠ \(school.displayName): \(dates) accepted\(reference) with \(counted(acceptance.errors.count, "warning")), submission \(id):\n"
                        + acceptance.errors.map { "    \($0.summary)\n" }.joined())
            }
            if let note = acceptance.note { console.note("note: \(note)") }
        } catch let failure as DeliveryFailure {
            let status: SubmissionStatus = failure.error.exitStatus == .dataError ? .rejected : .failed
            try store.finishSubmission(
                id, urn: school.urn, status: status, httpStatus: failure.httpStatus, reference: nil, errors: failure.errors,
                reason: failure.error.description, acceptedDays: [:], at: context.clock.now())
            if failure.error == .retired {
                try store.recordConsent(
                    urn: school.urn, action: .removed, by: "DfE service (HTTP 410)", osUser: "attsync", at: context.clock.now())
            }
            throw SubmissionFailed(error: failure.error, submission: id)
        }
    }

    /// A delivery failure, with the submission that records it.
    struct SubmissionFailed: Error, CustomStringConvertible {
        let error: SendError
        let submission: Int64
        var description: String { "\(error) (submission \(submission): attsync history show \(submission))" }
    }
}

/// `2026-11-18 – 2026-11-27` or one date.
func datesSummary(_ dates: [String]) -> String {
    guard let first = dates.first, let last = dates.last else { return "none" }
    return first == last ? first : "\(first) – \(last)"
}

/// The operating-system user running attsync, for consent records.
func operatingSystemUser(_ environment: [String: String]) -> String {
    if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return environment["USER"] ?? "uid \(geteuid())"
}

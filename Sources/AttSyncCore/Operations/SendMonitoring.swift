import Foundation

/// `attsync send` as the scheduler runs it: `SendOperation` for the sending, then what makes a failure that
/// lasts visible — the pending alert (exit 76) and `--metrics-file`.
///
/// Exit 75 means "try again later", and cron and the systemd unit take it as success; a week-long outage or a
/// typo in a host name would stay 75 for ever. So when a school's send fails for a temporary reason and one of
/// its dates has waited `alerts.pendingSchoolDays` school days or more (marks, never accepted), the run exits
/// 76 instead, and says so in one line.
package enum SendMonitoring {
    /// Sends for every school of `context`, then raises the alert and writes the metrics file when asked.
    /// Never throws: an error that stops the run is reported here, once, and becomes the status.
    /// - Parameter metricsFile: `--metrics-file`: where to write the Prometheus metrics (atomically).
    /// - Returns: `SendOperation.run`'s status; 76 instead of 75 for the alert; 74 (when nothing failed before)
    ///   if the metrics file cannot be written.
    package static func run(
        _ context: Context, date: Day?, force: Bool, metricsFile: String?, environment: SendOperation.Environment = .live
    ) -> ExitStatus {
        let started = context.clock.now()
        let runDate = context.runDate(date)
        let directory = context.configuration.stateDirectory
        // The runs this run records have larger ids. Unreadable state is left for `SendOperation` to report.
        let before = (try? StateStore.openExisting(directory: directory)?.lastRunID()) ?? 0
        var status: ExitStatus
        var stopped = false
        do {
            status = try SendOperation.run(context, date: date, force: force, environment: environment)
        } catch {
            status = Reporter.report(error, on: context.console)
            stopped = true
        }
        // Only what the alert or the metrics need is read: a run that succeeded without --metrics-file reads nothing more.
        guard status == .temporaryFailure || metricsFile != nil else { return status }
        let store = try? StateStore.openExisting(directory: directory)
        let runs = (try? store?.runs(after: before)) ?? []
        var schools: [RunMetrics.School] = []
        var alerts: [(school: Configuration.School, overview: SchoolOverview)] = []
        for school in context.schools {
            let run = runs.last { $0.urn == school.urn }
            let schoolStatus = run.map { ExitStatus(rawValue: Int32($0.exitStatus)) ?? .software } ?? (stopped ? status : nil)
            guard metricsFile != nil || schoolStatus == .temporaryFailure,
                let overview = try? SchoolOverview.read(
                    school: school, configuration: context.configuration, runDate: runDate, store: store)
            else { continue }
            let alert = PendingDates.isAlert(
                status: schoolStatus ?? .success, pending: overview.pending, failingSince: overview.runs.failingSince, runDate: runDate,
                calendar: school.window(context.configuration.window).calendar, threshold: context.configuration.alerts.pendingSchoolDays)
            if alert { alerts.append((school, overview)) }
            var sessions = 0
            if let id = run?.submissionId, let record = try? store?.submission(id: id).record { sessions = record.dates.count * 2 }
            schools.append(
                RunMetrics.School(
                    urn: school.urn, name: school.name, lastRunStatus: run?.exitStatus ?? (stopped ? Int(status.rawValue) : nil),
                    consent: overview.consent.isInForce, lastAcceptedAt: overview.lastAccepted.map { $0.finishedAt ?? $0.createdAt },
                    datesPending: overview.pending?.dates.count, pendingSchoolDays: overview.schoolDaysWaited, alert: alert,
                    sessionsSent: sessions, tokenRequests: run?.tokenRequests ?? 0,
                    durationSeconds: run.map { $0.finishedAt.timeIntervalSince($0.startedAt) },
                    consecutiveFailedRuns: overview.runs.consecutiveFailures))
        }
        if !alerts.isEmpty {
            let threshold = context.configuration.alerts.pendingSchoolDays
            let which = alerts.map { school, overview in
                let since =
                    overview.pending?.dates.first.map { "since \($0.longDescription)" }
                    ?? "failing since \(overview.runs.failingSince?.longDescription ?? "?")"
                return "\(school.displayName) \(since) (\(counted(overview.schoolDaysWaited, "school day")))"
            }
            if status == .temporaryFailure { status = .pendingAlert }
            context.console.problem(
                "attsync: alert: dates pending \(counted(threshold, "school day")) or more (alerts.pendingSchoolDays), not only a temporary failure: "
                    + which.joined(separator: "; ")
                    + "; this is no longer a passing problem: IT looks now (attsync status shows each school's last problem, "
                    + "attsync check --online which prerequisite fails); exit \(status.rawValue)")
        }
        if let metricsFile {
            let metrics = RunMetrics(
                exitStatus: status, finishedAt: context.clock.now(), durationSeconds: context.clock.now().timeIntervalSince(started),
                schools: schools)
            do {
                try AtomicFile.write(Array(MetricsRenderer.render(metrics).utf8), to: metricsFile)
            } catch {
                status = status.keepingFirstFailure(Reporter.report(error, on: context.console))
            }
        }
        return status
    }
}

/// Each school's part of a `send` run, recorded in the state database's `runs` when it ends, whatever
/// happened: what `attsync status` counts failed runs and finds the last problem in, and what the pending
/// alert and `--metrics-file` read back.
///
/// Made once by `SendOperation.run`, under the run lock; `begin` before each school's send, `finish` after it.
/// A class because it carries the school under way from `begin` to `finish` across the send's `do`/`catch`.
final class RunWatch {
    private let runDate: Day
    private let store: StateStore
    private let clock: any WallClock
    private let tokens: TokenProvider
    /// The school under way: its URN, when it began, the newest submission id and the token requests then.
    private var current: (urn: String, started: Date, submissions: Int64, tokens: Int)?

    init(runDate: Day, store: StateStore, clock: any WallClock, tokens: TokenProvider) {
        self.runDate = runDate
        self.store = store
        self.clock = clock
        self.tokens = tokens
    }

    /// Notes the start of a school's send.
    func begin(_ school: Configuration.School) {
        // Unreadable, no submission can be linked to the run: it still records how the school's send ended.
        current = (school.urn, clock.now(), (try? store.lastSubmissionID()) ?? Int64.max, tokens.requests)
    }

    /// Records how the school's send ended: success, or the status and message of the error that stopped it.
    ///
    /// Best effort: a state database that cannot take the row shows itself in the send's own records, which
    /// stop the run; the record of the run must never change how the send ends or what it reports.
    /// - Parameter tokenRequests: the school's own count, when schools are sent at once and the provider's
    ///   total mixes theirs.
    func finish(_ status: ExitStatus, _ error: (any Error)? = nil, tokenRequests: Int? = nil) {
        guard let current else { return }
        self.current = nil
        try? store.recordRun(
            urn: current.urn, runDate: runDate, startedAt: current.started, finishedAt: clock.now(), exitStatus: status,
            problem: error.map { "\($0)" }, submissionsAfter: current.submissions,
            tokenRequests: tokenRequests ?? tokens.requests - current.tokens)
    }
}

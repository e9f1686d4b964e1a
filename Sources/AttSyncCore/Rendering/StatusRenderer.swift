import Foundation

/// What `attsync status` prints: one line per school (a table), or JSON.
enum StatusRenderer {
    /// The table: school, consent, last accepted, pending, failed runs, last problem.
    static func table(_ overviews: [SchoolOverview], timeZone: TimeZone) -> String {
        var table = TextTable(["school", "consent", "last accepted", "pending", "failed runs", "last problem"], numeric: [4])
        for overview in overviews {
            table.add([
                overview.school.displayName, consent(overview.consent, timeZone), lastAccepted(overview, timeZone), pending(overview),
                String(overview.runs.consecutiveFailures), problem(overview, timeZone),
            ])
        }
        let date = overviews.first.map { " on \($0.runDate.longDescription)" } ?? ""
        return "Status\(date):\n" + table.render()
            + "Pending: dates with marks the DfE has never accepted that the next run sends (its window, and catch-up since "
            + "consent). `attsync history --days` also shows corrections waiting to be re-sent, days no run sends by itself and "
            + "registers not taken; `attsync history` lists every submission.\n"
    }

    /// `✓ Ann Head, Fri 20 Nov 2026 09:00 (attsync)`, `✗ none`, `✗ removed by …`, `✗ DfE service retired`.
    static func consent(_ history: ConsentHistory, _ zone: TimeZone) -> String {
        if let given = history.inForce { return "✓ \(given.by), \(localDayTime(given.at, zone)) (\(given.osUser))" }
        if let retired = history.retiredByService { return "✗ DfE service retired, \(localDayTime(retired.at, zone))" }
        if let removed = history.events.last { return "✗ removed by \(removed.by), \(localDayTime(removed.at, zone))" }
        return "✗ none"
    }

    /// `Fri 27 Nov 2026 (submission 12, DfE reference SUB-8, Fri 27 Nov 2026 17:31)`, or `never`: attsync's
    /// number of the submission and the DfE's, named apart so one is not taken for the other.
    static func lastAccepted(_ overview: SchoolOverview, _ zone: TimeZone) -> String {
        guard let date = overview.lastAcceptedDate else { return "never" }
        guard let record = overview.lastAcceptedDateBy else { return date.longDescription }
        let reference = record.reference.map { ", DfE reference \(visible($0))" } ?? ""
        return "\(date.longDescription) (submission \(record.id)\(reference), \(localDayTime(record.finishedAt ?? record.createdAt, zone)))"
    }

    /// `none`, `Mon 23 – Wed 25 Nov 2026, 3 school days`, or `unknown (…)`.
    static func pending(_ overview: SchoolOverview) -> String {
        guard let pending = overview.pending else { return "unknown: the MIS copy cannot be read" }
        guard !pending.dates.isEmpty else { return "none" }
        let waited = pending.schoolDaysWaited == 0 ? "" : ", oldest \(counted(pending.schoolDaysWaited, "school day")) ago"
        return daysWords(pending.dates) + waited
    }

    /// The first line of the newest failed run's problem while the school is failing, with its time; `-` otherwise.
    /// (The exit code is in `status --json`.)
    static func problem(_ overview: SchoolOverview, _ zone: TimeZone) -> String {
        if overview.runs.consecutiveFailures == 0 {
            guard overview.pending == nil, let unknown = overview.pendingUnknown else { return "-" }
            return firstLine(unknown)
        }
        guard let failure = overview.runs.lastFailure else { return "-" }
        return "\(localDayTime(failure.finishedAt, zone)): " + firstLine(failure.problem ?? "")
    }

    /// The first line, control characters made visible, at most 160 characters.
    static func firstLine(_ text: String) -> String {
        let line = visible(String(text.prefix { $0 != "\n" }))
        return line.count > 160 ? String(line.prefix(159)) + "…" : line
    }

    /// `status --json`: one object per school.
    static func json(_ overviews: [SchoolOverview]) -> String {
        struct Consent: Encodable {
            let given: Bool
            let by: String?
            let osUser: String?
            let at: Date?
        }
        struct Accepted: Encodable {
            let id: Int64
            let runDate: String
            let dates: [String]
            let acceptedAt: Date?
            let reference: String?
        }
        struct School: Encodable {
            let urn: String
            let name: String
            let date: String
            let consent: Consent
            let lastAcceptedDate: String?
            let lastAcceptedSubmission: Accepted?
            let pendingDates: [String]?
            let pendingUnknown: String?
            let pendingSchoolDays: Int
            let consecutiveFailedRuns: Int
            let lastRun: RunRecord?
            let lastProblem: String?
        }
        let schools = overviews.map { overview in
            let current = overview.consent.inForce ?? overview.consent.events.last
            return School(
                urn: overview.school.urn, name: overview.school.name, date: overview.runDate.description,
                consent: Consent(
                    given: overview.consent.isInForce, by: current?.by, osUser: current?.osUser, at: current?.at),
                lastAcceptedDate: overview.lastAcceptedDate?.description,
                lastAcceptedSubmission: overview.lastAcceptedDateBy.map {
                    Accepted(id: $0.id, runDate: $0.runDate, dates: $0.dates, acceptedAt: $0.finishedAt, reference: $0.reference)
                },
                pendingDates: overview.pending?.dates.map(\.description), pendingUnknown: overview.pendingUnknown,
                pendingSchoolDays: overview.schoolDaysWaited, consecutiveFailedRuns: overview.runs.consecutiveFailures,
                lastRun: overview.runs.lastRun,
                lastProblem: overview.runs.consecutiveFailures > 0 ? overview.runs.lastFailure?.problem : nil)
        }
        return HistoryRenderer.json(schools) + "\n"
    }
}

import Foundation

/// Where a school stands, at a glance: its consent, what the DfE last accepted, the dates still pending and
/// how its recent runs went. What `attsync status` shows, what `send --metrics-file` exports and what the
/// pending alert is decided on.
///
/// Read from the state database (never written) and, for the pending dates, from the MIS copy: only which
/// dates have marks, one indexed query.
package struct SchoolOverview: Sendable {
    package let school: Configuration.School
    /// The date the overview is for (`--date`, else today).
    package let runDate: Day
    package let consent: ConsentHistory
    /// The latest date the DfE ever accepted for the school.
    package let lastAcceptedDate: Day?
    /// The newest ✓ or ⚠ submission (for the metrics: when the DfE last accepted anything).
    package let lastAccepted: SubmissionRecord?
    /// The accepted submission that holds `lastAcceptedDate` at the DfE: not always the newest, when an
    /// earlier date was sent since (`send --date` of a past day).
    package let lastAcceptedDateBy: SubmissionRecord?
    /// nil when the MIS copy could not be read; `pendingUnknown` says why.
    package let pending: PendingDates?
    /// Why the pending dates are unknown (the copy's error, in words).
    package let pendingUnknown: String?
    package let runs: RunStreak
    /// School days the oldest pending date has waited (or, with the copy unreadable, since sends began to fail).
    package let schoolDaysWaited: Int

    /// - Parameter store: the state database; nil when there is none yet.
    /// - Throws: `StateError`. A MIS copy that cannot be read is not an error here: `pendingUnknown` holds it.
    package static func read(school: Configuration.School, configuration: Configuration, runDate: Day, store: StateStore?)
        throws(StateError) -> SchoolOverview
    {
        let history = try store?.acceptedHistory(urn: school.urn, timeZone: configuration.timeZone)
        let window = school.window(configuration.window)
        let plan = RunPlan(runDate: runDate, window: window, history: history)
        var pending: PendingDates?
        var unknown: String?
        do {
            let source = try SourceDatabase(
                path: school.source.path, views: school.source.views, timeoutSeconds: school.source.timeoutSeconds)
            let search = PendingDates.search(plan)
            let aggregator = Aggregator(codes: configuration.codes)
            let days = try source.read { try aggregator.daysWithMarks($0, from: search.from, before: search.through.adding(days: 1)) }
            pending = PendingDates(daysWithMarks: days, plan: plan, history: history, calendar: window.calendar)
        } catch {
            unknown = "\(error)"
        }
        let runs =
            try store?.runStreak(urn: school.urn) ?? RunStreak(lastRun: nil, consecutiveFailures: 0, failingSince: nil, lastFailure: nil)
        var lastAccepted: SubmissionRecord?
        var lastAcceptedDateBy: SubmissionRecord?
        let lastAcceptedDate = history?.acceptedDigests.keys.max()
        if let store {
            if let id = history?.lastAccepted?.id { lastAccepted = try store.submission(id: id).record }
            if let lastAcceptedDate,
                let id = try store.dayRecords(urn: school.urn, days: [lastAcceptedDate])[lastAcceptedDate]?.accepted?.submission
            {
                lastAcceptedDateBy = try store.submission(id: id).record
            }
        }
        return SchoolOverview(
            school: school, runDate: runDate, consent: history?.consent ?? ConsentHistory(events: []),
            lastAcceptedDate: lastAcceptedDate, lastAccepted: lastAccepted, lastAcceptedDateBy: lastAcceptedDateBy, pending: pending,
            pendingUnknown: unknown,
            runs: runs,
            schoolDaysWaited: PendingDates.waited(
                pending: pending, failingSince: runs.failingSince, runDate: runDate, calendar: window.calendar))
    }
}

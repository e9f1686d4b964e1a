/// A school's pending dates — dates with marks in the MIS copy that the DfE has never accepted and that
/// `send` would send (in the window, or catch-up days since consent) — and how long the oldest has waited,
/// in school days. Decided without disk, like `RunPlan`: the dates with marks are asked for through
/// `search` and handed in.
///
/// `status` shows them, the metrics count them, and `send` turns a temporary failure (75) into the alert
/// (76) once the oldest has waited `alerts.pendingSchoolDays` school days.
package struct PendingDates: Sendable, Equatable {
    /// Ascending.
    package let dates: [Day]
    /// School days the oldest pending date has waited; 0 without pending dates.
    package let schoolDaysWaited: Int

    /// The dates `[from, through]` in which to look for marks: the catch-up search (from the day consent was
    /// given) when catch-up is on and reaches before the window, else the window; always up to the run date.
    package static func search(_ plan: RunPlan) -> (from: Day, through: Day) {
        (plan.catchUpSearch?.from ?? plan.window.first ?? plan.runDate, plan.runDate)
    }

    /// - Parameters:
    ///   - daysWithMarks: the dates of `search(plan)` with at least one mark, ascending.
    ///   - plan: the run's window and catch-up search.
    ///   - history: what the state database knows; nil when there is none (nothing was ever accepted).
    ///   - calendar: the school's school days.
    package init(daysWithMarks: [Day], plan: RunPlan, history: AcceptedHistory?, calendar: SchoolCalendar) {
        let window = Set(plan.window)
        let accepted = history?.acceptedDigests ?? [:]
        dates = daysWithMarks.filter { day in
            guard day <= plan.runDate, accepted[day] == nil else { return false }
            return window.contains(day) || plan.mayBeCaughtUp(day)
        }
        schoolDaysWaited =
            dates.first.map {
                Self.schoolDaysWaited(since: max($0, history?.consentDay ?? $0), runDate: plan.runDate, calendar: calendar)
            } ?? 0
    }

    /// The school days after `day`, up to and including `runDate`: a date marked on Monday has waited 2 school
    /// days at Wednesday's run, and 0 on its own day. A date is not counted as waiting before consent was
    /// given, hence callers pass the later of the two.
    package static func schoolDaysWaited(since day: Day, runDate: Day, calendar: SchoolCalendar) -> Int {
        calendar.schoolDays(from: day.adding(days: 1), before: runDate.adding(days: 1)).count
    }

    /// Whether a school's run is the pending alert: the run failed for a temporary reason (what would be exit
    /// 75) and a date has waited `threshold` school days or more.
    /// - Parameters:
    ///   - pending: nil when the MIS copy could not be read (being refreshed, damaged, locked): the pending
    ///     dates are unknown then, and `failingSince` alone says how long sending has failed.
    ///   - failingSince: the run date of the first run of the school's current streak of failed runs.
    package static func isAlert(
        status: ExitStatus, pending: PendingDates?, failingSince: Day?, runDate: Day, calendar: SchoolCalendar, threshold: Int
    ) -> Bool {
        guard status == .temporaryFailure else { return false }
        return waited(pending: pending, failingSince: failingSince, runDate: runDate, calendar: calendar) >= threshold
    }

    /// School days the oldest pending date has waited, or when the pending dates are unknown (nil), school days
    /// since the school's sends began to fail.
    package static func waited(pending: PendingDates?, failingSince: Day?, runDate: Day, calendar: SchoolCalendar) -> Int {
        if let pending { return pending.schoolDaysWaited }
        return failingSince.map { schoolDaysWaited(since: $0, runDate: runDate, calendar: calendar) } ?? 0
    }
}

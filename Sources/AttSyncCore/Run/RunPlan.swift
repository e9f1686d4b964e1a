/// Which dates a school's run covers, decided without disk: the window (the run date and the school days
/// before it) and the catch-up days (never-accepted school days since consent, before the window).
///
/// The one fact it needs from the MIS copy, which earlier dates have marks, is asked for through
/// `catchUpSearch` and handed to `catchUp(daysWithMarks:)`, so the rule has unit tests without a database.
package struct RunPlan: Sendable, Equatable {
    /// `--date`, or today in the configured time zone.
    package let runDate: Day
    /// The run date plus the `window.schoolDays - 1` school days before it, ascending.
    package let window: [Day]
    /// The school days of this school: weekends and `nonSchoolDays` are not.
    package let calendar: SchoolCalendar
    private let catchUpLimit: Int
    /// Catch-up starts here, inclusive (docs/dfe-contract.md §3: "on or after the day consent was given").
    private let consentDay: Day?
    /// Dates ever accepted: catch-up does not re-send them, even if their content changed since (§3).
    private let acceptedDays: Set<Day>

    /// - Parameter history: what the state database knows; nil when there is none (no catch-up).
    package init(runDate: Day, window settings: Configuration.Window, history: AcceptedHistory?) {
        self.runDate = runDate
        calendar = settings.calendar
        window = calendar.window(endingOn: runDate, schoolDays: settings.schoolDays)
        catchUpLimit = settings.catchUpSchoolDays
        consentDay = history?.consentDay
        acceptedDays = Set(history.map { Array($0.acceptedDigests.keys) } ?? [])
    }

    /// The window of the run of the next school day after the run date: a date accepted now is re-sent by
    /// that run only if it is in it (catch-up never re-sends an accepted date).
    package var nextWindow: [Day] {
        var next = runDate.adding(days: 1)
        while !calendar.isSchoolDay(next) { next = next.adding(days: 1) }
        return calendar.window(endingOn: next, schoolDays: window.count)
    }

    /// The dates `[from, before)` in which to look for marks for catch-up: from the day consent was given
    /// to the window; nil when catch-up is off, there is no consent, or consent is newer than the window.
    package var catchUpSearch: (from: Day, before: Day)? {
        guard catchUpLimit > 0, let consentDay, let first = window.first, consentDay < first else { return nil }
        return (consentDay, first)
    }

    /// The dates from the start of the run to the run date that are not school days (weekends, listed
    /// closures), other than the run date itself: marks on them are not sent, and are reported.
    package func offCalendarDays(catchUp: [Day]) -> [Day] {
        guard let first = (catchUp + window).min() else { return [] }
        return (first.ordinal..<runDate.ordinal).map(Day.init(ordinal:)).filter { !calendar.isSchoolDay($0) }
    }

    /// The catch-up days: of `daysWithMarks` (ascending), the school days in `catchUpSearch` never accepted,
    /// oldest first, at most `window.catchUpSchoolDays` of them.
    package func catchUp(daysWithMarks: [Day]) -> [Day] {
        Array(daysWithMarks.filter(mayBeCaughtUp).prefix(catchUpLimit))
    }

    /// Whether catch-up would take `day` if it has marks (before the limit): a school day in `catchUpSearch`
    /// never accepted. `PendingDates` counts such days as pending.
    package func mayBeCaughtUp(_ day: Day) -> Bool {
        guard let search = catchUpSearch else { return false }
        return day >= search.from && day < search.before && calendar.isSchoolDay(day) && !acceptedDays.contains(day)
    }
}

/// Which dates are school days, and which dates a run covers.
///
/// Built from `window.nonSchoolDays` (`Configuration.Window.calendar`); `RunPlan` uses it to choose the
/// window and the catch-up days (docs/dfe-contract.md §3). A school day is a Monday–Friday date not listed
/// as closed: the MIS copy is not consulted, which is why INSET days and bank holidays must be configured.
package struct SchoolCalendar: Sendable, Equatable {
    /// Weekdays on which the school is closed (bank holidays, INSET days, holidays).
    package var nonSchoolDays: Set<Day>

    package init(nonSchoolDays: Set<Day> = []) { self.nonSchoolDays = nonSchoolDays }

    /// A Monday–Friday date not listed in `nonSchoolDays`.
    package func isSchoolDay(_ day: Day) -> Bool { !day.isWeekend && !nonSchoolDays.contains(day) }

    /// The run date plus the `schoolDays - 1` school days before it, ascending. The run date is always
    /// included, whatever day it is.
    /// `schoolDays` is 1 to 366 by configuration; 1 gives the run date alone. Weekends and `nonSchoolDays` are
    /// stepped over, so eight school days reach back about ten calendar days, more across a holiday.
    package func window(endingOn runDate: Day, schoolDays: Int) -> [Day] {
        var days = [runDate]
        var day = runDate
        while days.count < schoolDays {
            day = day.adding(days: -1)
            if isSchoolDay(day) { days.append(day) }
        }
        return days.reversed()
    }

    /// School days from `start` up to but not including `end`, ascending.
    /// Not used by the run itself (catch-up asks the MIS copy which dates have marks); the end-to-end tests use
    /// it to compute the dates they expect.
    package func schoolDays(from start: Day, before end: Day) -> [Day] {
        guard start < end else { return [] }
        return (start.ordinal..<end.ordinal).map(Day.init(ordinal:)).filter(isSchoolDay)
    }
}

/// Which dates are school days, and which dates a run covers.
package struct SchoolCalendar: Sendable, Equatable {
    /// Weekdays on which the school is closed (bank holidays, INSET days, holidays).
    package var nonSchoolDays: Set<Day>

    package init(nonSchoolDays: Set<Day> = []) { self.nonSchoolDays = nonSchoolDays }

    /// A Monday–Friday date not listed in `nonSchoolDays`.
    package func isSchoolDay(_ day: Day) -> Bool { !day.isWeekend && !nonSchoolDays.contains(day) }

    /// The run date plus the `schoolDays - 1` school days before it, ascending. The run date is always
    /// included, whatever day it is.
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
    package func schoolDays(from start: Day, before end: Day) -> [Day] {
        guard start < end else { return [] }
        return (start.ordinal..<end.ordinal).map(Day.init(ordinal:)).filter(isSchoolDay)
    }
}

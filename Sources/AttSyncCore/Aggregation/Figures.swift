/// What the register says for one school, one date and one session, after every rule of
/// docs/mis-schema.md has been applied.
///
/// Built by `Aggregator.tallyMarks`; `Payload` sends `counts`, the rest is the data-quality report of
/// `preview` and `send`. Counts are marks, one per pupil and session after de-duplication.
package struct SessionFigures: Equatable, Sendable {
    /// Year group → national code → marks counted.
    /// Only year groups and codes with marks appear; a missing entry means zero.
    package var counts: [String: [String: Int]] = [:]
    /// Year group → marks of pupils on roll in it (counted or skipped): what unmarked is measured against.
    package var markedOnRoll: [String: Int] = [:]
    /// Distinct marks read (one per pupil and session, after removing duplicates).
    /// Rule 8's left-hand side.
    package var read = 0
    /// Marks counted in a year group.
    /// The sum of `counts`.
    package var counted = 0
    /// Marks of pupils not on roll that date.
    /// Rule 3: reported, never silently dropped, never sent.
    package var notOnRoll = 0
    /// Code (after `codes.map`) → marks of pupils not on roll, so the report can say which (`Z` is normal).
    package var notOnRollCodes: [String: Int] = [:]
    /// Code as recorded → marks left out by `codes.unknown: "skip"`.
    package var skipped: [String: Int] = [:]
    /// Present marks of the other session (`/` in PM, `\` in AM), counted as recorded.
    package var wrongSession = 0
    /// Extra copies of a mark for the same pupil and session, counted once.
    package var duplicates = 0

    package init() {}

    package var skippedTotal: Int { skipped.values.reduce(0, +) }

    /// The accounting identity: every mark read is counted, not on roll, or skipped.
    /// The tests hold it for every date and session (docs/mis-schema.md rule 8).
    package var balances: Bool { read == counted + notOnRoll + skippedTotal }
}

/// Everything known about one date.
///
/// The dates of a run in `SchoolFigures.days`; `Payload` sends one element per year group on roll and
/// session of each date that `hasMarks`.
package struct DayFigures: Equatable, Sendable {
    package let day: Day
    /// Year group → pupils on roll.
    /// Year groups with nobody on roll are absent, and are not sent.
    package var onRoll: [String: Int] = [:]
    /// The morning register (and `pm` the afternoon's); code that treats both alike uses `self[session]`.
    package var am = SessionFigures()
    package var pm = SessionFigures()
    /// Pupils with enrolments in more than one year group that cover this date (the latest start won).
    package var overlappingEnrolments = 0

    package init(day: Day) { self.day = day }

    /// The figures of `session`, so that code can loop over `Session.allCases`.
    package subscript(session: Session) -> SessionFigures {
        get { session == .am ? am : pm }
        set { if session == .am { am = newValue } else { pm = newValue } }
    }

    /// Pupils on roll that date, all year groups: each pupil counts once (rule 1).
    package var totalOnRoll: Int { onRoll.values.reduce(0, +) }

    /// Dates with no marks at all are left out of the payload.
    package var hasMarks: Bool { am.read + pm.read > 0 }

    /// Pupils on roll without a mark in `session`.
    /// Summed per year group, so a register not taken shows as its whole year group.
    package func unmarked(_ session: Session) -> Int {
        onRoll.reduce(0) { total, entry in total + max(0, entry.value - (self[session].markedOnRoll[entry.key] ?? 0)) }
    }
}

/// The aggregate of one school over the dates of a run.
package struct SchoolFigures: Equatable, Sendable {
    /// Every date asked for, ascending, with or without marks.
    /// The catch-up days and the window, as `SchoolRun.prepare` asked for them.
    package var days: [DayFigures]
    /// Pupils on roll on the run date.
    /// Sent as `totalNoOfPupils`, even when the run date itself has no marks.
    package var totalOnRollOnRunDate: Int
    /// Marks on dates of the run's span that are not school days (a Saturday club, a listed closure):
    /// never sent, reported as data quality.
    package var marksOffCalendar: [Day: Int] = [:]
}

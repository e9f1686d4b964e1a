/// The figures in the words a school's office and head use: present, authorised and unauthorised absence,
/// the attendance rate, per year group and session; year groups and dates as people write them.
///
/// Every category comes from the catalogue (`AttendanceCode.category`, `possibleSession`), so the summary
/// stays right as codes change; only `L` and `U` are singled out, as `Catalogue` names them.

extension AttendanceCategory {
    /// The heading schools use for the category.
    var heading: String {
        switch self {
        case .present: return "Present"
        case .approvedEducationalActivity: return "Approved educational activity"
        case .authorisedAbsence: return "Authorised absence"
        case .unauthorisedAbsence: return "Unauthorised absence"
        case .notCounted: return "Not counted"
        }
    }
}

extension AttendanceCode {
    /// `Authorised absence – leave: medical or dental appointment (M)`: the category, the national meaning, the code.
    var wording: String { "\(category.heading) – \(meaning) (\(code))" }
}

/// `95.2%`, or `-` when there is nothing to divide by.
func percent(_ rate: Double?) -> String {
    guard let rate else { return "-" }
    return String(format: "%.1f%%", rate * 100)
}

/// `Wed 18 – Fri 27 Nov 2026, 7 school days`: the one way attsync writes a set of dates. Runs of weekdays
/// are written as ranges (a weekend does not break a run; any other missing weekday does, so a range never
/// hides a day left out): `Wed 18 – Thu 19 and Mon 23 – Thu 26 Nov 2026, 6 school days`. A month and year
/// are written once where the next date shares them; one date is `Fri 27 Nov 2026`.
func daysWords(_ days: [Day]) -> String {
    let days = Set(days).sorted()
    guard let first = days.first, let last = days.last else { return "no school days" }
    guard first != last else { return last.longDescription }
    var runs: [(first: Day, last: Day)] = []
    for day in days {
        if let run = runs.last, nextWeekday(after: run.last) == day { runs[runs.count - 1].last = day } else { runs.append((day, day)) }
    }
    let count = counted(days.count, "school day")
    // Each date as it reads before the next date written.
    let written = runs.flatMap { $0.first == $0.last ? [$0.first] : [$0.first, $0.last] }
    var text = ""
    var index = 0
    for (number, run) in runs.enumerated() {
        if number > 0 { text += number == runs.count - 1 ? " and " : ", " }
        let pieces = run.first == run.last ? 1 : 2
        text += (index..<index + pieces).map { index in
            index + 1 < written.count ? shortDay(written[index], before: written[index + 1]) : written[index].longDescription
        }.joined(separator: " – ")
        index += pieces
    }
    return "\(text), \(count)"
}

/// `Mon 5 Oct – Sun 29 Nov 2026`: every date from `first` to `last`, as `daysWords` writes a range.
func spanWords(_ first: Day, _ last: Day) -> String {
    first == last ? last.longDescription : "\(shortDay(first, before: last)) – \(last.longDescription)"
}

/// The weekday after `day`, over a weekend.
private func nextWeekday(after day: Day) -> Day {
    var next = day.adding(days: 1)
    while next.isWeekend { next = next.adding(days: 1) }
    return next
}

/// `Wed 18`, `Mon 30 Nov` or `Fri 18 Dec 2026`: `day` without what the date written after it repeats.
private func shortDay(_ day: Day, before next: Day) -> String {
    let (year, month, _) = day.parts
    let words = day.longDescription.split(separator: " ")
    guard year == next.parts.year else { return day.longDescription }
    return words.prefix(month == next.parts.month ? 2 : 3).joined(separator: " ")
}

/// `daysWords` of dates stored as `YYYY-MM-DD` (a submission's); as they are if one cannot be read.
func daysWords(_ dates: [String]) -> String {
    let days = dates.compactMap(Day.init(iso:))
    return days.count == dates.count ? daysWords(days) : datesSummary(dates)
}

/// A date's registers as counts, whether read from the MIS copy (`DayFigures`) or from a body the DfE
/// accepted (`SentBody`): what `AttendanceTally` is built from.
struct RegisterCounts: Equatable {
    let day: Day
    /// Year group → pupils on roll; only year groups with pupils.
    var onRoll: [String: Int] = [:]
    /// Session → year group → code → marks.
    var counts: [Session: [String: [String: Int]]] = [:]
    /// Session → year group → marks of pupils on roll (counted or skipped); nil when only counts are known,
    /// and then every counted mark is taken as a mark.
    var marked: [Session: [String: Int]]?

    init(_ figures: DayFigures) {
        day = figures.day
        onRoll = figures.onRoll.filter { $0.value > 0 }
        var marked: [Session: [String: Int]] = [:]
        for session in Session.allCases {
            counts[session] = figures[session].counts
            marked[session] = figures[session].markedOnRoll
        }
        self.marked = marked
    }

    init(day: Day, elements: [SentBody.Element]) {
        self.day = day
        for element in elements where element.date == day {
            onRoll[element.yearGroup] = element.onRoll
            counts[element.session, default: [:]][element.yearGroup] = element.counts
        }
    }

    /// Year groups on roll, in catalogue order.
    var yearGroups: [String] { Catalogue.yearGroups.filter { (onRoll[$0] ?? 0) > 0 } }

    /// Whether any mark was taken that date.
    var hasMarks: Bool { Session.allCases.contains { session in tally(session).marks > 0 } }

    /// One year group's register, or the whole school's (`yearGroup` nil).
    func tally(_ session: Session, yearGroup: String? = nil) -> AttendanceTally {
        guard let yearGroup else {
            return yearGroups.reduce(AttendanceTally()) { $0 + tally(session, yearGroup: $1) }
        }
        let codes = counts[session]?[yearGroup] ?? [:]
        return AttendanceTally(
            onRoll: onRoll[yearGroup] ?? 0, counts: codes, marked: marked.map { $0[session]?[yearGroup] ?? 0 },
            codeSet: Catalogue.codeSet(on: day))
    }

    /// Both sessions of a year group or the whole school.
    func tally(yearGroup: String? = nil) -> AttendanceTally {
        Session.allCases.reduce(AttendanceTally()) { $0 + tally($1, yearGroup: yearGroup) }
    }
}

/// One register (or the sum of several) in school terms. The figures from `present` to `missing` add up to
/// the roll: `late` is part of `present`, and `lateAfterClose` (`U`) is kept apart from `unauthorised`.
struct AttendanceTally: Equatable {
    /// Pupils on roll (summed over registers: pupil-sessions).
    var onRoll = 0
    /// Present, late before the register closed included.
    var present = 0
    /// Of `present`: late before the register closed (`L`).
    var late = 0
    /// Arrived after the register closed (`U`): an unauthorised absence, shown apart as schools do.
    var lateAfterClose = 0
    /// Approved educational activity (off-site).
    var approved = 0
    var authorised = 0
    /// Unauthorised absence other than `U`.
    var unauthorised = 0
    /// Not a possible session: not required to attend, unable to attend, closed, not on roll.
    var notCounted = 0
    /// Pupils on roll without a mark.
    var missing = 0
    /// Marks of codes that count as a possible session.
    var possible = 0

    init() {}

    /// - Parameter marked: marks of pupils on roll, counted or skipped; nil to take the counted marks.
    init(onRoll: Int, counts: [String: Int], marked: Int?, codeSet: CodeSet) {
        self.onRoll = onRoll
        var total = 0
        for code in codeSet.codes {
            guard let value = counts[code.code], value > 0 else { continue }
            total += value
            if code.possibleSession { possible += value }
            if code.code == Catalogue.lateAfterClose {
                lateAfterClose += value
                continue
            }
            switch code.category {
            case .present:
                present += value
                if code.code == Catalogue.lateBeforeClose { late += value }
            case .approvedEducationalActivity: approved += value
            case .authorisedAbsence: authorised += value
            case .unauthorisedAbsence: unauthorised += value
            case .notCounted: notCounted += value
            }
        }
        missing = max(0, onRoll - (marked ?? total))
    }

    /// Marks in a category (every mark but the missing ones).
    var marks: Int { present + lateAfterClose + approved + authorised + unauthorised + notCounted }

    /// Present or at approved educational activity: what the attendance rate counts as attending.
    var attending: Int { present + approved }

    /// Attending over possible sessions; nil when no session was possible.
    var rate: Double? { possible > 0 ? Double(attending) / Double(possible) : nil }

    static func + (lhs: AttendanceTally, rhs: AttendanceTally) -> AttendanceTally {
        var sum = lhs
        sum.onRoll += rhs.onRoll
        sum.present += rhs.present
        sum.late += rhs.late
        sum.lateAfterClose += rhs.lateAfterClose
        sum.approved += rhs.approved
        sum.authorised += rhs.authorised
        sum.unauthorised += rhs.unauthorised
        sum.notCounted += rhs.notCounted
        sum.missing += rhs.missing
        sum.possible += rhs.possible
        return sum
    }
}

/// The summary table of one date in school terms: per session, the whole school then each year group.
enum SchoolSummary {
    /// The column headings, two lines each.
    static let headers = [
        "\nregister", "on\nroll", "\npresent", "of which\nlate", "late after\nreg. closed", "approved\noff-site",
        "authorised\nabsence", "unauthorised\nabsence", "not\ncounted", "missing\nmarks", "attendance\nrate",
    ]

    /// What the columns mean, said once per school.
    static let legend =
        "Present includes late before the register closed; late after registers closed (U) is an unauthorised absence, shown "
        + "in its own column and not again under unauthorised absence; "
        + "approved off-site is approved educational activity; not counted is not required or unable to attend. "
        + "Attendance rate = (present + approved off-site) ÷ possible sessions (not counted and missing marks are left out). "
        + "Each register's figures from present to missing marks add up to its roll."

    /// The table of one date.
    static func table(_ registers: RegisterCounts) -> TextTable {
        var table = TextTable(headers, numeric: Set(1..<headers.count))
        for (index, session) in Session.allCases.enumerated() {
            if index > 0 { table.add([]) }
            table.add([session.rawValue])
            table.add(["  whole school"] + cells(registers.tally(session)))
            for yearGroup in registers.yearGroups {
                table.add(["  " + yearGroupName(yearGroup)] + cells(registers.tally(session, yearGroup: yearGroup)))
            }
        }
        return table
    }

    /// A tally's cells, in the order of `headers`.
    static func cells(_ tally: AttendanceTally) -> [String] {
        [
            tally.onRoll, tally.present, tally.late, tally.lateAfterClose, tally.approved, tally.authorised, tally.unauthorised,
            tally.notCounted, tally.missing,
        ].map(\.grouped) + [percent(tally.rate)]
    }
}

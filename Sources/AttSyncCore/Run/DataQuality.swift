/// A register that was not taken: a year group and session with pupils on roll and no marks, on a date when
/// other registers were taken; or a whole school day with pupils on roll and no marks at all.
///
/// Reported loudly and always (`preview`, `send`, and on stderr under `--quiet`, so cron mails it), without
/// changing the exit code: the DfE gets such a register as pupils on roll with no attendances.
package struct RegisterGap: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// One year group's register of one session (`yearGroup` nil: no year group's register of the session).
        case notTaken(yearGroup: String?, session: Session)
        /// No register of the day was taken, and the day is not listed as a non-school day.
        case noRegistersAtAll
    }

    /// What the DfE has of the date, and how a register taken now would reach it: said with the gap, so
    /// a screen never promises a send that will not happen.
    package struct Delivery: Sendable, Equatable {
        package enum Held: Sendable, Equatable {
            /// Not with the DfE as it is now; the next run carries it.
            case notYet
            /// Carried by the submission being recorded (its data-quality notes, kept with it).
            case thisSubmission
            /// Accepted as it is now, so with the register missing.
            case withDfE
            /// Not with the DfE as it is now, and no run carries it by itself.
            case notSent
        }

        package var held: Held
        /// Whether the next run carries the date, so taking the register is enough; otherwise
        /// `attsync send --date D` sends it.
        package var inNextRun: Bool

        package init(_ held: Held, inNextRun: Bool) {
            self.held = held
            self.inNextRun = inNextRun
        }

        package static let notYet = Delivery(.notYet, inNextRun: true)
    }

    package var day: Day
    package var kind: Kind
    /// Pupils on roll in what was not taken.
    package var pupils: Int
    /// Set by whoever knows what the DfE has: `SchoolRun` and `send` for preview and send, `SchoolDays` for history.
    package var delivery = Delivery.notYet

    /// The sentence, the same wherever it is shown.
    package var words: String {
        let group: String
        let them: String
        switch kind {
        case .notTaken(let yearGroup?, let session):
            (group, them) = ("\(yearGroupName(yearGroup)) \(session.rawValue) register not taken", "it")
        case .notTaken(nil, let session):
            (group, them) = ("\(session.rawValue) registers not taken for any year group", "them")
        case .noRegistersAtAll:
            return
                "No registers taken on \(day.longDescription) (\(counted(pupils, "pupil")) on roll): INSET or closure day? "
                + "If not, check the registers; if it was, add \(day) to nonSchoolDays in the configuration"
        }
        let held: String
        switch delivery.held {
        case .notYet: held = (them == "it" ? "it will" : "they will") + " be sent with no marks"
        case .thisSubmission: held = "this submission carries \(them) with no marks"
        case .withDfE: held = "the DfE has \(them) with no marks"
        case .notSent: held = "not sent to the DfE"
        }
        let take = "take the register\(them == "it" ? "" : "s") in the MIS"
        let resend =
            delivery.inNextRun
            ? "\(take) and the next run \(delivery.held == .notSent ? "sends" : "re-sends") \(them)"
            : "\(take), then `attsync send --date \(day)` sends the day"
        return "\(group), \(day.longDescription) (\(counted(pupils, "pupil"))): \(held); \(resend)"
    }

    /// The gaps among `figures`: per date with marks, each year group and session with pupils on roll and no
    /// mark (a whole session missing for every year group is one gap); and, when some date of the run has
    /// marks, each school day of `calendar` with pupils on roll and none.
    package static func find(in figures: SchoolFigures, calendar: SchoolCalendar) -> [RegisterGap] {
        let anyMarks = figures.days.contains(where: \.hasMarks)
        var gaps: [RegisterGap] = []
        for day in figures.days {
            let onRoll = Catalogue.yearGroups.compactMap { group in day.onRoll[group].flatMap { $0 > 0 ? (group, $0) : nil } }
            guard !onRoll.isEmpty else { continue }
            guard day.hasMarks else {
                if anyMarks && calendar.isSchoolDay(day.day) {
                    gaps.append(RegisterGap(day: day.day, kind: .noRegistersAtAll, pupils: day.totalOnRoll))
                }
                continue
            }
            for session in Session.allCases {
                let untaken = onRoll.filter { (day[session].markedOnRoll[$0.0] ?? 0) == 0 }
                if untaken.count == onRoll.count {
                    gaps.append(RegisterGap(day: day.day, kind: .notTaken(yearGroup: nil, session: session), pupils: day.totalOnRoll))
                } else {
                    gaps += untaken.map { RegisterGap(day: day.day, kind: .notTaken(yearGroup: $0.0, session: session), pupils: $0.1) }
                }
            }
        }
        return gaps
    }
}

/// The data-quality findings of a run in words, each naming the date, session and year group (and, for
/// marks of pupils not on roll, the code): what `preview` shows and `send` reports and records with the
/// submission. Registers not taken are `RegisterGap`s, reported apart and louder.
enum DataQuality {
    /// How many findings of one kind are listed before "and N more".
    static let listed = 5

    /// Dates without marks are left out, so their pupils do not all count as unmarked.
    /// - Parameters:
    ///   - runDate: for the command that lists every finding.
    ///   - all: every finding (`preview --detail`), not the first `listed` of each kind.
    static func notes(_ figures: SchoolFigures, runDate: Day, all: Bool = false) -> [String] {
        let days = figures.days.filter(\.hasMarks)
        var notes: [String] = []
        var notOnRoll: [String] = []
        var skipped: [String] = []
        var wrong: [String] = []
        var duplicates: [String] = []
        var unmarked: [String] = []
        for day in days {
            for session in Session.allCases {
                let figures = day[session]
                let when = "\(day.day.longDescription) \(session.rawValue)"
                if figures.notOnRoll > 0 {
                    let codes = figures.notOnRollCodes.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                    let list = codes.map { "\(visible($0.key)) \($0.value)" }.joined(separator: ", ")
                    let normal = codes.allSatisfy { $0.key == "Z" }
                    notOnRoll.append(
                        "\(when): \(counted(figures.notOnRoll, "mark")) of pupils not on roll, not sent (\(list)"
                            + (normal
                                ? ", prospective pupils not yet on roll: normal)"
                                : "; check those pupils' admission and leaving dates in the MIS)"))
                }
                if figures.skippedTotal > 0 {
                    let list = figures.skipped.sorted { $0.key < $1.key }.map { "\"\(visible($0.key))\" \($0.value)" }
                    skipped.append(
                        "\(when): \(counted(figures.skippedTotal, "mark")) with unknown codes skipped (\(list.joined(separator: ", ")); map them in codes.map)"
                    )
                }
                if figures.wrongSession > 0 {
                    let other = Catalogue.presentMark(for: session == .am ? .pm : .am)
                    let groups = Catalogue.yearGroups.filter { (figures.counts[$0]?[other] ?? 0) > 0 }.map(yearGroupName)
                    wrong.append(
                        "\(when), \(groups.joined(separator: ", ")): \(counted(figures.wrongSession, "present mark")) of the other session (\(other)), counted as present"
                    )
                }
                if figures.duplicates > 0 {
                    duplicates.append("\(when): \(counted(figures.duplicates, "duplicate mark")) counted once")
                }
                for group in Catalogue.yearGroups {
                    guard let roll = day.onRoll[group], roll > 0 else { continue }
                    let marked = figures.markedOnRoll[group] ?? 0
                    if marked > 0 && marked < roll {
                        unmarked.append("\(when), \(yearGroupName(group)): \(roll - marked) of \(counted(roll, "pupil")) without a mark")
                    }
                }
            }
        }
        let limit = all ? Int.max : listed
        for list in [notOnRoll, skipped, wrong, duplicates, unmarked] {
            notes += list.prefix(limit)
            if list.count > limit {
                notes.append("and \(list.count - limit) more like it (attsync preview --detail --date \(runDate) lists them all)")
            }
        }
        if !figures.marksOffCalendar.isEmpty {
            let dates = figures.marksOffCalendar.keys.sorted()
            let shown =
                dates.prefix(3).map(\.longDescription).joined(separator: ", ") + (dates.count > 3 ? " and \(dates.count - 3) more" : "")
            notes.append(
                counted(figures.marksOffCalendar.values.reduce(0, +), "mark")
                    + " on dates that are not school days (\(shown)) not sent; if the school was open, remove the date from nonSchoolDays")
        }
        for day in days where day.overlappingEnrolments > 0 {
            notes.append(
                "\(day.day.longDescription): \(counted(day.overlappingEnrolments, "pupil")) with enrolments in two year groups (the latest start date was used)"
            )
        }
        return notes
    }
}

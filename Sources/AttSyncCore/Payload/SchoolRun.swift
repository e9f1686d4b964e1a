/// What the state database knows of a school, as far as choosing and labelling dates is concerned.
public struct AcceptedHistory: Sendable, Equatable {
    /// The last accepted submission of the school.
    public struct LastAccepted: Sendable, Equatable {
        public var id: Int64
        public var sha256: String
    }

    /// The date consent was (last) given, in the school's time zone; nil without consent.
    public var consentDay: Day?
    /// Each date ever accepted by the DfE → digest of the content last accepted for it.
    public var acceptedDigests: [Day: String]
    public var lastAccepted: LastAccepted?
}

/// A date's content compared with what the DfE last accepted for it.
public enum DayChange: String, Sendable {
    case new, changed, unchanged
}

/// Everything one school's run needs: the dates chosen, the figures and the body. `preview`, `send
/// --dry-run` and `send` all build it through `SchoolRun.prepare`, so they can never disagree.
public struct SchoolRun: Sendable {
    public let school: Configuration.School
    public let runDate: Day
    /// The run date and the school days before it.
    public let window: [Day]
    /// Never-accepted school days before the window, oldest first.
    public let catchUp: [Day]
    public let figures: SchoolFigures
    public let payload: Payload
    /// Per sent date, compared with the last accepted content; nil when there is no state database.
    public let changes: [Day: DayChange]?
    public let history: AcceptedHistory?

    /// Reads the school's MIS copy and builds its payload for `runDate`.
    /// - Parameter history: what the state database knows; nil when there is none (no catch-up, no labels).
    /// - Throws: `SourceError`, `DataError`.
    public static func prepare(
        school: Configuration.School, configuration: Configuration, runDate: Day, history: AcceptedHistory?
    ) throws -> SchoolRun {
        let calendar = configuration.window.calendar
        let window = calendar.window(endingOn: runDate, schoolDays: configuration.window.schoolDays)
        let source = try SourceDatabase(path: school.source.path, views: school.source.views)
        let aggregator = Aggregator(codes: configuration.codes)
        let (catchUp, figures) = try source.read {
            var catchUp: [Day] = []
            if let consentDay = history?.consentDay, let first = window.first, configuration.window.catchUpSchoolDays > 0 {
                let candidates = Set(calendar.schoolDays(from: consentDay, before: first))
                catchUp = try aggregator.daysWithMarks(source, from: consentDay, before: first)
                    .filter { candidates.contains($0) && history?.acceptedDigests[$0] == nil }
                    .prefix(configuration.window.catchUpSchoolDays).map { $0 }
            }
            return (catchUp, try aggregator.aggregate(source, days: catchUp + window, runDate: runDate))
        }
        let payload = Payload(urn: school.urn, figures: figures, sending: Set(catchUp + window))
        let changes = history.map { history in
            Dictionary(
                uniqueKeysWithValues: payload.dayDigests.map { day, digest in
                    (day, history.acceptedDigests[day].map { $0 == digest ? DayChange.unchanged : .changed } ?? .new)
                })
        }
        return SchoolRun(
            school: school, runDate: runDate, window: window, catchUp: catchUp, figures: figures, payload: payload,
            changes: changes, history: history)
    }

    /// One line per kind of data-quality finding, totalled over the dates sent: what `preview` shows and
    /// what `send` reports and records with the submission.
    public var qualityNotes: [String] {
        let days = figures.days.filter(\.hasMarks)
        func total(_ value: (SessionFigures) -> Int) -> Int { days.reduce(0) { $0 + value($1.am) + value($1.pm) } }
        var notes: [String] = []
        let notOnRoll = total(\.notOnRoll)
        if notOnRoll > 0 { notes.append(counted(notOnRoll, "mark") + " of pupils not on roll (not sent)") }
        let skipped = total(\.skippedTotal)
        if skipped > 0 { notes.append(counted(skipped, "mark") + " with unknown codes skipped") }
        let wrong = total(\.wrongSession)
        if wrong > 0 { notes.append(counted(wrong, "present mark") + " in the wrong session") }
        let duplicates = total(\.duplicates)
        if duplicates > 0 { notes.append(counted(duplicates, "duplicate mark") + " counted once") }
        let unmarked = days.reduce(0) { $0 + $1.unmarked(.am) + $1.unmarked(.pm) }
        if unmarked > 0 { notes.append(counted(unmarked, "unmarked session")) }
        let overlapping = days.reduce(0) { $0 + $1.overlappingEnrolments }
        if overlapping > 0 { notes.append(counted(overlapping, "pupil-day") + " with overlapping enrolments") }
        return notes
    }
}

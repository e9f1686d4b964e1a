/// Everything one school's run needs: the dates chosen, the figures and the body. `preview`, `send
/// --dry-run` and `send` all build it through `SchoolRun.prepare`, so they can never disagree.
///
/// It joins the pipeline's middle stages (source → figures → payload) for one school; `send` then takes
/// `payload` to the transport and the state. Nothing in it writes anything.
package struct SchoolRun: Sendable {
    package let school: Configuration.School
    /// The dates the run covers.
    package let plan: RunPlan
    /// Never-accepted school days before the window, oldest first.
    package let catchUp: [Day]
    /// Of every date of the run, marks or not, for `preview`'s table and the data-quality notes.
    package let figures: SchoolFigures
    /// The body `send` would post, built once: the same bytes go out on every attempt.
    package let payload: Payload
    /// Per sent date, compared with the last accepted content; nil when there is no state database.
    package let changes: [Day: DayChange]?
    /// What the state said when the run was prepared; nil when there is no state database yet.
    package let history: AcceptedHistory?

    package var runDate: Day { plan.runDate }
    /// The run date and the school days before it.
    package var window: [Day] { plan.window }

    /// Whether `send` sends this body (`force`: `send --force`).
    package func decision(force: Bool) -> SendDecision {
        SendDecision(payload: payload, lastAccepted: history?.lastAccepted, force: force)
    }

    /// Reads the school's MIS copy in one snapshot and builds its payload for `runDate`.
    /// - Parameter history: what the state database knows; nil when there is none (no catch-up, no labels).
    /// - Throws: `SourceError`, `DataError`.
    package static func prepare(
        school: Configuration.School, configuration: Configuration, runDate: Day, history: AcceptedHistory?
    ) throws -> SchoolRun {
        let source = try SourceDatabase(path: school.source.path, views: school.source.views, timeoutSeconds: school.source.timeoutSeconds)
        // One snapshot for both questions, so the catch-up dates and their figures come from the same copy.
        return try source.read { try prepare(school: school, configuration: configuration, runDate: runDate, history: history, in: $0) }
    }

    /// The same, inside a read of the copy the caller already holds (with other questions of the same snapshot).
    /// - Throws: `SQLiteError` (the read turns it into `SourceError`), `DataError`.
    package static func prepare(
        school: Configuration.School, configuration: Configuration, runDate: Day, history: AcceptedHistory?, in snapshot: SourceSnapshot
    ) throws -> SchoolRun {
        let plan = RunPlan(runDate: runDate, window: school.window(configuration.window), history: history)
        let aggregator = Aggregator(codes: configuration.codes)
        let catchUp =
            try plan.catchUpSearch.map { search in
                plan.catchUp(daysWithMarks: try aggregator.daysWithMarks(snapshot, from: search.from, before: search.before))
            } ?? []
        var figures = try aggregator.aggregate(snapshot, days: catchUp + plan.window, runDate: runDate)
        figures.marksOffCalendar = try aggregator.markCounts(snapshot, on: plan.offCalendarDays(catchUp: catchUp))
        let payload = Payload(urn: school.urn, figures: figures, sending: Set(catchUp + plan.window))
        return SchoolRun(
            school: school, plan: plan, catchUp: catchUp, figures: figures, payload: payload,
            changes: history.map { DayChange.label(payload, acceptedDigests: $0.acceptedDigests) }, history: history)
    }

    /// The data-quality findings of the dates sent, each naming the date, session and year group
    /// (`DataQuality`): what `preview` shows and what `send` reports and records with the submission.
    /// - Parameter all: every finding (`preview --detail`), not the first few of each kind.
    package func qualityNotes(all: Bool = false) -> [String] { DataQuality.notes(figures, runDate: runDate, all: all) }

    /// Registers not taken, and school days without any register: reported loudly by `preview` and `send`.
    /// A date the DfE already holds as it is now is said to be with the DfE, with no marks; this run carries
    /// every date of its window, so a register taken before it is sent goes with it.
    package var registerGaps: [RegisterGap] {
        RegisterGap.find(in: figures, calendar: plan.calendar).map { gap in
            var gap = gap
            if changes?[gap.day] == .unchanged { gap.delivery.held = .withDfE }
            return gap
        }
    }
}

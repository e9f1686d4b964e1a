/// The last school days of a school as they stand with the DfE: what `history --days` and the status page show.
package struct SchoolDays: Sendable {
    /// Ascending.
    package var statuses: [SchoolDayStatus]
    /// Each date's figures in the MIS copy now; empty when it could not be read (`problem` says why).
    package var figures: [Day: DayFigures]
    /// Registers not taken among the days, as the MIS copy has them now.
    package var gaps: [RegisterGap]
    /// Why the MIS copy could not be read; the statuses then rest on the state database alone.
    package var problem: String?

    /// The `count` school days up to and including `asOf` (weekends and `nonSchoolDays` left out), ascending.
    package static func last(_ count: Int, asOf: Day, calendar: SchoolCalendar) -> [Day] {
        var days: [Day] = []
        var day = asOf
        // A year back at most: a calendar that lists every weekday as closed must not loop for ever.
        while days.count < count && asOf.ordinal - day.ordinal < 3 * 366 {
            if calendar.isSchoolDay(day) { days.append(day) }
            day = day.adding(days: -1)
        }
        return days.reversed()
    }

    /// Reads the school's MIS copy for `days` and the state's records of them.
    /// - Parameter asOf: today: the next run's run date, which decides what it will send.
    /// - Throws: `StateError` only; a MIS copy that cannot be read is `problem`.
    package static func read(
        school: Configuration.School, configuration: Configuration, days: [Day], asOf: Day, store: StateStore?
    ) throws(StateError) -> SchoolDays {
        let history = try store?.acceptedHistory(urn: school.urn, timeZone: configuration.timeZone)
        let records = try store?.dayRecords(urn: school.urn, days: days) ?? [:]
        let calendar = school.window(configuration.window).calendar
        var figures: [Day: DayFigures] = [:]
        var digests: [Day: String] = [:]
        var nextRun: Set<Day> = []
        var gaps: [RegisterGap] = []
        var problem: String?
        do {
            let source = try SourceDatabase(
                path: school.source.path, views: school.source.views, timeoutSeconds: school.source.timeoutSeconds)
            // One snapshot: what the next run sends and the days' figures come from the same copy.
            let (run, all) = try source.read { snapshot in
                (
                    try SchoolRun.prepare(school: school, configuration: configuration, runDate: asOf, history: history, in: snapshot),
                    try Aggregator(codes: configuration.codes).aggregate(snapshot, days: days, runDate: asOf)
                )
            }
            nextRun = Set(run.payload.days)
            figures = Dictionary(uniqueKeysWithValues: all.days.map { ($0.day, $0) })
            digests = Payload(urn: school.urn, figures: all, sending: Set(days)).dayDigests
            gaps = RegisterGap.find(in: all, calendar: calendar)
        } catch {
            problem = "\(error)"
        }
        let consent = (inForce: history?.consent.isInForce ?? false, since: history?.consentDay)
        let statuses = days.map { day in
            SchoolDayStatus.assess(
                day: day, figures: problem == nil ? figures[day] : nil, digest: digests[day], record: records[day], consent: consent,
                sentByNextRun: nextRun.contains(day), schoolDay: calendar.isSchoolDay(day))
        }
        // What the DfE has of each date with a gap, and whether the next run carries the date.
        for index in gaps.indices {
            let day = gaps[index].day
            let held: RegisterGap.Delivery.Held
            if case .withDfE? = statuses.first(where: { $0.day == day })?.state {
                held = .withDfE
            } else {
                held = nextRun.contains(day) ? .notYet : .notSent
            }
            gaps[index].delivery = RegisterGap.Delivery(held, inNextRun: nextRun.contains(day))
        }
        return SchoolDays(statuses: statuses, figures: figures, gaps: gaps, problem: problem)
    }
}

/// `attsync history` and `attsync history show ID`: every send, with ✓ ⚠ ✗ and the reason in words.
package enum HistoryOperation {
    /// Prints the newest `limit` submissions of the schools of `context`, as a table or JSON.
    /// Works without a state database ("No submissions yet.") and never creates one.
    /// - Throws: `StateError`.
    package static func list(_ context: Context, limit: Int, json: Bool) throws {
        let records =
            try StateStore.openExisting(directory: context.configuration.stateDirectory)?
            .submissions(urns: context.schools.map(\.urn), limit: limit) ?? []
        context.console.result(
            json
                ? HistoryRenderer.json(records) + "\n"
                : HistoryRenderer.list(
                    records, schools: Dictionary(context.configuration.schools.map { ($0.urn, $0.displayName) }) { first, _ in first },
                    timeZone: context.configuration.timeZone))
    }

    /// Prints one submission in full: every attempt, every DfE error with its path, and the exact body.
    /// - Throws: `StateError.noSuchSubmission` for an unknown id; `UsageError.submissionOfAnotherSchool` for one
    ///   of a school that `--school` left out or the configuration no longer lists.
    package static func show(_ context: Context, id: Int64, json: Bool) throws {
        guard let store = try StateStore.openExisting(directory: context.configuration.stateDirectory) else {
            throw StateError.noSuchSubmission(id: id)
        }
        let (record, body, attempts) = try store.submission(id: id)
        guard let school = context.schools.first(where: { $0.urn == record.urn }) else {
            let configured = context.configuration.schools.first { $0.urn == record.urn }
            throw UsageError.submissionOfAnotherSchool(
                id: id, school: configured?.displayName ?? "URN \(record.urn)", configured: configured != nil)
        }
        let days = json ? [:] : try store.dayRecords(urn: record.urn, days: record.dates.compactMap(Day.init(iso:)))
        context.console.result(
            json
                ? HistoryRenderer.showJSON(record, body: body, attempts: attempts) + "\n"
                : HistoryRenderer.show(
                    record, body: body, attempts: attempts, school: school.displayName, days: days,
                    timeZone: context.configuration.timeZone))
    }

    /// `history --days N`: each of the last `count` school days of each school, up to `asOf` (default today),
    /// as it stands with the DfE. Reads the MIS copy to tell changed days; works without a state database.
    /// - Throws: `StateError`.
    package static func days(_ context: Context, count: Int, asOf: Day?) throws {
        let today = context.runDate(asOf)
        let store = try StateStore.openExisting(directory: context.configuration.stateDirectory)
        for (index, school) in context.schools.enumerated() {
            let days = SchoolDays.last(count, asOf: today, calendar: school.window(context.configuration.window).calendar)
            let read = try SchoolDays.read(school: school, configuration: context.configuration, days: days, asOf: today, store: store)
            context.console.result(
                (index > 0 ? "\n" : "")
                    + HistoryRenderer.days(read, school: school, asOf: today, timeZone: context.configuration.timeZone))
        }
    }
}

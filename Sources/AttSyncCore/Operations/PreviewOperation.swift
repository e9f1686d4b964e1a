/// `attsync preview` and `attsync send --dry-run`: one code path, so what is shown is what would be sent.
package enum PreviewOperation {
    /// Prints what `send` would post for each school of `context`: a table per school, or with `json`
    /// exactly the request body of the single school. Where a state database exists, catch-up days are
    /// included and each date is labelled new, changed or unchanged; nothing is ever written.
    ///
    /// A school that cannot be previewed is reported on stderr and the others are still shown.
    /// - Returns: success, or the exit status of the first school that failed.
    /// - Throws: `UsageError` (`json` with several schools), `StateError`, and with `json` the school's error.
    package static func run(_ context: Context, date: Day?, json: Bool, detail: Bool) throws -> ExitStatus {
        let runDate = context.runDate(date)
        let store = try StateStore.openExisting(directory: context.configuration.stateDirectory)
        func prepare(_ school: Configuration.School) throws -> SchoolRun {
            let history = try store?.acceptedHistory(urn: school.urn, timeZone: context.configuration.timeZone)
            return try SchoolRun.prepare(school: school, configuration: context.configuration, runDate: runDate, history: history)
        }
        if json {
            let run = try prepare(context.singleSchool(for: "--json"))
            context.console.raw(String(decoding: run.payload.body, as: UTF8.self))
            return .success
        }
        var status = ExitStatus.success
        for (index, school) in context.schools.enumerated() {
            do {
                let run = try prepare(school)
                let records = try store?.dayRecords(urn: school.urn, days: run.figures.days.map(\.day)) ?? [:]
                context.console.result(
                    (index > 0 ? "\n" : "")
                        + PreviewRenderer.render(
                            run, statuses: run.dayStatuses(records: records), timeZone: context.configuration.timeZone, detail: detail,
                            verbose: context.console.verbose))
            } catch let error as StateError {
                // The state database is shared by every school: if it cannot be read, no school's preview is right.
                throw error
            } catch {
                status = status.keepingFirstFailure(Reporter.report(PlainFailure.cannotPreview(error), school: school, on: context.console))
            }
        }
        return status
    }
}

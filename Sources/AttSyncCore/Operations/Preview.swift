/// `attsync preview` and `attsync send --dry-run`: one code path, so what is shown is what would be sent.
public enum Preview {
    /// Prints what `send` would post for each school of `context`: a table per school, or with `json`
    /// exactly the request body of the single school. Where a state database exists, catch-up days are
    /// included and each date is labelled new, changed or unchanged; nothing is ever written.
    /// - Throws: `UsageError` (`json` with several schools), `SourceError`, `DataError`, `StateError`.
    public static func run(_ context: Context, date: Day?, json: Bool, detail: Bool) throws {
        let runDate = context.runDate(date)
        let store = try StateStore.openExisting(directory: context.configuration.stateDirectory)
        let schools = json ? [try context.singleSchool(for: "--json")] : context.schools
        for (index, school) in schools.enumerated() {
            let history = try store?.acceptedHistory(urn: school.urn, timeZone: context.configuration.timeZone)
            let run = try SchoolRun.prepare(school: school, configuration: context.configuration, runDate: runDate, history: history)
            if json {
                context.console.raw(String(decoding: run.payload.body, as: UTF8.self))
            } else {
                context.console.result((index > 0 ? "\n" : "") + PreviewRenderer.render(run, detail: detail))
            }
        }
    }
}

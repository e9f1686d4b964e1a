/// `attsync preview` and `attsync send --dry-run`: one code path, so what is shown is what would be sent.
public enum Preview {
    /// Prints what `send` would post for each school of `context`: a table per school, or with `json`
    /// exactly the request body of the single school.
    /// - Throws: `UsageError` (`json` with several schools), `SourceError`, `DataError`.
    public static func run(
        _ context: Context, date: Day?, json: Bool, detail: Bool, history: (Configuration.School) throws -> AcceptedHistory?
    ) throws {
        let runDate = context.runDate(date)
        if json {
            let school = try context.singleSchool(for: "--json")
            let run = try SchoolRun.prepare(
                school: school, configuration: context.configuration, runDate: runDate, history: history(school))
            context.console.raw(String(decoding: run.payload.body, as: UTF8.self))
            return
        }
        for (index, school) in context.schools.enumerated() {
            let run = try SchoolRun.prepare(
                school: school, configuration: context.configuration, runDate: runDate, history: history(school))
            context.console.result((index > 0 ? "\n" : "") + PreviewRenderer.render(run, detail: detail))
        }
    }
}

/// `attsync status [--json]`: one line per school — consent, the last accepted date and submission, the
/// dates pending, consecutive failed runs and the last problem. What the office and the technician look at
/// first.
///
/// Reads the state database (never creating or changing it) and, for the pending dates, which dates of
/// each school's MIS copy have marks.
package enum StatusOperation {
    /// Prints the status of every school of `context` on `date` (default today).
    /// A MIS copy that cannot be read makes that school's pending dates "unknown", not an error.
    /// - Throws: `StateError`.
    package static func run(_ context: Context, date: Day?, json: Bool) throws {
        let runDate = context.runDate(date)
        let store = try StateStore.openExisting(directory: context.configuration.stateDirectory)
        let overviews = try context.schools.map { school throws(StateError) in
            try SchoolOverview.read(school: school, configuration: context.configuration, runDate: runDate, store: store)
        }
        context.console.result(
            json ? StatusRenderer.json(overviews) : StatusRenderer.table(overviews, timeZone: context.configuration.timeZone))
    }
}

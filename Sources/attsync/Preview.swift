import ArgumentParser
import AttSyncCore

extension AttSync {
    struct Preview: AttSyncCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what `send` would post, without sending anything.",
            discussion: """
                By default a table per school: each date of the run with pupils on roll, AM and PM marks, \
                unmarked sessions and, once something has been sent, whether the date is new, changed or \
                unchanged since the DfE last accepted it. --detail adds per-code and per-year-group tables and \
                the data-quality report. --json prints exactly the request body `send` would post (one school).
                """)

        @OptionGroup var options: CommonOptions
        @OptionGroup var runDate: RunOptions

        @Flag(help: "Print exactly the JSON request body (needs one school).")
        var json = false

        @Flag(help: "Add per-code and per-year-group tables and the data-quality report.")
        var detail = false

        func validate() throws {
            if json && detail { throw ValidationError("--json and --detail cannot be combined: --json prints only the body") }
        }

        func run(_ context: Context) throws -> ExitStatus {
            try PreviewOperation.run(context, date: runDate.date?.day, json: json, detail: detail)
        }
    }
}

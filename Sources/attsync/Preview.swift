import ArgumentParser
import AttSyncCore

extension AttSync {
    struct Preview: AttSyncCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what `send` would post, without sending anything.",
            discussion: """
                In school terms: registers not taken first, a line per school day (on roll, attendance rate AM \
                and PM, missing marks, and whether the DfE has it), then per day and session the whole school and \
                each year group: present (of which late), late after registers closed, approved off-site, \
                authorised and unauthorised absence, not counted, missing marks and the attendance rate. --detail \
                adds each code in its national wording and the accounting of marks read; -v the body's rows, bytes \
                and SHA-256. --json prints exactly the request body `send` would post (one school).
                """)

        @OptionGroup var options: CommonOptions
        @OptionGroup var runDate: RunOptions

        @Flag(help: "Print exactly the JSON request body (needs one school).")
        var json = false

        @Flag(help: "Add each code in its national wording and the accounting of marks read.")
        var detail = false

        func validate() throws {
            if json && detail { throw ValidationError("--json and --detail cannot be combined: --json prints only the body") }
        }

        func run(_ context: Context) throws -> ExitStatus {
            try PreviewOperation.run(context, date: runDate.date?.day, json: json, detail: detail)
        }
    }
}

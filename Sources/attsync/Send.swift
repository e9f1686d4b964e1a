import ArgumentParser
import AttSyncCore

extension AttSync {
    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the attendance figures of the run date and the school days before it to the DfE.",
            discussion: """
                The daily job, for cron. Sends nothing for a school without consent (exit 77), and nothing \
                when the figures are unchanged since the last accepted submission (exit 0).
                """)

        @OptionGroup var options: CommonOptions

        @Option(help: ArgumentHelp("The run date (default: today in the configured time zone).", valueName: "YYYY-MM-DD"))
        var date: DateArgument?

        @Flag(help: "Read and aggregate exactly as send would and print what would be sent (as preview); contact no server, record nothing.")
        var dryRun = false

        @Flag(help: "Send even when the body is identical to the last accepted submission.")
        var force = false

        func run() throws {
            try options.reporting {
                let context = try options.context()
                if dryRun {
                    try AttSyncCore.Preview.run(context, date: date?.day, json: false, detail: false, history: { _ in nil })
                    return
                }
                throw ValidationError("sending is not built yet")
            }
        }
    }
}

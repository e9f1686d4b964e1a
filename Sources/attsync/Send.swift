import ArgumentParser
import AttSyncCore

extension AttSync {
    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the attendance figures of the run date and the school days before it to the DfE.",
            discussion: """
                The daily job, for cron: `attsync send --quiet` prints nothing on success. For each school it \
                builds the body once, records it, fetches an OAuth token, posts it, retries transient failures \
                within dfe.retry, and records the outcome (see `attsync history`). A school without consent gets \
                nothing sent (exit 77); a body identical to the last accepted one is not sent again (exit 0). \
                Exit 75 means try again later: the next run sends whatever is still pending.
                """)

        @OptionGroup var options: CommonOptions
        @OptionGroup var runDate: RunOptions

        @Flag(
            help: "Read and aggregate exactly as send would and print what would be sent (as preview); contact no server, record nothing.")
        var dryRun = false

        @Flag(help: "Send even when the body is identical to the last accepted submission.")
        var force = false

        func run() throws {
            try options.reporting {
                let context = try options.context()
                let status =
                    dryRun
                    ? try AttSyncCore.Preview.run(context, date: runDate.date?.day, json: false, detail: false)
                    : try AttSyncCore.Send.run(context, date: runDate.date?.day, force: force)
                if status != .success { throw ExitCode(status.rawValue) }
            }
        }
    }
}

import ArgumentParser
import AttSyncCore

extension AttSync {
    struct Send: AttSyncCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the attendance figures of the run date and the school days before it to the DfE.",
            discussion: """
                The daily job, for cron: `attsync send --quiet` prints nothing on success. For each school it \
                builds the body once, records it, fetches an OAuth token, posts it, retries transient failures \
                within dfe.retry, and records the outcome (see `attsync history`). A school without consent gets \
                nothing sent (exit 77); a body identical to the last accepted one is not sent again (exit 0). \
                Exit 75 means try again later: the next run sends whatever is still pending. Exit 76 means a date \
                has been pending for alerts.pendingSchoolDays school days or more and sending still fails: 75 \
                would hide a failure that lasts. --metrics-file writes Prometheus metrics for node_exporter's \
                textfile collector.
                """)

        @OptionGroup var options: CommonOptions
        @OptionGroup var runDate: RunOptions

        @Flag(
            help: "Read and aggregate exactly as send would and print what would be sent (as preview); contact no server, record nothing.")
        var dryRun = false

        @Flag(help: "Send even when the body is identical to the last accepted submission.")
        var force = false

        @Option(
            help: ArgumentHelp(
                "After the run, write Prometheus metrics to this file (atomically), for node_exporter's textfile collector.",
                valueName: "path"))
        var metricsFile: String?

        func validate() throws {
            if dryRun && force { throw ValidationError("--dry-run and --force cannot be combined: --dry-run sends nothing") }
            if dryRun && metricsFile != nil {
                throw ValidationError("--dry-run and --metrics-file cannot be combined: --dry-run sends nothing")
            }
        }

        func run(_ context: Context) throws -> ExitStatus {
            dryRun
                ? try PreviewOperation.run(context, date: runDate.date?.day, json: false, detail: false)
                : SendMonitoring.run(context, date: runDate.date?.day, force: force, metricsFile: metricsFile)
        }
    }
}

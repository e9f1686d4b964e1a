import ArgumentParser
import AttSyncCore

extension AttSync {
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what was sent: each submission with ✓ accepted, ⚠ accepted with warnings or ✗ and why.",
            subcommands: [List.self, Show.self],
            defaultSubcommand: List.self)

        struct List: AttSyncCommand {
            static let configuration = CommandConfiguration(abstract: "The table of submissions, newest first.")
            @OptionGroup var options: CommonOptions
            @Option(help: "Show at most this many submissions.")
            var limit = 20
            @Flag(help: "Print JSON instead of a table.")
            var json = false
            @Flag(
                help:
                    "Each school day instead of each send: is it with the DfE, changed since, or not sent and why (the last 10, or COUNT).")
            var days = false
            @Argument(help: ArgumentHelp("With --days or --html, how many school days (default 10).", valueName: "count"))
            var count: Int?
            @Option(help: ArgumentHelp("With --days or --html, the day to look back from (default: today).", valueName: "YYYY-MM-DD"))
            var date: DateArgument?
            @Option(
                help: ArgumentHelp(
                    "Write the status page for the office to this HTML file (self-contained, replaced atomically).", valueName: "file"))
            var html: String?
            @Flag(help: "With --html, add the printable weekly page for the head (rate by year group, change on last week).")
            var week = false

            func validate() throws {
                if limit < 1 { throw ValidationError("--limit must be at least 1") }
                if count != nil && !days && html == nil {
                    throw ValidationError("a number of days needs --days (attsync history --days \(count ?? 0))")
                }
                if let count, !(1...366).contains(count) { throw ValidationError("--days takes 1 to 366 school days") }
                if days && json { throw ValidationError("--days and --json cannot be combined") }
                if html != nil && json { throw ValidationError("--html and --json cannot be combined") }
                if html?.isEmpty == true { throw ValidationError("--html needs a file name") }
                if week && html == nil { throw ValidationError("--week needs --html FILE") }
                if date != nil && !days && html == nil { throw ValidationError("--date needs --days or --html") }
            }

            func run(_ context: Context) throws -> ExitStatus {
                if let html {
                    try StatusPageOperation.write(context, to: html, count: count ?? 10, asOf: date?.day, week: week)
                } else if days {
                    try HistoryOperation.days(context, count: count ?? 10, asOf: date?.day)
                } else {
                    try HistoryOperation.list(context, limit: limit, json: json)
                }
                return .success
            }
        }

        struct Show: AttSyncCommand {
            static let configuration = CommandConfiguration(
                abstract: "One submission in full: every attempt, the DfE's errors, the exact body.")
            @OptionGroup var options: CommonOptions
            @Argument(help: "The submission id, from `attsync history`.")
            var id: Int64
            @Flag(help: "Print JSON.")
            var json = false

            func run(_ context: Context) throws -> ExitStatus {
                try HistoryOperation.show(context, id: id, json: json)
                return .success
            }
        }
    }
}

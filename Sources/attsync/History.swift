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

            func validate() throws {
                if limit < 1 { throw ValidationError("--limit must be at least 1") }
            }

            func run(_ context: Context) throws -> ExitStatus {
                try HistoryOperation.list(context, limit: limit, json: json)
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

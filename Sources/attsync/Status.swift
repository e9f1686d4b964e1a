import ArgumentParser
import AttSyncCore

extension AttSync {
    /// `attsync status` (named apart from `consent status`).
    struct SchoolStatus: AttSyncCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "One line per school: consent, last accepted date, dates pending, failed runs, last problem.",
            discussion: """
                Pending dates have marks in the MIS copy but were never accepted by the DfE; `send` sends them (in \
                the window, or by catch-up since consent). Failed runs counts the school's `send` runs in a row that \
                did not succeed, with the last one's problem. Reads the state database and the MIS copies; \
                writes nothing.
                """)
        @OptionGroup var options: CommonOptions
        @OptionGroup var runDate: RunOptions

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func run(_ context: Context) throws -> ExitStatus {
            try StatusOperation.run(context, date: runDate.date?.day, json: json)
            return .success
        }
    }
}

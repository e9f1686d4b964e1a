import ArgumentParser
import AttSyncCore

extension AttSync {
    struct Consent: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give, remove or show the school's consent to send its attendance figures.",
            discussion: """
                `send` sends nothing for a school without consent. Each change is recorded with the person's \
                name, the operating-system user and the time; `consent status` shows the history.
                """,
            subcommands: [Give.self, Remove.self, Status.self])

        struct Give: AttSyncCommand {
            static let configuration = CommandConfiguration(abstract: "Record that consent is given.")
            @OptionGroup var options: CommonOptions
            @Option(help: ArgumentHelp("The name of the person giving consent.", valueName: "name"))
            var by: String

            func run(_ context: Context) throws -> ExitStatus {
                try ConsentOperation.change(context, action: .given, by: by)
                return .success
            }
        }

        struct Remove: AttSyncCommand {
            static let configuration = CommandConfiguration(abstract: "Record that consent is removed: send stops sending.")
            @OptionGroup var options: CommonOptions
            @Option(help: ArgumentHelp("The name of the person removing consent.", valueName: "name"))
            var by: String

            func run(_ context: Context) throws -> ExitStatus {
                try ConsentOperation.change(context, action: .removed, by: by)
                return .success
            }
        }

        struct Status: AttSyncCommand {
            static let configuration = CommandConfiguration(abstract: "Show each school's consent and its changes.")
            @OptionGroup var options: CommonOptions

            func run(_ context: Context) throws -> ExitStatus {
                try ConsentOperation.status(context)
                return .success
            }
        }
    }
}

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

        struct Give: ConsentChange {
            static let configuration = CommandConfiguration(abstract: "Record that consent is given.")
            @OptionGroup var options: CommonOptions
            @Option(help: ArgumentHelp("The name of the person giving consent.", valueName: "name"))
            var by: String
            @OptionGroup var scope: ConsentScope
            static let action = ConsentEvent.Action.given
        }

        struct Remove: ConsentChange {
            static let configuration = CommandConfiguration(abstract: "Record that consent is removed: send stops sending.")
            @OptionGroup var options: CommonOptions
            @Option(help: ArgumentHelp("The name of the person removing consent.", valueName: "name"))
            var by: String
            @OptionGroup var scope: ConsentScope
            static let action = ConsentEvent.Action.removed
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

/// `--all-schools`: a consent change for every school of a trust at once must be asked for by name.
struct ConsentScope: ParsableArguments {
    @Flag(help: "Act on every school in the configuration (otherwise name one with --school when there are several).")
    var allSchools = false

    func validate(_ options: CommonOptions) throws {
        if allSchools && options.school != nil { throw ValidationError("--all-schools and --school cannot be combined") }
    }
}

/// `consent give` and `consent remove`: the same command but for the change they record.
protocol ConsentChange: AttSyncCommand {
    static var action: ConsentEvent.Action { get }
    var by: String { get }
    var scope: ConsentScope { get }
}

extension ConsentChange {
    func validate() throws { try scope.validate(options) }

    func run(_ context: Context) throws -> ExitStatus {
        try ConsentOperation.change(context, action: Self.action, by: by, allSchools: scope.allSchools)
        return .success
    }
}

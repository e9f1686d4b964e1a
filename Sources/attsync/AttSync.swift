import ArgumentParser
import AttSyncCore
import Foundation

@main
struct AttSync: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attsync",
        abstract: "Send a school's daily attendance figures to the DfE.",
        discussion: """
            attsync reads roll-call marks from a local SQLite copy of the school's MIS, counts them per \
            attendance code, session and year group, and posts the counts (never pupil-level data) to the DfE.

            Typical use: `attsync check` before the first send, `attsync preview` to see what would be sent, \
            `attsync consent give --by NAME` once, then `attsync send --quiet` from cron after the end of each \
            school day. `attsync status` shows each school at a glance; `attsync history` every send with ✓, ⚠ or ✗.

            Exit codes: 0 success or nothing to send; 64 usage; 65 invalid data or rejected by the DfE; \
            66 MIS copy missing; 69 DfE service retired; 70 internal error; 73/74 state directory or database \
            not writable; 75 temporary failure, retry later; 76 (send) a date has been pending for \
            alerts.pendingSchoolDays school days or more while sending keeps failing for a temporary reason: a \
            person must look; 77 no consent or a secret file readable by others; 78 configuration error.
            """,
        version: attsyncVersion,
        subcommands: [Send.self, Preview.self, Consent.self, History.self, Check.self, SchoolStatus.self]
    )
}

/// Options every command takes.
struct CommonOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The configuration file (default: $ATTSYNC_CONFIG, else /etc/attsync/config.json).", valueName: "path"))
    var config: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Act on this school only (its six-digit URN); without it, every school in the configuration.", valueName: "urn"))
    var school: String?

    @Flag(name: .shortAndLong, help: "Print nothing on success (errors still go to stderr).")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print more detail to stderr.")
    var verbose = false

    @Option(
        help: ArgumentHelp(
            "How to write diagnostics to stderr: human, or json (one object per line, for a log shipper).", valueName: "format"))
    var logFormat = LogFormat.human

    var console: Console {
        var console = Console(quiet: quiet, verbose: verbose)
        console.logFormat = logFormat
        return console
    }

    /// Loads the configuration and selects the schools.
    func context() throws -> Context {
        try Context.load(
            configurationPath: config, school: school, environment: ProcessInfo.processInfo.environment,
            clock: SystemClock(), console: console)
    }
}

/// A subcommand that acts on the configured schools. It parses and validates its flags, implements
/// `run(_:)` with one call into the core, and inherits `run()`: build the context, run, report any error
/// once on stderr, and exit with the run's status (the SwiftPM `SwiftCommand` pattern).
protocol AttSyncCommand: ParsableCommand {
    var options: CommonOptions { get }
    /// The command's work; returns success or the exit status of the first school that failed.
    func run(_ context: Context) throws -> ExitStatus
}

extension AttSyncCommand {
    func run() throws {
        // A reader that went away must give exit 74 at the end, not a silent death by SIGPIPE mid-send.
        signal(SIGPIPE, SIG_IGN)
        // SIGTERM and SIGINT stop the run at a safe point, recording what they interrupted.
        Interruption.shared.install()
        let console = options.console
        let status: ExitStatus
        do {
            status = try run(options.context())
        } catch {
            status = Reporter.report(error, on: console)
        }
        try finish(with: status, console: console)
    }
}

/// The end of every command: a failed write to stdout or stderr turns success into exit 74, then the
/// process exits with the status.
func finish(with status: ExitStatus, console: Console) throws {
    var status = status
    if let failure = OutputFailure.shared.message {
        console.problem("attsync: \(failure)")
        status = status.keepingFirstFailure(.ioError)
    }
    if status != .success { throw ExitCode(status.rawValue) }
}

/// The run date, for `send` and `preview`.
struct RunOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The run date (default: today in the configured time zone).", valueName: "YYYY-MM-DD"))
    var date: DateArgument?
}

extension LogFormat: ExpressibleByArgument {}

/// A `YYYY-MM-DD` command-line value.
struct DateArgument: ExpressibleByArgument {
    let day: Day

    init?(argument: String) {
        guard let day = Day(iso: argument) else { return nil }
        self.day = day
    }

    static var defaultValueDescription: String { "YYYY-MM-DD" }
}

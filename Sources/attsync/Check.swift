import ArgumentParser
import AttSyncCore
import Foundation

extension AttSync {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check everything a send needs, each as a ✓ or ✗ line with the fix for each failure.",
            discussion: """
                The configuration; the secrets (present, not empty, readable by this user and not by others); the \
                state directory (writable by this user) and its migrations; for each school its consent, its MIS \
                copy (readable, views valid, tables and columns present), the index on the marks' date, and every \
                code of the last 8 weeks national or mapped; two schools sharing one MIS copy. --online also fetches \
                a token, reaches dfe.endpoint over verified TLS with a request that sends no data, and compares the \
                DfE's list of attendance codes (where the service offers one) with attsync's catalogue. Nothing is \
                written. Exit 0 only when every check passes, otherwise the exit code of the first failure's class \
                (see `attsync --help`). --quiet prints only the failures.
                """)

        @OptionGroup var options: CommonOptions
        @OptionGroup var runDate: RunOptions

        @Flag(help: "Also fetch a token, reach the endpoint and compare the DfE's code list.")
        var online = false

        // Not an `AttSyncCommand`: a configuration that does not load is a failed check here, not an error.
        func run() throws {
            signal(SIGPIPE, SIG_IGN)
            let console = options.console
            let status = CheckOperation.run(
                configurationPath: options.config, school: options.school, environment: ProcessInfo.processInfo.environment,
                clock: SystemClock(), console: console, date: runDate.date?.day, online: online)
            try finish(with: status, console: console)
        }
    }
}

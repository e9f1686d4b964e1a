import Foundation

/// What every command starts from: the configuration, the schools it acts on, the clock and the console.
///
/// The seams of habit 6 meet here: the command layer passes the real environment, clock and console; tests
/// pass their own and call the operations directly.
package struct Context: Sendable {
    package let configuration: Configuration
    /// The path the configuration was read from, for messages.
    package let configurationPath: String
    /// The schools this command acts on: the one named by `--school`, else all of them.
    package let schools: [Configuration.School]
    /// The process environment: `ATTSYNC_CONFIG`, secrets given as `{"env": …}`, `USER` for consent records.
    package let environment: [String: String]
    /// "Now" for the run date, consent and submission times, token expiry and retry waits.
    package let clock: any WallClock
    package let console: Console

    /// The configuration file: `--config`, else `$ATTSYNC_CONFIG` (empty counts as unset), else the default.
    package static func path(_ configurationPath: String?, environment: [String: String]) -> String {
        configurationPath ?? environment["ATTSYNC_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } ?? Configuration.defaultPath
    }

    /// Loads the configuration (`--config`, else `$ATTSYNC_CONFIG`, else /etc/attsync/config.json) and
    /// selects the schools.
    ///
    /// An empty `$ATTSYNC_CONFIG` counts as unset.
    /// - Throws: `ConfigurationError`, or `UsageError` when `--school` names a school not configured.
    package static func load(
        configurationPath: String?, school: String?, environment: [String: String], clock: any WallClock, console: Console
    ) throws -> Context {
        let path = Self.path(configurationPath, environment: environment)
        let configuration = try Configuration.load(path: path)
        var schools = configuration.schools
        if let school {
            schools = schools.filter { $0.urn == school }
            guard !schools.isEmpty else {
                throw UsageError.unknownSchool(urn: school, known: configuration.schools.map(\.displayName))
            }
        }
        for warning in sharedSources(configuration.schools) { console.problem("attsync: warning: \(warning)") }
        return Context(
            configuration: configuration, configurationPath: path, schools: schools, environment: environment,
            clock: clock, console: console)
    }

    /// Schools that read the same MIS copy: almost always a copy-and-paste slip in the configuration,
    /// which would send one school's figures under another's URN.
    static func sharedSources(_ schools: [Configuration.School]) -> [String] {
        Dictionary(grouping: schools, by: \.source.path).filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.map { path, sharing in
            "\(sharing.map(\.displayName).joined(separator: " and ")) all read the MIS copy \(path); each school needs its own copy (check schools[].source.path)"
        }
    }

    /// The one school a command needs, or a usage error listing them.
    package func singleSchool(for command: String) throws -> Configuration.School {
        guard schools.count == 1, let school = schools.first else {
            throw UsageError.oneSchoolRequired(command: command, known: schools.map(\.displayName))
        }
        return school
    }

    /// `--date`, else today in the configured time zone.
    package func runDate(_ explicit: Day?) -> Day {
        explicit ?? Day(containing: clock.now(), in: configuration.timeZone)
    }
}

extension Context {
    /// The same context with only the schools of `shard` (`send --shard I/N`), in configuration order.
    package func restricted(to shard: Shard) -> Context {
        Context(
            configuration: configuration, configurationPath: configurationPath, schools: schools.filter { shard.contains(urn: $0.urn) },
            environment: environment, clock: clock, console: console)
    }
}

extension Context {
    /// The same context writing to `console` (a school's buffered output in `send`'s workers).
    package func with(console: Console) -> Context {
        Context(
            configuration: configuration, configurationPath: configurationPath, schools: schools, environment: environment,
            clock: clock, console: console)
    }
}

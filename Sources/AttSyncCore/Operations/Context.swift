import Foundation

/// What every command starts from: the configuration, the schools it acts on, the clock and the console.
public struct Context: Sendable {
    public let configuration: Configuration
    public let configurationPath: String
    /// The schools this command acts on: the one named by `--school`, else all of them.
    public let schools: [Configuration.School]
    public let environment: [String: String]
    public let clock: any Clock
    public let console: Console

    /// Loads the configuration (`--config`, else `$ATTSYNC_CONFIG`, else /etc/attsync/config.json) and
    /// selects the schools.
    /// - Throws: `ConfigurationError`, or `UsageError` when `--school` names a school not configured.
    public static func load(
        configurationPath: String?, school: String?, environment: [String: String], clock: any Clock, console: Console
    ) throws -> Context {
        let path = configurationPath ?? environment["ATTSYNC_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } ?? Configuration.defaultPath
        let configuration = try Configuration.load(path: path)
        var schools = configuration.schools
        if let school {
            schools = schools.filter { $0.urn == school }
            guard !schools.isEmpty else {
                throw UsageError.unknownSchool(urn: school, known: configuration.schools.map(\.displayName))
            }
        }
        return Context(
            configuration: configuration, configurationPath: path, schools: schools, environment: environment,
            clock: clock, console: console)
    }

    /// The one school a command needs, or a usage error listing them.
    public func singleSchool(for command: String) throws -> Configuration.School {
        guard schools.count == 1, let school = schools.first else {
            throw UsageError.oneSchoolRequired(command: command, known: schools.map(\.displayName))
        }
        return school
    }

    /// `--date`, else today in the configured time zone.
    public func runDate(_ explicit: Day?) -> Day {
        explicit ?? Day(containing: clock.now(), in: configuration.timeZone)
    }
}

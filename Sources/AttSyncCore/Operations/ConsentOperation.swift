import Foundation

/// `attsync consent give|remove|status`: who allowed the school's data to be sent, and when.
///
/// Consent is recorded in the state database and checked by `send` before anything is read from the MIS
/// copy; `send` also removes it itself when the DfE answers 410.
package enum ConsentOperation {
    /// Records consent given or removed by `person` for every school of `context`.
    /// - Parameter allSchools: `--all-schools`: needed to act on several schools at once, so that one
    ///   name never consents for a whole trust by accident.
    /// - Throws: `UsageError` for an empty name or several schools without `allSchools`, `StateError`.
    package static func change(_ context: Context, action: ConsentEvent.Action, by person: String, allSchools: Bool) throws {
        let person = person.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !person.isEmpty else { throw UsageError.emptyName }
        guard context.schools.count == 1 || allSchools else {
            throw UsageError.consentNeedsSchools(known: context.schools.map(\.displayName))
        }
        let store = try StateStore.open(directory: context.configuration.stateDirectory)
        let user = operatingSystemUser(context.environment)
        let now = context.clock.now()
        for school in context.schools {
            try store.recordConsent(urn: school.urn, action: action, by: person, osUser: user, at: now)
            context.console.result(
                ConsentRenderer.changed(action, school: school, by: person, user: user, at: now, timeZone: context.configuration.timeZone)
                    + (action == .given
                        ? ConsentStatement.text(school: school, endpoint: context.configuration.dfe.endpoint, given: true)
                        : ConsentStatement.removed(school: school)))
        }
    }

    /// Prints each school's consent and its history of changes.
    /// Works without a state database (no consent yet) and never creates one.
    /// - Throws: `StateError`.
    package static func status(_ context: Context) throws {
        let store = try StateStore.openExisting(directory: context.configuration.stateDirectory)
        for school in context.schools {
            let history = try store?.consentHistory(urn: school.urn) ?? ConsentHistory(events: [])
            context.console.result(
                ConsentRenderer.status(
                    history, school: school, endpoint: context.configuration.dfe.endpoint, timeZone: context.configuration.timeZone))
        }
    }

    /// The operating-system user running attsync, for consent records.
    /// The effective user's name from the password database, so `sudo -u attsync` records `attsync`;
    /// `$USER` or the uid only when that lookup fails.
    static func operatingSystemUser(_ environment: [String: String]) -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return environment["USER"] ?? "uid \(geteuid())"
    }
}

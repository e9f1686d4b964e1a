import Foundation

/// `attsync consent give|remove|status`: who allowed the school's data to be sent, and when.
public enum Consent {
    /// Records consent given or removed by `person` for every school of `context`.
    /// - Throws: `UsageError` for an empty name, `StateError`.
    public static func change(_ context: Context, action: ConsentEvent.Action, by person: String) throws {
        let person = person.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !person.isEmpty else { throw UsageError.emptyName }
        let store = try StateStore.open(directory: context.configuration.stateDirectory)
        let user = operatingSystemUser(context.environment)
        let now = context.clock.now()
        for school in context.schools {
            try store.recordConsent(urn: school.urn, action: action, by: person, osUser: user, at: now)
            let verb = action == .given ? "given" : "removed"
            context.console.result(
                "consent \(verb) for \(school.displayName) by \(person) (user \(user)) at \(localTime(now, context.configuration.timeZone))\n"
            )
        }
    }

    /// Prints each school's consent and its history of changes.
    public static func status(_ context: Context) throws {
        let store = try StateStore.openExisting(directory: context.configuration.stateDirectory)
        for school in context.schools {
            let events = try store?.consentEvents(urn: school.urn) ?? []
            let current = events.last.flatMap { $0.action == .given ? $0 : nil }
            var out = "\(school.displayName): "
            if let current {
                out += "consent given by \(current.by) on \(localTime(current.at, context.configuration.timeZone)); send will send\n"
            } else {
                out += "no consent; send will not send (give it with: attsync consent give --by \"NAME\" --school \(school.urn))\n"
            }
            var table = TextTable(["when", "change", "by", "user"])
            for event in events {
                table.add([localTime(event.at, context.configuration.timeZone), event.action.rawValue, event.by, event.osUser])
            }
            if !events.isEmpty { out += table.render(indent: "  ") }
            context.console.result(out)
        }
    }
}

/// `2026-11-27 16:05` in `zone`, for people.
func localTime(_ date: Date, _ zone: TimeZone) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
}

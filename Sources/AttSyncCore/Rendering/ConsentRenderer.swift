import Foundation

/// What `consent give|remove|status` print.
enum ConsentRenderer {
    /// One school's consent in force (who opened the period and when) and the history of changes.
    /// The time shown is that of the give that opened the period, not of a later confirmation.
    /// - Parameter endpoint: where the figures go, for the statement of what consent covers.
    static func status(_ history: ConsentHistory, school: Configuration.School, endpoint: URL, timeZone: TimeZone) -> String {
        var out = "\(school.displayName): "
        if let current = history.inForce {
            out +=
                "consent given by \(current.by) on \(localDayTime(current.at, timeZone)); attsync sends the school's figures each school day\n"
        } else if let retired = history.retiredByService {
            out +=
                "no consent: the DfE answered on \(localDayTime(retired.at, timeZone)) that its attendance service is retired (HTTP 410); attsync sends nothing\n"
        } else {
            out +=
                "no consent; attsync sends nothing until it is given (give it with: attsync consent give --by \"NAME\" --school \(school.urn))\n"
        }
        out += ConsentStatement.text(school: school, endpoint: endpoint, given: history.isInForce)
        guard !history.events.isEmpty else { return out }
        var table = TextTable(["when", "change", "by", "user"])
        for event in history.events {
            table.add([localDayTime(event.at, timeZone), event.action.rawValue, event.by, event.osUser])
        }
        return out + table.render(indent: "  ")
    }

    /// The line confirming a change.
    static func changed(
        _ action: ConsentEvent.Action, school: Configuration.School, by person: String, user: String, at: Date, timeZone: TimeZone
    ) -> String {
        "consent \(action == .given ? "given" : "removed") for \(school.displayName) by \(person) (user \(user)) at \(localDayTime(at, timeZone))\n"
    }
}

import Foundation

extension StateStore {
    /// Records a consent change.
    /// - Parameters:
    ///   - by: the person with authority at the school, as given to `--by` (trimmed, non-empty).
    ///   - osUser: the operating-system account that ran the command, recorded beside the name.
    /// - Throws: `StateError`.
    package func recordConsent(urn: String, action: ConsentEvent.Action, by: String, osUser: String, at: Date) throws(StateError) {
        try write { try insertConsent(urn: urn, action: action, by: by, osUser: osUser, at: at) }
    }

    /// The insert itself, for use inside a transaction (`recordConsent`, and the 410 in `finishSubmission`).
    /// - Throws: `SQLiteError`; the caller's transaction turns it into `StateError`.
    func insertConsent(urn: String, action: ConsentEvent.Action, by: String, osUser: String, at: Date) throws {
        try db.run(
            "INSERT INTO consent_events (urn, action, by_name, os_user, at) VALUES (?, ?, ?, ?, ?)",
            [.text(urn), .text(action.rawValue), .text(by), .text(osUser), .text(timestamp(at))])
    }

    /// Every consent change of the school, oldest first.
    /// - Throws: `StateError`, `.corrupt` for a row attsync cannot read back.
    package func consentHistory(urn: String) throws(StateError) -> ConsentHistory {
        try read { try readConsentHistory(urn: urn) }
    }

    /// The query behind `consentHistory` and `acceptedHistory`, for use inside their read transaction.
    /// - Throws: `SQLiteError`, or `CorruptValue` for an action or a time attsync did not write.
    func readConsentHistory(urn: String) throws -> ConsentHistory {
        var events: [ConsentEvent] = []
        try db.query("SELECT id, urn, action, by_name, os_user, at FROM consent_events WHERE urn = ? ORDER BY id", [.text(urn)]) { row in
            let id = Int64(row.int(0))
            events.append(
                ConsentEvent(
                    id: id, urn: row.text(1) ?? "",
                    action: try row.enumeration(2, as: ConsentEvent.Action.self, "action of consent event \(id)"),
                    by: row.text(3) ?? "", osUser: row.text(4) ?? "", at: try row.timestamp(5, "time of consent event \(id)")))
        }
        return ConsentHistory(events: events)
    }
}

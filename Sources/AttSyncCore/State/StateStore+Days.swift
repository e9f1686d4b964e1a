import Foundation

/// What the state database says about one school day of a school: which accepted submission holds it at
/// the DfE, and any later submission carrying it that was not accepted.
///
/// `history --days`, `preview`'s labels and the status page read it (`StateStore.dayRecords`), and
/// `Run/SchoolDayStatus` turns it, with the MIS copy's figures of today, into "with the DfE since…",
/// "changed since it was sent" or "not yet sent, because…".
package struct DayRecord: Sendable, Equatable {
    /// The submission whose acceptance holds the date at the DfE (`accepted_days`).
    package struct Accepted: Sendable, Equatable {
        package var submission: Int64
        /// The DfE's `submissionRef`.
        package var reference: String?
        /// When attsync recorded the DfE's acceptance.
        package var at: Date
        /// The digest of the date's content accepted (`Payload.dayDigests`).
        package var digest: String
        /// The DfE's warnings on that submission (⚠), 0 for ✓.
        package var warnings: Int
        /// The body accepted, to read the date's figures back (`SentBody`).
        package var body: [UInt8]
        /// The first accepted submission of the same figures of the date (the DfE has held them since), which
        /// is `submission` unless later sends carried the date unchanged.
        package var since: (submission: Int64, reference: String?, at: Date)

        package static func == (lhs: Accepted, rhs: Accepted) -> Bool {
            lhs.submission == rhs.submission && lhs.reference == rhs.reference && lhs.at == rhs.at && lhs.digest == rhs.digest
                && lhs.warnings == rhs.warnings && lhs.body == rhs.body && lhs.since.submission == rhs.since.submission
                && lhs.since.reference == rhs.since.reference && lhs.since.at == rhs.since.at
        }
    }

    /// A submission carrying the date, newer than its acceptance (or with none), not accepted.
    package struct Unaccepted: Sendable, Equatable {
        package var submission: Int64
        package var status: SubmissionStatus
        package var reason: String?
        /// When the submission was recorded.
        package var at: Date
        /// How many POSTs went to the DfE (0: the figures were not received by the DfE).
        package var posts: Int
        /// What kind of failure, when recorded.
        package var kind: FailureKind? = nil
    }

    package var day: Day
    package var accepted: Accepted?
    /// The newest such submission.
    package var unaccepted: Unaccepted?
}

extension StateStore {
    /// The record of each of `days` that the state knows anything about, read in one transaction.
    /// - Throws: `StateError`, `.corrupt` for a row attsync cannot read back.
    package func dayRecords(urn: String, days: [Day]) throws(StateError) -> [Day: DayRecord] {
        let daysJSON = SQLValue.text(jsonArray(days.map(\.description)))
        return try read {
            var records: [Day: DayRecord] = [:]
            var bodies: [Int64: [UInt8]] = [:]
            try db.query(
                """
                SELECT d.date, d.content_sha256, s.id, s.dfe_reference, s.finished_at, s.status, json_array_length(s.dfe_errors), s.body
                FROM accepted_days AS d JOIN submissions AS s ON s.id = d.submission_id
                WHERE d.urn = ? AND d.date IN (SELECT value FROM json_each(?))
                """, [.text(urn), daysJSON]
            ) { row in
                guard let day = row.text(0).flatMap(Day.init(iso:)) else {
                    throw CorruptValue(what: "a date in accepted_days of URN \(urn)")
                }
                let id = Int64(row.int(2))
                let body = bodies[id] ?? row.blob(7)
                bodies[id] = body
                let status = try row.enumeration(5, as: SubmissionStatus.self, "the status of submission \(id)")
                let at = try row.timestamp(4, "the finishing time of submission \(id)")
                records[day] = DayRecord(
                    day: day,
                    accepted: .init(
                        submission: id, reference: row.text(3), at: at, digest: row.text(1) ?? "",
                        warnings: status == .warnings ? row.int(6) : 0, body: body, since: (id, row.text(3), at)))
            }
            // Since when: back through the earlier acceptances carrying the date, while they carried the same figures.
            var parsed: [Int64: SentBody] = [:]
            func elements(_ id: Int64, _ body: @autoclosure () -> [UInt8], on day: Day) -> [SentBody.Element]? {
                if parsed[id] == nil { parsed[id] = SentBody(body()) }
                return parsed[id]?.elements(on: day)
            }
            for (day, record) in records {
                guard var accepted = record.accepted, let held = elements(accepted.submission, accepted.body, on: day) else { continue }
                var changed = false
                try db.query(
                    """
                    SELECT s.id, s.dfe_reference, s.finished_at, s.body FROM submissions AS s, json_each(s.dates) AS d
                    WHERE s.urn = ? AND d.value = ? AND s.status IN ('accepted', 'warnings') AND s.id < ? ORDER BY s.id DESC
                    """, [.text(urn), .text(day.description), .integer(accepted.submission)]
                ) { row in
                    let id = Int64(row.int(0))
                    guard !changed else { return }
                    guard elements(id, row.blob(3), on: day) == held else {
                        changed = true
                        return
                    }
                    accepted.since = (id, row.text(1), try row.timestamp(2, "the finishing time of submission \(id)"))
                }
                records[day]?.accepted = accepted
            }
            try db.query(
                """
                SELECT d.value, s.id, s.status, s.reason, s.created_at,
                       (SELECT count(*) FROM attempts AS a WHERE a.submission_id = s.id AND a.kind = 'post'), s.failure_kind
                FROM submissions AS s, json_each(s.dates) AS d
                WHERE s.urn = ? AND s.status NOT IN ('accepted', 'warnings') AND d.value IN (SELECT value FROM json_each(?))
                ORDER BY s.id
                """, [.text(urn), daysJSON]
            ) { row in
                guard let day = row.text(0).flatMap(Day.init(iso:)) else { return }
                let id = Int64(row.int(1))
                if let accepted = records[day]?.accepted, accepted.submission > id { return }
                let unaccepted = DayRecord.Unaccepted(
                    submission: id, status: try row.enumeration(2, as: SubmissionStatus.self, "the status of submission \(id)"),
                    reason: row.text(3), at: try row.timestamp(4, "the time of submission \(id)"), posts: row.int(5),
                    kind: row.text(6).flatMap(FailureKind.init(rawValue:)))
                records[day, default: DayRecord(day: day)].unaccepted = unaccepted
            }
            return records
        }
    }
}

import Foundation

extension StateStore {
    /// What the state says about the school, for choosing and labelling dates: the consent history, the
    /// digest of every date ever accepted and the last accepted submission, read in one transaction.
    /// - Parameter timeZone: the school's zone, to turn the consent time into the day catch-up counts from.
    /// - Throws: `StateError`, `.corrupt` for a date or a consent row attsync cannot read back.
    package func acceptedHistory(urn: String, timeZone: TimeZone) throws(StateError) -> AcceptedHistory {
        try read {
            let consent = try readConsentHistory(urn: urn)
            var digests: [Day: String] = [:]
            try db.query("SELECT date, content_sha256 FROM accepted_days WHERE urn = ?", [.text(urn)]) { row in
                guard let day = row.text(0).flatMap(Day.init(iso:)), let digest = row.text(1) else {
                    throw CorruptValue(what: "a date in accepted_days of URN \(urn)")
                }
                digests[day] = digest
            }
            var last: AcceptedHistory.LastAccepted?
            try db.query(
                """
                SELECT s.id, s.body_sha256, EXISTS (
                    SELECT 1 FROM submissions AS later WHERE later.urn = s.urn AND later.id > s.id AND later.body_sha256 <> s.body_sha256
                    AND \(Self.mayHaveBeenTaken.replacingOccurrences(of: "s.", with: "later.")))
                FROM submissions AS s WHERE s.urn = ? AND s.status IN ('accepted', 'warnings') ORDER BY s.id DESC LIMIT 1
                """,
                [.text(urn)]
            ) { row in last = .init(id: Int64(row.int(0)), sha256: row.text(1) ?? "", otherBodySince: row.int(2) != 0) }
            return AcceptedHistory(
                consent: consent, consentDay: consent.inForce.map { Day(containing: $0.at, in: timeZone) }, acceptedDigests: digests,
                lastAccepted: last)
        }
    }

    /// A submission just recorded: its id and the Idempotency-Key its POSTs carry.
    package struct Begun: Sendable, Equatable {
        package var id: Int64
        /// Hex SHA-256, sent quoted.
        package var idempotencyKey: String
    }

    /// Whether the DfE may hold the body of the submission `s` (SQL over `submissions AS s`): it was
    /// accepted, or its outcome is not known (interrupted, still sending, or failed after a POST that got
    /// no answer or a 5xx/408/409/429, any of which the receiver may have stored).
    static let mayHaveBeenTaken = """
        (s.status IN ('accepted', 'warnings', 'interrupted', 'sending')
         OR (s.status = 'failed' AND EXISTS (
               SELECT 1 FROM attempts AS a WHERE a.submission_id = s.id AND a.kind = 'post'
               AND (a.http_status IS NULL OR a.http_status >= 500 OR a.http_status IN (408, 409, 429)))))
        """

    /// Records a submission before its first byte is sent, with its Idempotency-Key
    /// (docs/dfe-contract.md): the body's hash, the same on every retry and on every later run that
    /// resends the same submission's body; but a fresh key when the same body is sent again after a
    /// different body may have been taken, so that a receiver that remembers keys for ever cannot answer
    /// with the old result and keep the other body's figures.
    /// - Parameter dataQuality: the data-quality findings of the dates sent, in words.
    package func beginSubmission(urn: String, runDate: Day, payload: Payload, dataQuality: [String], forced: Bool, at: Date)
        throws(StateError) -> Begun
    {
        try write {
            var previous: (id: Int64, key: String)?
            try db.query(
                "SELECT id, coalesce(idempotency_key, body_sha256) FROM submissions WHERE urn = ? AND body_sha256 = ? ORDER BY id DESC LIMIT 1",
                [.text(urn), .text(payload.sha256)]
            ) { row in previous = (Int64(row.int(0)), row.text(1) ?? payload.sha256) }
            var otherBodySince = false
            if let previous {
                try db.query(
                    "SELECT EXISTS (SELECT 1 FROM submissions AS s WHERE s.urn = ? AND s.id > ? AND s.body_sha256 <> ? AND \(Self.mayHaveBeenTaken))",
                    [.text(urn), .integer(previous.id), .text(payload.sha256)]
                ) { row in otherBodySince = row.int(0) != 0 }
            }
            try db.run(
                """
                INSERT INTO submissions (urn, run_date, dates, body, body_sha256, forced, status, created_at, data_quality)
                VALUES (?, ?, ?, ?, ?, ?, 'sending', ?, ?)
                """,
                [
                    .text(urn), .text(runDate.description), .text(jsonArray(payload.days.map(\.description))), .blob(payload.body),
                    .text(payload.sha256), .integer(forced ? 1 : 0), .text(timestamp(at)),
                    dataQuality.isEmpty ? .null : .text(dataQuality.joined(separator: "; ")),
                ])
            let id = db.lastInsertRowID
            let key =
                otherBodySince ? hexSHA256(Array("\(payload.sha256):submission \(id)".utf8)) : previous?.key ?? payload.sha256
            try db.run("UPDATE submissions SET idempotency_key = ? WHERE id = ?", [.text(key), .integer(id)])
            return Begun(id: id, idempotencyKey: key)
        }
    }

    /// Records one request of a submission.
    /// Committed at once, so the history shows every request even if the run dies during the next one.
    /// - Throws: `StateError`, which stops the delivery.
    package func recordAttempt(submission: Int64, _ attempt: AttemptRecord) throws(StateError) {
        try write {
            try db.run(
                """
                INSERT INTO attempts (submission_id, kind, number, started_at, duration_ms, http_status, error, retry_after_seconds,
                                      waited_seconds, answer)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .integer(submission), .text(attempt.kind.rawValue), .integer(Int64(attempt.number)),
                    .text(timestamp(attempt.startedAt)),
                    .integer(Int64((attempt.durationSeconds * 1000).rounded())), attempt.httpStatus.map { .integer(Int64($0)) } ?? .null,
                    attempt.error.map(SQLValue.text) ?? .null, attempt.retryAfterSeconds.map(SQLValue.real) ?? .null,
                    attempt.waitedSeconds.map(SQLValue.real) ?? .null, attempt.answer.map(SQLValue.text) ?? .null,
                ])
        }
    }

    /// Records the outcome in one transaction: the status and answer, for an accepted submission the
    /// digest of each day it carried, and for a 410 the removal of the school's consent.
    /// `INSERT OR REPLACE` keeps one row per school and date: the digest is that of the latest accepted content.
    /// - Throws: `StateError`.
    package func finishSubmission(_ id: Int64, urn: String, outcome: SubmissionOutcome, at: Date) throws(StateError) {
        // Encoding `[DfEError]` (optional strings only) cannot fail; the `[]` fallback spares a `try` that never throws.
        let errorsJSON = String(decoding: (try? JSONEncoder().encode(outcome.errors)) ?? Data("[]".utf8), as: UTF8.self)
        try write {
            try db.run(
                """
                UPDATE submissions SET status = ?, http_status = ?, dfe_reference = ?, dfe_errors = ?, reason = ?, finished_at = ?,
                  failure_kind = ?
                WHERE id = ?
                """,
                [
                    .text(outcome.status.rawValue), outcome.httpStatus.map { .integer(Int64($0)) } ?? .null,
                    outcome.reference.map(SQLValue.text) ?? .null, .text(errorsJSON), outcome.reason.map(SQLValue.text) ?? .null,
                    .text(timestamp(at)), outcome.failureKind.map { .text($0.rawValue) } ?? .null, .integer(id),
                ])
            for (day, digest) in outcome.acceptedDays.sorted(by: { $0.key < $1.key }) {
                try db.run(
                    "INSERT OR REPLACE INTO accepted_days (urn, date, content_sha256, submission_id) VALUES (?, ?, ?, ?)",
                    [.text(urn), .text(day.description), .text(digest), .integer(id)])
            }
            if outcome.removesConsent {
                try insertConsent(urn: urn, action: .removed, by: Self.retiredBy, osUser: "attsync", at: at)
            }
        }
    }

    /// Who removed consent when the DfE answered 410, as the consent history shows it.
    /// Written as `by_name` with `os_user` "attsync", so `consent status` shows who ended it.
    static let retiredBy = "DfE service (HTTP 410)"

    /// Marks submissions left `sending` by a run that stopped (crash, kill, power loss); returns how many.
    /// Called by `send` under the run lock, before any school, so no row of a live run can be caught by it.
    /// Every school's rows are marked, not only those of the schools this run sends.
    package func markInterrupted(at: Date) throws(StateError) -> Int {
        try write {
            try db.run(
                """
                UPDATE submissions SET status = 'interrupted', finished_at = ?,
                  reason = 'the run stopped before the outcome was known; the next run sends these days again'
                WHERE status = 'sending'
                """, [.text(timestamp(at))])
            guard case .integer(let count)? = try db.scalar("SELECT changes()") else { return 0 }
            return Int(count)
        }
    }

    /// The columns `submission(_:)` reads, in its order; column 13 is the count of POST attempts.
    private static let submissionColumns = """
        s.id, s.urn, s.run_date, s.dates, s.body_sha256, s.forced, s.status, s.http_status, s.dfe_reference, s.dfe_errors,
        s.reason, s.created_at, s.finished_at, (SELECT count(*) FROM attempts AS a WHERE a.submission_id = s.id AND a.kind = 'post'),
        s.data_quality, s.failure_kind
        """

    /// A row of `submissionColumns`.
    /// - Throws: `CorruptValue` for a value attsync did not write.
    private func submission(_ row: SQLiteRow) throws -> SubmissionRecord {
        let id = Int64(row.int(0))
        return SubmissionRecord(
            id: id, urn: row.text(1) ?? "", runDate: row.text(2) ?? "",
            dates: try row.json(3, as: [String].self, "the dates of submission \(id)"), bodySHA256: row.text(4) ?? "",
            forced: row.int(5) != 0, status: try row.enumeration(6, as: SubmissionStatus.self, "the status of submission \(id)"),
            httpStatus: row.isNull(7) ? nil : row.int(7), reference: row.text(8),
            errors: try row.json(9, as: [DfEError].self, "the DfE errors of submission \(id)"), reason: row.text(10),
            createdAt: try row.timestamp(11, "the time of submission \(id)"),
            finishedAt: row.isNull(12) ? nil : try row.timestamp(12, "the finishing time of submission \(id)"),
            attemptCount: row.int(13), dataQuality: row.text(14), failureKind: row.text(15).flatMap(FailureKind.init(rawValue:)))
    }

    /// The newest submissions first, of the given schools.
    /// - Throws: `StateError`, `.corrupt` for a row attsync cannot read back.
    package func submissions(urns: [String], limit: Int) throws(StateError) -> [SubmissionRecord] {
        try read {
            var records: [SubmissionRecord] = []
            try db.query(
                "SELECT \(Self.submissionColumns) FROM submissions AS s WHERE s.urn IN (SELECT value FROM json_each(?)) ORDER BY s.id DESC LIMIT ?",
                [.text(jsonArray(urns)), .integer(Int64(limit))]
            ) { row in records.append(try submission(row)) }
            return records
        }
    }

    /// One submission with its body and every attempt.
    /// - Throws: `StateError.noSuchSubmission`, or `.corrupt` for a row attsync cannot read back.
    package func submission(id: Int64) throws(StateError) -> (record: SubmissionRecord, body: [UInt8], attempts: [AttemptRecord]) {
        try read {
            var found: (SubmissionRecord, [UInt8])?
            try db.query("SELECT \(Self.submissionColumns), s.body FROM submissions AS s WHERE s.id = ?", [.integer(id)]) { row in
                found = (try submission(row), row.blob(16))
            }
            guard let (record, body) = found else { throw StateError.noSuchSubmission(id: id) }
            var attempts: [AttemptRecord] = []
            try db.query(
                """
                SELECT kind, number, started_at, duration_ms, http_status, error, retry_after_seconds, waited_seconds, answer
                FROM attempts WHERE submission_id = ? ORDER BY id
                """, [.integer(id)]
            ) { row in
                attempts.append(
                    AttemptRecord(
                        kind: try row.enumeration(0, as: AttemptRecord.Kind.self, "the kind of an attempt of submission \(id)"),
                        number: row.int(1), startedAt: try row.timestamp(2, "the time of an attempt of submission \(id)"),
                        durationSeconds: Double(row.int(3)) / 1000, httpStatus: row.isNull(4) ? nil : row.int(4), error: row.text(5),
                        retryAfterSeconds: row.isNull(6) ? nil : row.double(6), waitedSeconds: row.isNull(7) ? nil : row.double(7),
                        answer: row.text(8)))
            }
            return (record, body, attempts)
        }
    }
}

import CSQLite
import Foundation

/// The outcome of a submission.
public enum SubmissionStatus: String, Sendable, Codable {
    /// Recorded, not yet answered (or the run is still going).
    case sending
    /// ✓ accepted.
    case accepted
    /// ⚠ accepted with DfE validation warnings.
    case warnings
    /// ✗ rejected by the DfE.
    case rejected
    /// ✗ failed: no acceptance (network, token, TLS, retired…).
    case failed
    /// ✗ the run stopped before the outcome was known; the next run sends the same days again.
    case interrupted

    public var symbol: String {
        switch self {
        case .accepted: return "✓"
        case .warnings: return "⚠"
        case .sending: return "…"
        case .rejected, .failed, .interrupted: return "✗"
        }
    }

    /// The days count as sent.
    public var isAccepted: Bool { self == .accepted || self == .warnings }
}

/// A consent change.
public struct ConsentEvent: Sendable, Equatable, Codable {
    public enum Action: String, Sendable, Codable { case given, removed }
    public var id: Int64
    public var urn: String
    public var action: Action
    /// The person (or "DfE service (HTTP 410)").
    public var by: String
    public var osUser: String
    public var at: Date
}

/// A submission as the history shows it.
public struct SubmissionRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var urn: String
    public var runDate: String
    public var dates: [String]
    public var bodySHA256: String
    public var forced: Bool
    public var status: SubmissionStatus
    public var httpStatus: Int?
    public var reference: String?
    public var errors: [DfEError]
    public var reason: String?
    public var createdAt: Date
    public var finishedAt: Date?
    public var attemptCount: Int
    /// Data-quality findings of the dates sent (marks not on roll, skipped codes, …), in words.
    public var dataQuality: String?
}

/// The state database (`attsync.sqlite` in `stateDirectory`): consent, submissions, attempts and the
/// days accepted. WAL, `synchronous=FULL`, ordered forward-only migrations. Never holds a token or secret.
public final class StateStore {
    public static let fileName = "attsync.sqlite"
    public static let lockName = "attsync.lock"
    static let busyTimeoutMilliseconds: Int32 = 5_000

    /// Named, ordered, forward-only; each runs in its own transaction.
    static let migrations: [(name: String, sql: String)] = [
        (
            "1 initial schema",
            """
            CREATE TABLE consent_events (
              id INTEGER PRIMARY KEY,
              urn TEXT NOT NULL,
              action TEXT NOT NULL CHECK (action IN ('given', 'removed')),
              by_name TEXT NOT NULL,
              os_user TEXT NOT NULL,
              at TEXT NOT NULL
            );
            CREATE INDEX consent_events_by_school ON consent_events(urn, id);
            CREATE TABLE submissions (
              id INTEGER PRIMARY KEY,
              urn TEXT NOT NULL,
              run_date TEXT NOT NULL,
              dates TEXT NOT NULL,
              body BLOB NOT NULL,
              body_sha256 TEXT NOT NULL,
              forced INTEGER NOT NULL DEFAULT 0,
              status TEXT NOT NULL CHECK (status IN ('sending', 'accepted', 'warnings', 'rejected', 'failed', 'interrupted')),
              http_status INTEGER,
              dfe_reference TEXT,
              dfe_errors TEXT NOT NULL DEFAULT '[]',
              reason TEXT,
              created_at TEXT NOT NULL,
              finished_at TEXT
            );
            CREATE INDEX submissions_by_school ON submissions(urn, id);
            CREATE TABLE attempts (
              id INTEGER PRIMARY KEY,
              submission_id INTEGER NOT NULL REFERENCES submissions(id),
              kind TEXT NOT NULL CHECK (kind IN ('token', 'post')),
              number INTEGER NOT NULL,
              started_at TEXT NOT NULL,
              duration_ms INTEGER NOT NULL,
              http_status INTEGER,
              error TEXT,
              retry_after_seconds REAL,
              waited_seconds REAL
            );
            CREATE INDEX attempts_by_submission ON attempts(submission_id, id);
            CREATE TABLE accepted_days (
              urn TEXT NOT NULL,
              date TEXT NOT NULL,
              content_sha256 TEXT NOT NULL,
              submission_id INTEGER NOT NULL REFERENCES submissions(id),
              PRIMARY KEY (urn, date)
            ) WITHOUT ROWID;
            """
        ),
        ("2 data-quality notes of each submission", "ALTER TABLE submissions ADD COLUMN data_quality TEXT;"),
    ]

    public let path: String
    let db: SQLiteConnection

    private init(path: String, db: SQLiteConnection) {
        self.path = path
        self.db = db
    }

    /// Creates the state directory (0700) when missing, opens or creates the database and migrates it.
    /// - Throws: `StateError` (73 for the directory, 74 for the database, 75 when busy).
    public static func open(directory: String) throws(StateError) -> StateStore {
        try createDirectory(directory)
        let path = directory + "/" + fileName
        do {
            let db = try SQLiteConnection(path: path, mode: .readWriteCreate, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            try db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            let store = StateStore(path: path, db: db)
            try store.migrate()
            return store
        } catch {
            throw classify(error, path: path)
        }
    }

    /// Opens an existing database without creating or migrating anything (for `preview` and `history`);
    /// nil when there is none yet.
    public static func openExisting(directory: String) throws(StateError) -> StateStore? {
        let path = directory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let db = try SQLiteConnection(path: path, mode: .readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            let store = StateStore(path: path, db: db)
            let version = try store.schemaVersion()
            guard version <= migrations.count else { throw StateError.newerSchema(path: path, found: version, known: migrations.count) }
            return version == 0 ? nil : store
        } catch {
            throw classify(error, path: path)
        }
    }

    /// Creates the state directory (0700) unless it exists.
    /// - Throws: `StateError.cannotCreateDirectory`.
    public static func createDirectory(_ directory: String) throws(StateError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .cannotCreateDirectory(path: directory, reason: "a file is in the way") }
            return
        }
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            throw .cannotCreateDirectory(path: directory, reason: String(cString: strerror(errno)))
        }
    }

    static func classify(_ error: any Error, path: String) -> StateError {
        if let error = error as? StateError { return error }
        guard let error = error as? SQLiteError else { return .cannotWrite(path: path, reason: "\(error)") }
        switch error.primaryCode {
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy(path: path)
        default: return .cannotWrite(path: path, reason: error.message)
        }
    }

    /// Runs `body` in an immediate transaction; SQLite failures become `StateError`.
    func write<T>(_ body: () throws -> T) throws(StateError) -> T {
        do {
            return try db.transaction("IMMEDIATE", body)
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// Runs a read; SQLite failures become `StateError`.
    func read<T>(_ body: () throws -> T) throws(StateError) -> T {
        do {
            return try db.transaction("DEFERRED", body)
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    private func schemaVersion() throws -> Int {
        let exists = try db.scalar("SELECT 1 FROM sqlite_schema WHERE name = 'schema_migrations'") != nil
        guard exists, case .integer(let version)? = try db.scalar("SELECT coalesce(max(id), 0) FROM schema_migrations") else { return 0 }
        return Int(version)
    }

    private func migrate() throws {
        try db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        let applied = try schemaVersion()
        guard applied <= Self.migrations.count else {
            throw StateError.newerSchema(path: path, found: applied, known: Self.migrations.count)
        }
        for (index, migration) in Self.migrations.enumerated().dropFirst(applied) {
            try db.transaction("IMMEDIATE") {
                try db.execute(migration.sql)
                try db.run(
                    "INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)",
                    [.integer(Int64(index + 1)), .text(migration.name), .text(timestamp(Date()))])
            }
        }
    }

    // MARK: - Consent

    public func recordConsent(urn: String, action: ConsentEvent.Action, by: String, osUser: String, at: Date) throws(StateError) {
        try write {
            try db.run(
                "INSERT INTO consent_events (urn, action, by_name, os_user, at) VALUES (?, ?, ?, ?, ?)",
                [.text(urn), .text(action.rawValue), .text(by), .text(osUser), .text(timestamp(at))])
        }
    }

    /// Every consent change of the school, oldest first.
    public func consentEvents(urn: String) throws(StateError) -> [ConsentEvent] {
        try read {
            var events: [ConsentEvent] = []
            try db.query("SELECT id, urn, action, by_name, os_user, at FROM consent_events WHERE urn = ? ORDER BY id", [.text(urn)]) {
                row in
                events.append(
                    ConsentEvent(
                        id: Int64(row.int(0)), urn: row.text(1) ?? "", action: ConsentEvent.Action(rawValue: row.text(2) ?? "") ?? .removed,
                        by: row.text(3) ?? "", osUser: row.text(4) ?? "", at: date(row.text(5))))
            }
            return events
        }
    }

    /// The consent in force: the first `given` since the last `removed` (giving it again does not move
    /// the start of the period catch-up looks back to); nil when the latest event is a removal.
    public func consent(urn: String) throws(StateError) -> ConsentEvent? {
        let events = try consentEvents(urn: urn)
        guard events.last?.action == .given else { return nil }
        return events.reversed().prefix { $0.action == .given }.last
    }

    // MARK: - Submissions

    /// What the state says about the school, for choosing and labelling dates.
    public func acceptedHistory(urn: String, timeZone: TimeZone) throws(StateError) -> AcceptedHistory {
        let consentDay = try consent(urn: urn).map { Day(containing: $0.at, in: timeZone) }
        return try read {
            var digests: [Day: String] = [:]
            try db.query("SELECT date, content_sha256 FROM accepted_days WHERE urn = ?", [.text(urn)]) { row in
                if let day = row.text(0).flatMap(Day.init(iso:)) { digests[day] = row.text(1) }
            }
            var last: AcceptedHistory.LastAccepted?
            try db.query(
                "SELECT id, body_sha256 FROM submissions WHERE urn = ? AND status IN ('accepted', 'warnings') ORDER BY id DESC LIMIT 1",
                [.text(urn)]
            ) { row in last = .init(id: Int64(row.int(0)), sha256: row.text(1) ?? "") }
            return AcceptedHistory(consentDay: consentDay, acceptedDigests: digests, lastAccepted: last)
        }
    }

    /// Records a submission before its first byte is sent; returns its id.
    /// - Parameter dataQuality: the data-quality findings of the dates sent, in words.
    public func beginSubmission(urn: String, runDate: Day, payload: Payload, dataQuality: [String], forced: Bool, at: Date)
        throws(StateError) -> Int64
    {
        try write {
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
            return db.lastInsertRowID
        }
    }

    public func recordAttempt(submission: Int64, _ attempt: AttemptRecord) throws(StateError) {
        try write {
            try db.run(
                """
                INSERT INTO attempts (submission_id, kind, number, started_at, duration_ms, http_status, error, retry_after_seconds, waited_seconds)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .integer(submission), .text(attempt.kind.rawValue), .integer(Int64(attempt.number)),
                    .text(timestamp(attempt.startedAt)),
                    .integer(Int64((attempt.durationSeconds * 1000).rounded())), attempt.httpStatus.map { .integer(Int64($0)) } ?? .null,
                    attempt.error.map(SQLValue.text) ?? .null, attempt.retryAfterSeconds.map(SQLValue.real) ?? .null,
                    attempt.waitedSeconds.map(SQLValue.real) ?? .null,
                ])
        }
    }

    /// Records the outcome; for an accepted submission also the digest of each day it carried, in the
    /// same transaction.
    public func finishSubmission(
        _ id: Int64, urn: String, status: SubmissionStatus, httpStatus: Int?, reference: String?, errors: [DfEError],
        reason: String?, acceptedDays: [Day: String], at: Date
    ) throws(StateError) {
        let errorsJSON = (try? JSONEncoder().encode(errors)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        try write {
            try db.run(
                """
                UPDATE submissions SET status = ?, http_status = ?, dfe_reference = ?, dfe_errors = ?, reason = ?, finished_at = ?
                WHERE id = ?
                """,
                [
                    .text(status.rawValue), httpStatus.map { .integer(Int64($0)) } ?? .null, reference.map(SQLValue.text) ?? .null,
                    .text(errorsJSON), reason.map(SQLValue.text) ?? .null, .text(timestamp(at)), .integer(id),
                ])
            for (day, digest) in acceptedDays.sorted(by: { $0.key < $1.key }) {
                try db.run(
                    "INSERT OR REPLACE INTO accepted_days (urn, date, content_sha256, submission_id) VALUES (?, ?, ?, ?)",
                    [.text(urn), .text(day.description), .text(digest), .integer(id)])
            }
        }
    }

    /// Marks submissions left `sending` by a run that stopped (crash, kill, power loss); returns how many.
    public func markInterrupted(at: Date) throws(StateError) -> Int {
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

    private static let submissionColumns = """
        s.id, s.urn, s.run_date, s.dates, s.body_sha256, s.forced, s.status, s.http_status, s.dfe_reference, s.dfe_errors,
        s.reason, s.created_at, s.finished_at, (SELECT count(*) FROM attempts AS a WHERE a.submission_id = s.id AND a.kind = 'post'),
        s.data_quality
        """

    private func submission(_ row: SQLiteRow) -> SubmissionRecord {
        let dates = (try? JSONDecoder().decode([String].self, from: Data((row.text(3) ?? "[]").utf8))) ?? []
        let errors = (try? JSONDecoder().decode([DfEError].self, from: Data((row.text(9) ?? "[]").utf8))) ?? []
        return SubmissionRecord(
            id: Int64(row.int(0)), urn: row.text(1) ?? "", runDate: row.text(2) ?? "", dates: dates, bodySHA256: row.text(4) ?? "",
            forced: row.int(5) != 0, status: SubmissionStatus(rawValue: row.text(6) ?? "") ?? .failed,
            httpStatus: row.isNull(7) ? nil : row.int(7), reference: row.text(8), errors: errors, reason: row.text(10),
            createdAt: date(row.text(11)), finishedAt: row.text(12).map { date($0) }, attemptCount: row.int(13),
            dataQuality: row.text(14))
    }

    /// The newest submissions first, of the given schools.
    public func submissions(urns: [String], limit: Int) throws(StateError) -> [SubmissionRecord] {
        try read {
            var records: [SubmissionRecord] = []
            try db.query(
                "SELECT \(Self.submissionColumns) FROM submissions AS s WHERE s.urn IN (SELECT value FROM json_each(?)) ORDER BY s.id DESC LIMIT ?",
                [.text(jsonArray(urns)), .integer(Int64(limit))]
            ) { row in records.append(submission(row)) }
            return records
        }
    }

    /// One submission with its body and every attempt.
    public func submission(id: Int64) throws(StateError) -> (record: SubmissionRecord, body: [UInt8], attempts: [AttemptRecord]) {
        try read {
            var found: (SubmissionRecord, [UInt8])?
            try db.query("SELECT \(Self.submissionColumns), s.body FROM submissions AS s WHERE s.id = ?", [.integer(id)]) { row in
                found = (submission(row), row.blob(15))
            }
            guard let (record, body) = found else { throw StateError.noSuchSubmission(id: id) }
            var attempts: [AttemptRecord] = []
            try db.query(
                """
                SELECT kind, number, started_at, duration_ms, http_status, error, retry_after_seconds, waited_seconds
                FROM attempts WHERE submission_id = ? ORDER BY id
                """, [.integer(id)]
            ) { row in
                attempts.append(
                    AttemptRecord(
                        kind: AttemptRecord.Kind(rawValue: row.text(0) ?? "") ?? .post, number: row.int(1), startedAt: date(row.text(2)),
                        durationSeconds: Double(row.int(3)) / 1000, httpStatus: row.isNull(4) ? nil : row.int(4), error: row.text(5),
                        retryAfterSeconds: row.isNull(6) ? nil : row.double(6), waitedSeconds: row.isNull(7) ? nil : row.double(7)))
            }
            return (record, body, attempts)
        }
    }
}

/// UTC, milliseconds: `2026-11-27T16:05:03.123Z`.
func timestamp(_ date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
}

private func date(_ text: String?) -> Date {
    text.flatMap { try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse($0) } ?? Date(timeIntervalSince1970: 0)
}

import Foundation

/// One school's part of one `send` run: how it ended, whatever happened (sent, nothing to send, no consent, a
/// MIS copy that could not be read, the DfE unreachable). A row of `runs`.
///
/// The submissions say what was sent; the runs also say what was not, so that `attsync status` can count
/// consecutive failed runs and name the last problem even when no submission was made.
package struct RunRecord: Sendable, Equatable, Codable {
    /// Row id in `runs`; increases with every run.
    package var id: Int64
    package var urn: String
    /// The run date (`--date`, else the day of the run), `YYYY-MM-DD`.
    package var runDate: String
    package var startedAt: Date
    package var finishedAt: Date
    /// 0, or the exit code of the error that stopped the school's send (before any pending alert).
    package var exitStatus: Int
    /// The error's message, when the school's send failed.
    package var problem: String?
    /// The submission the run made for the school, if it made one.
    package var submissionId: Int64?
    /// Token requests made while this school was sent (0 when the run's token was still valid).
    package var tokenRequests: Int

    /// Whether the school's send failed.
    package var failed: Bool { exitStatus != 0 }
}

/// The school's recent runs, as `status` and the pending alert read them.
package struct RunStreak: Sendable, Equatable {
    /// The newest run of the school; nil before its first `send`.
    package var lastRun: RunRecord?
    /// Runs that failed since the last one that did not (0 when the last run succeeded).
    package var consecutiveFailures: Int
    /// The run date of the first failed run of that streak.
    package var failingSince: Day?
    /// The newest failed run of the school, however old.
    package var lastFailure: RunRecord?
}

extension StateStore {
    /// The newest submission id, 0 before the first: the submissions a run makes from now on have larger ids.
    /// - Throws: `StateError`.
    package func lastSubmissionID() throws(StateError) -> Int64 {
        try read {
            guard case .integer(let id)? = try db.scalar("SELECT coalesce(max(id), 0) FROM submissions") else { return 0 }
            return id
        }
    }

    /// The newest run id, 0 before the first (or in a database not yet migrated to hold runs).
    /// - Throws: `StateError`.
    package func lastRunID() throws(StateError) -> Int64 {
        try read {
            guard try hasRuns(), case .integer(let id)? = try db.scalar("SELECT coalesce(max(id), 0) FROM runs") else { return 0 }
            return id
        }
    }

    /// Records how a school's part of a run ended. Its submission is the school's newest one with an id above
    /// `submissionsAfter` (`lastSubmissionID` when the school's send began), if any.
    /// - Throws: `StateError`.
    package func recordRun(
        urn: String, runDate: Day, startedAt: Date, finishedAt: Date, exitStatus: ExitStatus, problem: String?,
        submissionsAfter: Int64, tokenRequests: Int
    ) throws(StateError) {
        try write {
            try db.run(
                """
                INSERT INTO runs (urn, run_date, started_at, finished_at, exit_status, problem, submission_id, token_requests)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT max(id) FROM submissions WHERE urn = ?1 AND id > ?7), ?8)
                """,
                [
                    .text(urn), .text(runDate.description), .text(timestamp(startedAt)), .text(timestamp(finishedAt)),
                    .integer(Int64(exitStatus.rawValue)), problem.map(SQLValue.text) ?? .null, .integer(submissionsAfter),
                    .integer(Int64(tokenRequests)),
                ])
        }
    }

    /// The runs with an id above `id`, oldest first: those of the run that began after `lastRunID` returned `id`.
    /// - Throws: `StateError`, `.corrupt` for a row attsync cannot read back.
    package func runs(after id: Int64) throws(StateError) -> [RunRecord] {
        try read {
            guard try hasRuns() else { return [] }
            var records: [RunRecord] = []
            try db.query("SELECT \(Self.runColumns) FROM runs WHERE id > ? ORDER BY id", [.integer(id)]) { row in
                records.append(try runRecord(row))
            }
            return records
        }
    }

    /// The school's newest run, its current streak of failed runs and its newest failure, read in one transaction.
    /// Empty in a database that has no runs yet (or was written by an attsync that did not record them).
    /// - Throws: `StateError`, `.corrupt` for a row attsync cannot read back.
    package func runStreak(urn: String) throws(StateError) -> RunStreak {
        try read {
            guard try hasRuns() else { return RunStreak(lastRun: nil, consecutiveFailures: 0, failingSince: nil, lastFailure: nil) }
            func one(_ condition: String) throws -> RunRecord? {
                var found: RunRecord?
                try db.query("SELECT \(Self.runColumns) FROM runs WHERE urn = ?1 \(condition) ORDER BY id DESC LIMIT 1", [.text(urn)]) {
                    found = try runRecord($0)
                }
                return found
            }
            let last = try one("")
            let failure = try one("AND exit_status != 0")
            let lastSuccess = try one("AND exit_status = 0")?.id ?? 0
            var count = 0
            var since: Day?
            try db.query(
                "SELECT run_date FROM runs WHERE urn = ? AND id > ? ORDER BY id", [.text(urn), .integer(lastSuccess)]
            ) { row in
                count += 1
                if since == nil { since = row.text(0).flatMap(Day.init(iso:)) }
            }
            return RunStreak(lastRun: last, consecutiveFailures: count, failingSince: since, lastFailure: failure)
        }
    }

    /// How many migrations the database has had, and how many this attsync knows: `check` reports the two.
    /// - Throws: `StateError`.
    package func migrationCount() throws(StateError) -> (applied: Int, known: Int) {
        try read { (try schemaVersion(), Self.migrations.count) }
    }

    /// Whether the `runs` table exists: a database opened read-only (`openExisting`) may predate it.
    private func hasRuns() throws -> Bool {
        try db.scalar("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'runs'") != nil
    }

    /// The columns `runRecord(_:)` reads, in its order.
    private static let runColumns =
        "id, urn, run_date, started_at, finished_at, exit_status, problem, submission_id, token_requests"

    /// A row of `runColumns`.
    /// - Throws: `CorruptValue` for a time attsync did not write.
    private func runRecord(_ row: SQLiteRow) throws -> RunRecord {
        let id = Int64(row.int(0))
        return RunRecord(
            id: id, urn: row.text(1) ?? "", runDate: row.text(2) ?? "", startedAt: try row.timestamp(3, "the start of run \(id)"),
            finishedAt: try row.timestamp(4, "the end of run \(id)"), exitStatus: row.int(5), problem: row.text(6),
            submissionId: row.isNull(7) ? nil : Int64(row.int(7)), tokenRequests: row.int(8))
    }
}

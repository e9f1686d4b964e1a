import CSQLite
import Dispatch
import Foundation

/// The school's MIS copy, opened read-only, with `source.views` applied and the canonical relations
/// checked. Never written, never created.
///
/// The second stage of the pipeline: `SchoolRun.prepare` opens one per school and run, and everything read
/// from the copy goes through `read`. Ownership: the instance owns its `SQLiteConnection` and a plain file
/// descriptor (`watch`), closed in `deinit`; no handle escapes it.
package final class SourceDatabase {
    /// The columns each canonical relation must have (docs/mis-schema.md).
    /// Extra columns are allowed and ignored.
    package static let canonicalColumns: [(relation: String, columns: [String])] = [
        ("enrolments", ["pupil_id", "year_group", "start_date", "end_date"]),
        ("attendance_marks", ["pupil_id", "date", "session", "code"]),
    ]

    /// How long to wait for a copy being refreshed by another program.
    /// Beyond it the run fails with exit 75 (docs/mis-schema.md, "Reading").
    static let busyTimeoutMilliseconds: Int32 = 10_000

    /// The copy's path as configured, for messages.
    package let path: String
    /// Read-only; its TEMP schema holds the views and the aggregation's staging tables.
    private let connection: SQLiteConnection
    /// Our own descriptor on the file SQLite reads: its size and modification time before and after a
    /// read tell whether something overwrote the file in place meanwhile. (A copy replaced by rename is
    /// harmless: both descriptors keep the old file.)
    private let watch: Int32
    /// The relations defined by `source.views`, to name the culprit of a failed read.
    private let views: Set<String>
    /// How long one read may take (`schools[].source.timeoutSeconds`).
    private let timeoutSeconds: Double

    /// Opens the copy at `path`, creates `views` as TEMP views shadowing tables of the same name, and
    /// checks the canonical relations.
    ///
    /// A copy in WAL mode without a `-wal` file beside it is opened immutable, so that nothing is written
    /// beside it (a plain read-only open leaves `-wal` and `-shm` files behind, or fails in a folder
    /// attsync cannot write). Every statement runs under an authorizer that refuses ATTACH, pragmas and
    /// writes outside TEMP, and each view must be exactly one `SELECT`.
    ///
    /// Each view is also queried once (`LIMIT 0`), so that a SELECT naming a missing column fails here, naming
    /// the view, rather than in the middle of aggregation. `count(*) FROM sqlite_schema` makes SQLite read the
    /// header, so that a file that is not a database fails at once.
    /// - Throws: `SourceError`: `.missing`, `.cannotOpen`, `.damaged` (empty), `.notADatabase`, `.busy`,
    ///   `.unfinishedWrite`, `.brokenView`, `.missingSchema`.
    package init(path: String, views: [String: String], timeoutSeconds: Double = Configuration.Defaults.sourceTimeoutSeconds)
        throws(SourceError)
    {
        self.path = path
        self.views = Set(views.keys)
        self.timeoutSeconds = timeoutSeconds
        let status: stat
        switch FileCheck.regularFile(path) {
        case .success(let found): status = found
        case .failure(.missing): throw .missing(path: path)
        case .failure(let problem): throw .cannotOpen(path: path, reason: problem.reason)
        }
        guard status.st_size > 0 else { throw .damaged(path: path, reason: "empty (0 bytes)") }
        watch = open(path, O_RDONLY | O_CLOEXEC)
        guard watch >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        let immutable = Self.isWAL(watch) && access(path + "-wal", F_OK) != 0
        do {
            connection = try SQLiteConnection(
                path: path, mode: immutable ? .readOnlyImmutable : .readOnly, busyTimeoutMilliseconds: Self.busyTimeoutMilliseconds)
            connection.restrictToReading()
            _ = try connection.scalar("SELECT count(*) FROM sqlite_schema")
        } catch {
            // The connection was never made, so no instance exists and `deinit` will not run: close by hand.
            close(watch)
            throw Self.classify(error, path: path)
        }
        // The name is one of the canonical relations (checked when the configuration was read), so quoting it
        // is enough; the SELECT is the configuration's own SQL and runs on a read-only connection.
        for (name, select) in views.sorted(by: { $0.key < $1.key }) {
            do {
                guard try connection.isOneReadOnlyStatement(select) else {
                    throw SourceError.brokenView(
                        name: name, message: "it must be exactly one SELECT (no second statement after a ';', no pragma, no write)")
                }
                try connection.run("CREATE TEMP VIEW \"\(name)\" AS \(select)")
                try connection.run("SELECT * FROM temp.\"\(name)\" LIMIT 0")
            } catch let error as SourceError {
                throw error
            } catch let error as SQLiteError {
                let hint =
                    error.message.contains("circularly defined")
                    ? "; to read the copy's own table of that name write main.\(name)" : ""
                throw .brokenView(name: name, message: error.message + hint)
            } catch {
                throw .brokenView(name: name, message: "\(error)")
            }
        }
        try checkSchema()
    }

    /// Whether the file's header says WAL mode (bytes 18 and 19 of the header are 2).
    private static func isWAL(_ descriptor: Int32) -> Bool {
        var header = [UInt8](repeating: 0, count: 20)
        let count = header.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 20, 0) }
        return count == 20 && header[18] == 2 && header[19] == 2
    }

    // `connection` closes itself in its own `deinit`.
    deinit { close(watch) }

    /// Size and modification time of the file being read.
    /// Seconds and nanoseconds of the modification time, so two writes within one second still differ.
    /// Empty when `fstat` fails, which never compares equal to a real fingerprint: an unanswerable
    /// question about the file is treated as a change, not as "unchanged".
    private func fingerprint() -> [Int] {
        var status = stat()
        guard fstat(watch, &status) == 0 else { return [] }
        return [Int(status.st_size), status.st_mtim.tv_sec, status.st_mtim.tv_nsec]
    }

    /// Names every canonical table or column the copy (with its views) lacks.
    /// `pragma_table_info` sees TEMP views as well as tables, so a view defined in `source.views` counts.
    /// - Throws: `SourceError.missingSchema` listing every gap at once, so one fix covers them all.
    private func checkSchema() throws(SourceError) {
        var missing: [String] = []
        for (relation, columns) in Self.canonicalColumns {
            var present = Set<String>()
            do {
                try connection.query("SELECT name FROM pragma_table_info(?1)", [.text(relation)]) { row in
                    if let name = row.text(0) { present.insert(name) }
                }
            } catch {
                throw Self.classify(error, path: path)
            }
            if present.isEmpty {
                missing.append("table \(relation)")
            } else {
                missing += columns.filter { !present.contains($0) }.map { "column \(relation).\($0)" }
            }
        }
        guard missing.isEmpty else { throw .missingSchema(path: path, missing: missing) }
    }

    /// Runs `body` inside one read transaction, so every query sees the same snapshot of the copy. The
    /// snapshot is the only way to query the copy: whoever holds one is inside the transaction. The read
    /// stops after `timeoutSeconds`, or at once on SIGTERM or SIGINT.
    /// - Throws: `SourceError` for SQLite failures (`.tooSlow` naming the relation that does not finish,
    ///   `.interrupted`); errors thrown by `body` itself pass through.
    /// - Throws: `SourceError.damaged` when the file was overwritten in place during the read: the
    ///   result could mix old and new pages, so none is given.
    package func read<T>(_ body: (SourceSnapshot) throws -> T) throws -> T {
        let before = fingerprint()
        let result: T
        do {
            result = try withDeadline(timeoutSeconds) {
                try connection.transaction("DEFERRED") { try body(SourceSnapshot(connection: connection)) }
            }
        } catch let error as SQLiteError where error.primaryCode == SQLITE_INTERRUPT {
            if let signal = Interruption.shared.signalName { throw SourceError.interrupted(path: path, signal: signal) }
            throw SourceError.tooSlow(path: path, seconds: timeoutSeconds, culprit: slowRelation())
        } catch let error as SQLiteError {
            throw Self.classify(error, path: path)
        }
        guard !before.isEmpty, fingerprint() == before else {
            throw SourceError.damaged(path: path, reason: "changed while it was being read (overwritten in place)")
        }
        return result
    }

    /// Runs `body` on the connection, interrupted once `seconds` have passed or on SIGTERM/SIGINT.
    private func withDeadline<T>(_ seconds: Double, _ body: () throws -> T) rethrows -> T {
        let deadline = DispatchTime.now() + seconds
        connection.interrupt(when: Stopper { DispatchTime.now() > deadline || Interruption.shared.requested != nil })
        defer { connection.interrupt(when: nil) }
        return try body()
    }

    /// After a read ran out of time: the canonical relation that does not finish a plain count within a
    /// few seconds, named as the user can fix it (`source.views.X`, or a view of the copy itself).
    private func slowRelation() -> String? {
        for (relation, _) in Self.canonicalColumns {
            do {
                _ = try withDeadline(min(timeoutSeconds, 5)) { try connection.scalar("SELECT count(*) FROM \"\(relation)\"") }
            } catch {
                return views.contains(relation) ? "source.views.\(relation)" : "\(relation) (a view inside the MIS copy)"
            }
        }
        return nil
    }

    /// Maps an SQLite failure on the copy to what the user should do about it.
    /// `SQLITE_CANTOPEN` on a read-only connection is, in practice, a WAL copy whose `-shm` file cannot be
    /// made: SQLite needs to write beside the copy even to read it.
    static func classify(_ error: any Error, path: String) -> SourceError {
        guard let error = error as? SQLiteError else {
            return error as? SourceError ?? .readFailed(path: path, message: "\(error)")
        }
        switch error.primaryCode {
        case SQLITE_NOTADB: return .notADatabase(path: path)
        case SQLITE_CORRUPT: return .damaged(path: path, reason: "damaged or truncated (\(error.message))")
        case SQLITE_IOERR: return .damaged(path: path, reason: "unreadable (\(error.message))")
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy(path: path)
        case SQLITE_FULL, SQLITE_NOMEM: return .outOfSpace(path: path, message: error.message)
        case SQLITE_CANTOPEN, SQLITE_READONLY:
            if access(path + "-wal", F_OK) == 0 || access(path + "-journal", F_OK) == 0 {
                return .unfinishedWrite(path: path, message: error.message)
            }
            return .cannotOpen(path: path, reason: error.message)
        case SQLITE_AUTH: return .refused(path: path)
        case SQLITE_PERM:
            return .cannotOpen(path: path, reason: error.message)
        default: return .readFailed(path: path, message: error.message)
        }
    }
}

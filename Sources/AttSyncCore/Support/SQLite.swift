import CSQLite
import Foundation

/// An error reported by SQLite. Its text is SQLite's own message, which never contains bound values.
///
/// `SourceDatabase.classify` and `StateStore.classify` turn it into their domain's error by `primaryCode`.
/// It is not an `AttSyncError`: one that escaped them would be reported as a bug (exit 70).
package struct SQLiteError: Error, Equatable, CustomStringConvertible {
    /// The extended result code (`SQLITE_BUSY_SNAPSHOT`, `SQLITE_IOERR_SHORT_READ`…): extended codes are
    /// switched on for every connection, so the specific cause is never lost.
    package let code: Int32
    /// `sqlite3_errmsg` at the time of the failure, or "out of memory" when there was no connection to ask.
    package let message: String

    /// The primary result code (`SQLITE_BUSY`, `SQLITE_CORRUPT`, …).
    package var primaryCode: Int32 { code & 0xFF }

    package var description: String { "\(message) (SQLite code \(code))" }

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// The last failure on connection `handle`.
    init(handle: OpaquePointer?) {
        self.init(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
    }
}

/// A value bound to a statement parameter.
package enum SQLValue: Equatable, Sendable {
    /// SQL NULL: an absent optional (`http_status`, `reason`, …).
    case null
    /// Ids, counts, HTTP statuses, durations in milliseconds, `forced` as 0/1.
    case integer(Int64)
    /// Seconds: Retry-After and the wait taken, in `attempts`.
    case real(Double)
    /// Dates (`YYYY-MM-DD`), times (`timestamp`), codes, JSON. Copied by SQLite while binding.
    case text(String)
    /// Bytes kept exactly: the request body in `submissions.body`. Copied by SQLite while binding.
    case blob([UInt8])
}

/// One SQLite connection. Owns the `sqlite3` handle and closes it in `deinit`; statements it prepares
/// must not outlive it. Used from one thread at a time.
///
/// Opened `SQLITE_OPEN_NOMUTEX`: SQLite's own locking is off, so the one-thread-at-a-time rule is the
/// caller's to keep (a run has one thread). Extended result codes are on and the busy timeout is set before
/// any statement runs.
final class SQLiteConnection {
    /// The progress handler's `Stopper` (`interrupt(when:)`), kept alive here.
    private var stopper: Stopper?
    private let handle: OpaquePointer

    /// How the file is opened: each of the two databases attsync touches uses one.
    enum Mode {
        /// Never writes, never creates (the MIS copy).
        case readOnly
        /// Never writes, never creates, and takes the file as unchanging: no locks and no `-shm` or `-wal`
        /// beside it (a WAL copy without a `-wal` file, which a plain read-only open would leave them beside).
        case readOnlyImmutable
        /// Creates the file when missing (the state database).
        case readWriteCreate
    }

    /// Opens `path`.
    /// - Throws: `SQLiteError` when SQLite cannot open it (for `readOnly`, a missing file is an error).
    /// - Parameter busyTimeoutMilliseconds: how long a statement waits for another process's lock before it
    ///   fails with `SQLITE_BUSY` (10 s for the MIS copy, 5 s for the state database).
    init(path: String, mode: Mode, busyTimeoutMilliseconds: Int32) throws(SQLiteError) {
        var pointer: OpaquePointer?
        let flags: Int32
        let name: String
        switch mode {
        case .readOnly: (flags, name) = (SQLITE_OPEN_READONLY, path)
        case .readOnlyImmutable: (flags, name) = (SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, Self.uri(path) + "?immutable=1")
        case .readWriteCreate: (flags, name) = (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, path)
        }
        let result = sqlite3_open_v2(name, &pointer, flags | SQLITE_OPEN_NOMUTEX, nil)
        // A failed open still returns a handle (except when out of memory): the error is read from it, then it
        // is closed here, since no instance exists yet to close it in `deinit`.
        guard let pointer else { throw SQLiteError(code: result, message: "out of memory") }
        guard result == SQLITE_OK else {
            let error = SQLiteError(handle: pointer)
            sqlite3_close_v2(pointer)
            throw error
        }
        handle = pointer
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    }

    // `close_v2` rather than `close`: should a statement still be alive, SQLite finishes the close when it is
    // finalized instead of failing and leaking the handle.
    deinit {
        sqlite3_progress_handler(handle, 0, nil, nil)
        sqlite3_close_v2(handle)
    }

    /// `file:` URI of an absolute or relative path, every byte outside the unreserved set and `/`
    /// percent-encoded (a `?` or `#` in a folder name must not start the query).
    private static func uri(_ path: String) -> String {
        var out = "file:"
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// Whether `sql` is exactly one statement that only reads (a `SELECT` or `WITH … SELECT`): nothing
    /// after it but white space and comments, nothing it could write, attach or configure.
    /// - Throws: `SQLiteError` when it does not compile.
    func isOneReadOnlyStatement(_ sql: String) throws(SQLiteError) -> Bool {
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let utf8 = Array(sql.utf8CString)
        return try utf8.withUnsafeBufferPointer { buffer throws(SQLiteError) -> Bool in
            guard let base = buffer.baseAddress else { return false }
            guard sqlite3_prepare_v2(handle, base, -1, &statement, &tail) == SQLITE_OK else { throw SQLiteError(handle: handle) }
            defer { sqlite3_finalize(statement) }
            guard let statement, sqlite3_stmt_readonly(statement) != 0, sqlite3_stmt_isexplain(statement) == 0 else { return false }
            guard let tail, tail.pointee != 0 else { return true }
            var next: OpaquePointer?
            guard sqlite3_prepare_v2(handle, tail, -1, &next, nil) == SQLITE_OK else { throw SQLiteError(handle: handle) }
            defer { sqlite3_finalize(next) }
            return next == nil  // only white space and comments remain
        }
    }

    /// Refuses, at compile time of every statement from now on, what a read of the MIS copy never needs:
    /// ATTACH and DETACH, pragmas other than the schema reads `table_info`, `index_list` and `index_xinfo`,
    /// loading extensions, and creating, altering or dropping anything outside the TEMP schema (attsync's own
    /// tables and views live there).
    func restrictToReading() {
        sqlite3_set_authorizer(handle, readOnlyAuthorizer, nil)
    }

    /// The collating sequence `column` of `table` in `schema` is declared with (`BINARY` unless the declaration
    /// names another), or nil when SQLite cannot say: no such table or column, or `table` is a view.
    func declaredCollation(schema: String, table: String, column: String) -> String? {
        var type: UnsafePointer<CChar>?
        var collation: UnsafePointer<CChar>?
        var notNull: Int32 = 0
        var primaryKey: Int32 = 0
        var autoIncrement: Int32 = 0
        guard
            sqlite3_table_column_metadata(handle, schema, table, column, &type, &collation, &notNull, &primaryKey, &autoIncrement)
                == SQLITE_OK, let collation
        else { return nil }
        return String(cString: collation)
    }

    /// Makes every statement stop with `SQLITE_INTERRUPT` once `stop()` answers true (checked every few
    /// thousand virtual-machine steps); nil removes it.
    func interrupt(when stop: Stopper?) {
        // SQLite holds the pointer unretained: the connection keeps the stopper alive until it is replaced.
        stopper = stop
        guard let stop else {
            sqlite3_progress_handler(handle, 0, nil, nil)
            return
        }
        sqlite3_progress_handler(handle, 10_000, progressCallback, Unmanaged.passUnretained(stop).toOpaque())
    }

    /// Runs one or more statements without parameters or results (schema, pragmas, BEGIN/COMMIT).
    /// - Throws: `SQLiteError` for the first statement that fails; the ones before it have taken effect, so
    ///   wrap several in `transaction` when they must stand or fall together.
    func execute(_ sql: String) throws(SQLiteError) {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw SQLiteError(handle: handle) }
    }

    /// Runs one statement with bound values, calling `row` for each result row.
    /// Values are always bound, never interpolated into `sql` (habit 7): `bindings[0]` is `?1`. The statement
    /// is prepared for this call and finalized when it returns, so rows cannot outlive it.
    /// - Throws: `SQLiteError` from prepare, bind or step, or whatever `row` throws (which stops the query).
    func query(_ sql: String, _ bindings: [SQLValue] = [], row: (SQLiteRow) throws -> Void) throws {
        let statement = try SQLiteStatement(connection: handle, sql: sql)
        try statement.bind(bindings)
        while try statement.step() { try row(SQLiteRow(statement: statement.handle)) }
    }

    /// Runs one statement with bound values, ignoring any result rows.
    func run(_ sql: String, _ bindings: [SQLValue] = []) throws {
        try query(sql, bindings) { _ in }
    }

    /// The first column of the first row, or nil when there is no row.
    /// Steps through every row but keeps the first, so use it with queries that give one row.
    func scalar(_ sql: String, _ bindings: [SQLValue] = []) throws -> SQLValue? {
        var value: SQLValue?
        try query(sql, bindings) { row in if value == nil { value = row.value(0) } }
        return value
    }

    /// The rowid of the last INSERT on this connection: `StateStore.beginSubmission` returns it as the
    /// submission id.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` inside `BEGIN <kind>` … `COMMIT`, rolling back when it throws.
    /// - Parameter kind: `IMMEDIATE` (the default) takes the write lock at BEGIN, so a busy database fails
    ///   before any work rather than at COMMIT; `DEFERRED` for a read, whose snapshot starts at the first read.
    /// - Throws: what `body` throws, or `SQLiteError` from BEGIN or COMMIT. A failed COMMIT is rolled back too;
    ///   a failed ROLLBACK is ignored, since the first error is the one worth reporting.
    func transaction<T>(_ kind: String = "IMMEDIATE", _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind)")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// A prepared statement, finalized in `deinit`.
///
/// Owns the `sqlite3_stmt`. It borrows the connection's handle (never closes it), so it must not outlive its
/// `SQLiteConnection`: `query` keeps it local for that reason.
private final class SQLiteStatement {
    /// The `sqlite3_stmt`, read by `SQLiteRow` while `query` steps.
    let handle: OpaquePointer
    /// Borrowed from the `SQLiteConnection`, to read error messages.
    private let connection: OpaquePointer

    /// - Throws: `SQLiteError` when it does not compile: a missing table or column fails here, not at step.
    init(connection: OpaquePointer, sql: String) throws(SQLiteError) {
        self.connection = connection
        var pointer: OpaquePointer?
        let result = sqlite3_prepare_v2(connection, sql, -1, &pointer, nil)
        guard result == SQLITE_OK, let pointer else {
            throw SQLiteError(handle: connection)
        }
        handle = pointer
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds `values` to `?1`, `?2`, … in order. Text and blobs go through the CSQLite shim with
    /// `SQLITE_TRANSIENT`, so SQLite copies them and the Swift buffers need to live only for the call.
    /// - Throws: `SQLiteError`, e.g. for more values than the statement has parameters.
    func bind(_ values: [SQLValue]) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .null: result = sqlite3_bind_null(handle, index)
            case .integer(let number): result = sqlite3_bind_int64(handle, index, number)
            case .real(let number): result = sqlite3_bind_double(handle, index, number)
            case .text(let text):
                // An empty array may have no buffer address: bind an empty C string then, which is '' and not NULL.
                let bytes = Array(text.utf8)
                result = bytes.withUnsafeBufferPointer { buffer in
                    buffer.baseAddress.map { base in
                        base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                            attsync_sqlite3_bind_text(handle, index, $0, Int32(bytes.count))
                        }
                    } ?? attsync_sqlite3_bind_text(handle, index, "", 0)
                }
            case .blob(let bytes):
                // A NULL pointer would bind SQL NULL, not an empty blob: an empty array gets a dummy non-null address.
                result = bytes.withUnsafeBytes { buffer in
                    attsync_sqlite3_bind_blob(handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count))
                }
            }
            guard result == SQLITE_OK else { throw SQLiteError(handle: connection) }
        }
    }

    /// Steps once: true when a row is ready, false when done.
    /// - Throws: `SQLiteError` for anything but a row or the end: `SQLITE_BUSY` after the busy timeout,
    ///   `SQLITE_CORRUPT`, a constraint, an I/O error.
    func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(handle: connection)
        }
    }
}

/// The current row of a statement during `query`; valid only inside the row callback.
struct SQLiteRow {
    /// Borrowed from the `SQLiteStatement` being stepped.
    fileprivate let statement: OpaquePointer

    /// The column in its storage class, unconverted (a date stored as a number stays a number).
    func value(_ column: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
        case SQLITE_BLOB: return .blob(blob(column))
        default: return .text(text(column) ?? "")
        }
    }

    /// Where NULL means something (`http_status`, `finished_at`): `int` and `double` give 0 for NULL.
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    /// Whether the column holds a blob (which `text` gives as its bytes, not converted).
    func isBlob(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_BLOB }

    /// SQLite's conversion to an integer: NULL and non-numeric text give 0, so check `isNull` where it matters.
    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }

    /// The column as text, or nil when NULL.
    /// SQLite's pointer is valid only until the next step, so the bytes are copied into the String at once;
    /// invalid UTF-8 is repaired rather than trusted.
    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// The column as bytes, copied out of SQLite's buffer; NULL and an empty blob both give `[]`.
    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard let pointer = sqlite3_column_blob(statement, column), count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}

/// Decides when a long statement stops (`SQLiteConnection.interrupt(when:)`). The caller keeps it alive
/// while it is installed.
final class Stopper {
    let shouldStop: () -> Bool
    init(_ shouldStop: @escaping () -> Bool) { self.shouldStop = shouldStop }
}

private let progressCallback: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { context in
    guard let context else { return 0 }
    return Unmanaged<Stopper>.fromOpaque(context).takeUnretainedValue().shouldStop() ? 1 : 0
}

/// The pragmas a read may use: they describe the schema and change nothing.
private let readablePragmas: Set<String> = ["table_info", "index_list", "index_xinfo"]

private let readOnlyAuthorizer:
    @convention(c) (
        UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?
    ) -> Int32 = { _, action, first, _, _, _ in
        let name = first.map { String(cString: $0) }
        switch action {
        case SQLITE_ATTACH, SQLITE_DETACH, SQLITE_CREATE_TABLE, SQLITE_CREATE_INDEX, SQLITE_CREATE_TRIGGER, SQLITE_CREATE_VIEW,
            SQLITE_DROP_TABLE, SQLITE_DROP_INDEX, SQLITE_DROP_TRIGGER, SQLITE_DROP_VIEW, SQLITE_ALTER_TABLE, SQLITE_CREATE_VTABLE,
            SQLITE_DROP_VTABLE:
            return SQLITE_DENY
        case SQLITE_PRAGMA:
            return readablePragmas.contains(name ?? "") ? SQLITE_OK : SQLITE_DENY
        case SQLITE_FUNCTION:
            return name == "load_extension" ? SQLITE_DENY : SQLITE_OK
        default:
            // Row changes are left to the read-only open: SQLite itself reports reads of its schema as
            // updates of sqlite_master, and attsync's own tables are TEMP.
            return SQLITE_OK
        }
    }

import CSQLite
import Foundation

/// The state database (`attsync.sqlite` in `stateDirectory`): consent, submissions, attempts and the
/// days accepted. WAL, `synchronous=FULL`, ordered forward-only migrations. Never holds a token or secret.
///
/// The last stage of the pipeline: what was sent, when, and what the DfE said. Ownership: the store owns
/// its `SQLiteConnection`, closed when the store goes. Only `send` and `consent give|remove` open it for
/// writing (`open`); `preview`, `history` and `consent status` use `openExisting`, which changes nothing.
package final class StateStore {
    package static let fileName = "attsync.sqlite"
    package static let lockName = "attsync.lock"
    /// Runs are one at a time (`RunLock`), but `consent give`, `history`, a backup or a `sqlite3` shell may
    /// hold the file meanwhile; past this wait the command fails with exit 75.
    static let busyTimeoutMilliseconds: Int32 = 5_000

    package let path: String
    /// Used by the `StateStore+…` extensions, always inside `write` or `read`.
    let db: SQLiteConnection

    /// Device and inode of the database file when it was opened: `checkInPlace` compares them.
    private let identity: [UInt64]

    private init(path: String, db: SQLiteConnection) {
        self.path = path
        self.db = db
        identity = Self.identity(path)
    }

    /// The device and inode at `path`; empty when nothing is there.
    private static func identity(_ path: String) -> [UInt64] {
        var status = stat()
        guard stat(path, &status) == 0 else { return [] }
        return [UInt64(status.st_dev), UInt64(status.st_ino)]
    }

    /// Whether the file at `path` is still the one this store opened: a database deleted or replaced during
    /// a run would take the run's records with it (SQLite keeps writing to the unlinked file).
    /// - Throws: `StateError.replaced`.
    package func checkInPlace() throws(StateError) {
        guard Self.identity(path) == identity else { throw .replaced(path: path) }
    }

    /// Creates the state directory (0700) when missing, opens or creates the database and migrates it.
    /// - Throws: `StateError` (73 for the directory, 74 for the database, 75 when busy).
    package static func open(directory: String) throws(StateError) -> StateStore {
        try createDirectory(directory)
        let path = directory + "/" + fileName
        try refuseLinks(path)
        do {
            let db = try SQLiteConnection(path: path, mode: .readWriteCreate, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            // WAL, so a reader (`history` during a send) never blocks the writer; FULL, so a committed submission
            // row survives a power cut; foreign keys, so an attempt cannot point at no submission.
            try db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            let store = StateStore(path: path, db: db)
            try store.migrate()
            giveToDirectoryOwner(directory, files: [path, path + "-wal", path + "-shm"])
            return store
        } catch {
            throw classify(error, path: path)
        }
    }

    /// The database's files must be the files themselves: a symbolic link planted in the state directory
    /// would make attsync write wherever it points.
    /// - Throws: `StateError.symbolicLink`.
    static func refuseLinks(_ path: String) throws(StateError) {
        for file in [path, path + "-wal", path + "-shm"] {
            var status = stat()
            if lstat(file, &status) == 0, status.st_mode & S_IFMT == S_IFLNK { throw .symbolicLink(path: file) }
        }
    }

    /// When root runs a command (`consent give` by an administrator), the files it creates go to the owner
    /// of the state directory, so that the service user can still write them on the next scheduled run.
    static func giveToDirectoryOwner(_ directory: String, files: [String]) {
        var status = stat()
        guard geteuid() == 0, stat(directory, &status) == 0, status.st_uid != 0 else { return }
        for file in files { _ = lchown(file, status.st_uid, status.st_gid) }
    }

    /// Opens an existing database without creating or migrating anything (for `preview` and `history`);
    /// nil when there is none yet.
    /// - Throws: `StateError.cannotRead` when the database exists but this user cannot read it (it is never
    ///   taken for "no submissions yet").
    package static func openExisting(directory: String) throws(StateError) -> StateStore? {
        let path = directory + "/" + fileName
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw .cannotRead(path: path, reason: String(cString: strerror(errno)), owner: nil)
        }
        try refuseLinks(path)
        let owner = FileCheck.ownerName(status.st_uid)
        guard access(path, R_OK) == 0 else { throw .cannotRead(path: path, reason: String(cString: strerror(errno)), owner: owner) }
        do {
            let db = try SQLiteConnection(path: path, mode: .readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            let store = StateStore(path: path, db: db)
            let version = try store.schemaVersion()
            guard version <= migrations.count else { throw StateError.newerSchema(path: path, found: version, known: migrations.count) }
            // A file with no migrations applied is as good as none: nothing to read.
            return version == 0 ? nil : store
        } catch let error as SQLiteError where [SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_READONLY].contains(error.primaryCode) {
            throw .cannotRead(path: path, reason: error.message, owner: owner)
        } catch {
            throw classify(error, path: path)
        }
    }

    /// Creates the state directory (0700) unless it exists; an existing one must not be writable by group
    /// or others (anyone could replace the database or plant a link in it).
    /// - Throws: `StateError.cannotCreateDirectory`, `StateError.looseDirectory`.
    package static func createDirectory(_ directory: String) throws(StateError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .cannotCreateDirectory(path: directory, reason: "a file is in the way") }
            var status = stat()
            if stat(directory, &status) == 0, Int(status.st_mode) & 0o022 != 0 {
                throw .looseDirectory(path: directory, mode: Int(status.st_mode) & 0o7777)
            }
            return
        }
        // 0700: the database holds the bodies sent and who gave consent. Only the last component is created, so
        // a missing parent is exit 73 with the system's reason. EEXIST means another process made it meanwhile.
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            throw .cannotCreateDirectory(path: directory, reason: String(cString: strerror(errno)))
        }
    }

    /// Any failure of the state database is 74 (cannot write), except a lock held too long (75, try again),
    /// a newer schema and a value attsync cannot read back, which keep their own messages.
    static func classify(_ error: any Error, path: String) -> StateError {
        if let error = error as? StateError { return error }
        if let error = error as? CorruptValue { return .corrupt(path: path, what: error.what) }
        guard let error = error as? SQLiteError else { return .cannotWrite(path: path, reason: "\(error)") }
        switch error.primaryCode {
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy(path: path)
        default: return .cannotWrite(path: path, reason: error.message)
        }
    }

    /// Runs `body` in an immediate transaction; SQLite failures become `StateError`.
    /// IMMEDIATE, so a busy database fails at BEGIN, before any work, rather than at COMMIT.
    func write<T>(_ body: () throws -> T) throws(StateError) -> T {
        do {
            return try db.transaction("IMMEDIATE", body)
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// Runs a read; SQLite failures become `StateError`.
    /// DEFERRED, so several queries see one consistent state of the database.
    func read<T>(_ body: () throws -> T) throws(StateError) -> T {
        do {
            return try db.transaction("DEFERRED", body)
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// The number of migrations applied (the highest id in `schema_migrations`), 0 for a new file.
    func schemaVersion() throws -> Int {
        let exists = try db.scalar("SELECT 1 FROM sqlite_schema WHERE name = 'schema_migrations'") != nil
        guard exists, case .integer(let version)? = try db.scalar("SELECT coalesce(max(id), 0) FROM schema_migrations") else { return 0 }
        return Int(version)
    }

    /// Applies the migrations not yet applied, in order, each in its own transaction with its row in
    /// `schema_migrations`, so a crash between two leaves a database the next run continues from.
    /// - Throws: `StateError.newerSchema` when the file has more migrations than this attsync knows.
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
}

/// UTC, milliseconds: `2026-11-27T16:05:03.123Z`, the form every time in the state database takes.
func timestamp(_ date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
}

/// A value in the state database that attsync did not write or cannot read back: state corruption is an
/// error (`StateError.corrupt`), never a default such as an empty list or 1970.
struct CorruptValue: Error {
    /// Which value, in words (`submissions.dates of submission 12`).
    let what: String
}

extension SQLiteRow {
    /// A time written by `timestamp`. NULL is corrupt too: where the column may be NULL, callers test `isNull` first.
    func timestamp(_ column: Int32, _ what: @autoclosure () -> String) throws(CorruptValue) -> Date {
        guard let text = text(column), let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) else {
            throw CorruptValue(what: what())
        }
        return date
    }

    /// A JSON column decoded as `T`.
    func json<T: Decodable>(_ column: Int32, as type: T.Type, _ what: @autoclosure () -> String) throws(CorruptValue) -> T {
        guard let text = text(column), let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else {
            throw CorruptValue(what: what())
        }
        return value
    }

    /// A text column that must hold one of `T`'s raw values.
    func enumeration<T: RawRepresentable>(_ column: Int32, as type: T.Type, _ what: @autoclosure () -> String) throws(CorruptValue) -> T
    where T.RawValue == String {
        guard let value = text(column).flatMap(T.init(rawValue:)) else { throw CorruptValue(what: what()) }
        return value
    }
}

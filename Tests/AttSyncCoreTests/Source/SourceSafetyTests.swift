import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// The MIS copy and `source.views` are outside attsync's control: a view runs as exactly one SELECT, a
/// read is bounded in time, runtime errors in the data are source problems, and a read leaves nothing
/// beside the copy.
@Suite struct SourceSafetyTests {
    static let noMap = Configuration.Codes(map: [:], unknown: .fail)

    /// A small canonical copy in `directory`.
    func copy(_ directory: TemporaryDirectory, extraSQL: String = "") throws -> String {
        var school = MISFixture()
        school.pupil("a", "1", from: "2026-09-01")
        school.mark("a", "2026-11-27", am: "/", pm: "\\")
        school.extraSQL = extraSQL
        try school.write(to: directory.file("mis.sqlite"))
        return directory.file("mis.sqlite")
    }

    func aggregate(_ source: SourceDatabase) throws -> SchoolFigures {
        try source.read { try Aggregator(codes: Self.noMap).aggregate($0, days: [Day("2026-11-27")], runDate: Day("2026-11-27")) }
    }

    @Test(arguments: [
        "SELECT * FROM main.attendance_marks; DROP VIEW attendance_marks; CREATE TEMP VIEW attendance_marks AS SELECT 'x', '2026-11-27', 'AM', 'I'",
        "SELECT * FROM main.attendance_marks; SELECT 1",
        "SELECT * FROM main.attendance_marks UNION ALL SELECT 'z', '2026-11-27', 'AM', name FROM pragma_database_list",
    ])
    func aViewMustBeExactlyOneReadingSelect(select: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try copy(directory)
        #expect {
            _ = try aggregate(try SourceDatabase(path: path, views: ["attendance_marks": select]))
        } throws: { error in
            switch error {
            case SourceError.brokenView(let name, _): return name == "attendance_marks" && ExitStatus(for: error) == .configuration
            case SourceError.refused: return ExitStatus(for: error) == .configuration  // the pragma, refused when read
            default: return false
            }
        }
    }

    @Test func aViewMayEndWithASemicolonOrAComment() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try SourceDatabase(
            path: try copy(directory), views: ["attendance_marks": "SELECT * FROM main.attendance_marks; -- all"])
        #expect(try aggregate(source).days[0].am.counted == 1)
    }

    @Test func aViewThatNeverFinishesIsStoppedAndNamed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let endless = """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
            SELECT 'p' || i AS pupil_id, '2026-11-27' AS date, 'AM' AS session, '/' AS code FROM n
            """
        let source = try SourceDatabase(path: try copy(directory), views: ["attendance_marks": endless], timeoutSeconds: 0.5)
        #expect {
            try aggregate(source)
        } throws: { error in
            guard case SourceError.tooSlow(_, _, let culprit) = error else { return false }
            return culprit == "source.views.attendance_marks" && ExitStatus(for: error) == .configuration
                && "\(error)".contains("schools[].source.timeoutSeconds")
        }
    }

    @Test func aViewInsideTheCopyThatNeverFinishesIsNamedAsTheCopys() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var school = MISFixture()
        school.canonicalTables = false
        school.extraSQL = """
            CREATE TABLE enrolments (pupil_id TEXT, year_group TEXT, start_date TEXT, end_date TEXT);
            CREATE VIEW attendance_marks AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
              SELECT 'p' || i AS pupil_id, '2026-11-27' AS date, 'AM' AS session, '/' AS code FROM n;
            """
        try school.write(to: directory.file("mis.sqlite"))
        let source = try SourceDatabase(path: directory.file("mis.sqlite"), views: [:], timeoutSeconds: 0.5)
        #expect {
            try aggregate(source)
        } throws: { error in
            guard case SourceError.tooSlow(_, _, let culprit) = error else { return false }
            return culprit == "attendance_marks (a view inside the MIS copy)" && ExitStatus(for: error) == .dataError
        }
    }

    @Test(arguments: [
        "SELECT pupil_id, date, session, json_extract('{bad', '$') AS code FROM main.attendance_marks",
        "SELECT pupil_id, date, session, CASE WHEN abs(-9223372036854775807 - 1) > 0 THEN code END AS code FROM main.attendance_marks",
    ])
    func aRuntimeErrorInAViewIsASourceProblemNotAnInternalError(select: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect {
            let source = try SourceDatabase(path: try copy(directory), views: ["attendance_marks": select])
            _ = try aggregate(source)
        } throws: { error in
            let status = ExitStatus(for: error)
            return status == .dataError || status == .configuration
        }
    }

    @Test func aViewMayReadTablesNamedLikeAttsyncsOwnWorkingTables() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try copy(
            directory,
            extraSQL: """
                CREATE TABLE marks (pupil_id TEXT, date TEXT, session TEXT, code TEXT);
                INSERT INTO marks VALUES ('a', '2026-11-27', 'AM', '/'), ('a', '2026-11-27', 'PM', '\\');
                CREATE TABLE roll (x); CREATE TABLE covering (x);
                """)
        let source = try SourceDatabase(path: path, views: ["attendance_marks": "SELECT pupil_id, date, session, code FROM marks"])
        #expect(try aggregate(source).days[0].pm.counted == 1)
    }

    @Test func aWALCopyIsReadWithoutLeavingFilesBesideIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try copy(directory)
        let db = try SQLiteConnection(path: path, mode: .readWriteCreate, busyTimeoutMilliseconds: 100)
        try db.execute("PRAGMA journal_mode = WAL")
        withExtendedLifetime(db) {}
        _ = consume db
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let source = try SourceDatabase(path: path, views: [:])
        #expect(try aggregate(source).days[0].am.counted == 1)
        _ = consume source
        #expect(!FileManager.default.fileExists(atPath: path + "-wal") && !FileManager.default.fileExists(atPath: path + "-shm"))
    }

    @Test func aCopyWithAnUnfinishedWriteIsTemporary() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try copy(directory)
        // A writer killed mid-transaction leaves a hot journal that only a writer may roll back.
        let script = """
            import sqlite3, os
            c = sqlite3.connect('\(path)', isolation_level=None)
            c.execute('PRAGMA cache_size = 1')
            c.execute('BEGIN')
            c.execute("CREATE TABLE filler (x)")
            c.executemany('INSERT INTO filler VALUES (?)', [('x' * 500,) for _ in range(2000)])
            os._exit(0)
            """
        let killed = try runProcess("/usr/bin/env", ["python3", "-c", script])
        #expect(killed.status == 0, "\(killed.stderr)")
        try #require(FileManager.default.fileExists(atPath: path + "-journal"))
        #expect {
            let source = try SourceDatabase(path: path, views: [:])
            _ = try aggregate(source)
        } throws: { error in
            guard case SourceError.unfinishedWrite = error else { return false }
            return ExitStatus(for: error) == .temporaryFailure
        }
    }
}

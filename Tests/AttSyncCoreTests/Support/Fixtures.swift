import Foundation
import TestSupport

@testable import AttSyncCore

/// A canonical MIS copy written row by row, for hand-computed fixtures.
struct MISFixture {
    /// (pupil, year group, start, end)
    var enrolments: [(String, String, String, String?)] = []
    /// (pupil, date, session, code)
    var marks: [(String, String, String, String?)] = []
    /// Extra SQL run after the canonical tables are created (for non-canonical layouts).
    var extraSQL = ""
    var canonicalTables = true

    /// Pupil `pupil` is enrolled in `yearGroup` from `start` (to `end`) and marked `code` on `days`, both sessions.
    mutating func pupil(_ pupil: String, _ yearGroup: String, from start: String, to end: String? = nil) {
        enrolments.append((pupil, yearGroup, start, end))
    }

    mutating func mark(_ pupil: String, _ date: String, am: String?, pm: String?) {
        if let am { marks.append((pupil, date, "AM", am)) }
        if let pm { marks.append((pupil, date, "PM", pm)) }
    }

    func write(to path: String) throws {
        let db = try SQLiteConnection(path: path, mode: .readWriteCreate, busyTimeoutMilliseconds: 1000)
        if canonicalTables {
            try db.execute(
                """
                CREATE TABLE enrolments (pupil_id TEXT NOT NULL, year_group TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT);
                CREATE TABLE attendance_marks (pupil_id TEXT NOT NULL, date TEXT NOT NULL, session TEXT NOT NULL,
                  code TEXT NOT NULL, PRIMARY KEY (pupil_id, date, session));
                CREATE INDEX attendance_marks_by_date ON attendance_marks(date);
                """)
        }
        try db.execute(extraSQL)
        try db.transaction {
            for row in enrolments {
                try db.run(
                    "INSERT INTO enrolments VALUES (?, ?, ?, ?)",
                    [.text(row.0), .text(row.1), .text(row.2), row.3.map(SQLValue.text) ?? .null])
            }
            for row in marks {
                try db.run(
                    "INSERT INTO attendance_marks VALUES (?, ?, ?, ?)",
                    [.text(row.0), .text(row.1), .text(row.2), row.3.map(SQLValue.text) ?? .null])
            }
        }
    }
}

/// A configuration with the required keys, one school reading `source`, and `extra` top-level keys.
func configurationJSON(source: String = "mis.sqlite", schools: String? = nil, extra: String = "") -> String {
    configurationText(
        extra: extra, dfe: dfeText(base: "https://127.0.0.1:9", secretVariable: "ATTSYNC_TEST_SECRET"),
        schools: schools ?? oneSchoolText(name: "Fixture School", path: source))
}

extension Day {
    /// A date from a literal known to be valid, for tests.
    init(_ text: String) { self = Day(iso: text)! }
}

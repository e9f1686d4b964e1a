import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// The faster plans (`MarksTable`) are taken only when the copy guarantees them, read what they should
/// through the indexes, and give exactly what the general plans give.
@Suite struct PlanTests {
    static let subCodes = Configuration.Codes(map: ["I02": "I", "X01": "X", "V01": "V"], unknown: .fail)

    /// A schema variant of attendance_marks, and the plans it should get.
    struct Variant: CustomTestStringConvertible, Sendable {
        let name: String
        let schema: String
        var views: [String: String] = [:]
        let unique: Bool
        let indexed: Bool
        var testDescription: String { name }
    }

    static let enrolments = "CREATE TABLE enrolments (pupil_id TEXT, year_group TEXT, start_date TEXT, end_date TEXT);"

    static let variants: [Variant] = [
        Variant(
            name: "canonical",
            schema: """
                CREATE TABLE attendance_marks (pupil_id TEXT NOT NULL, date TEXT NOT NULL, session TEXT NOT NULL, code TEXT NOT NULL,
                  PRIMARY KEY (pupil_id, date, session));
                CREATE INDEX attendance_marks_by_date ON attendance_marks(date);
                """, unique: true, indexed: true),
        Variant(
            name: "a unique index on part of the key, date first",
            schema: """
                CREATE TABLE attendance_marks (pupil_id TEXT, date TEXT, session TEXT, code TEXT);
                CREATE UNIQUE INDEX one_a_day ON attendance_marks(date, pupil_id);
                """, unique: true, indexed: true),
        Variant(
            name: "no key",
            schema: """
                CREATE TABLE attendance_marks (pupil_id TEXT, date TEXT, session TEXT, code TEXT);
                CREATE INDEX attendance_marks_by_date ON attendance_marks(date);
                """, unique: false, indexed: true),
        Variant(
            name: "a key that is not the pupil's session",
            schema: """
                CREATE TABLE attendance_marks (pupil_id TEXT, date TEXT, session TEXT, code TEXT, PRIMARY KEY (pupil_id, date, code));
                """, unique: false, indexed: false),
        Variant(
            name: "NOCASE pupils",
            schema: """
                CREATE TABLE attendance_marks (pupil_id TEXT COLLATE NOCASE, date TEXT, session TEXT, code TEXT);
                CREATE UNIQUE INDEX k ON attendance_marks(pupil_id COLLATE BINARY, date, session);
                """, unique: false, indexed: false),
        Variant(
            name: "partial indexes",
            schema: """
                CREATE TABLE attendance_marks (pupil_id TEXT, date TEXT, session TEXT, code TEXT);
                CREATE UNIQUE INDEX k ON attendance_marks(pupil_id, date, session) WHERE code != 'X';
                CREATE INDEX d ON attendance_marks(date) WHERE date > '2026';
                """, unique: false, indexed: false),
        Variant(
            name: "date index of another collation",
            schema: """
                CREATE TABLE attendance_marks (pupil_id TEXT, date TEXT, session TEXT, code TEXT);
                CREATE INDEX d ON attendance_marks(date COLLATE NOCASE);
                """, unique: false, indexed: false),
        Variant(
            name: "a view inside the copy",
            schema: """
                CREATE TABLE marks (pupil_id TEXT, date TEXT, session TEXT, code TEXT, PRIMARY KEY (pupil_id, date, session));
                CREATE INDEX marks_by_date ON marks(date);
                CREATE VIEW attendance_marks AS SELECT * FROM marks;
                """, unique: false, indexed: false),
        Variant(
            name: "source.views over the canonical table",
            schema: """
                CREATE TABLE attendance_marks (pupil_id TEXT NOT NULL, date TEXT NOT NULL, session TEXT NOT NULL, code TEXT NOT NULL,
                  PRIMARY KEY (pupil_id, date, session));
                CREATE INDEX attendance_marks_by_date ON attendance_marks(date);
                """, views: ["attendance_marks": "SELECT * FROM main.attendance_marks"], unique: false, indexed: false),
    ]

    @Test(arguments: variants)
    func theFasterPlansAreTakenOnlyWhereTheCopyGuaranteesThem(_ variant: Variant) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try SQLiteConnection(path: directory.file("mis.sqlite"), mode: .readWriteCreate, busyTimeoutMilliseconds: 100)
        try db.execute(Self.enrolments + variant.schema)
        let source = try SourceDatabase(path: directory.file("mis.sqlite"), views: variant.views)
        let table = try source.read { try MarksTable.inspect($0.connection) }
        #expect(table == MarksTable(uniqueMarks: variant.unique, dateIndexed: variant.indexed))
    }

    @Test func theMarksAreReadThroughTheDateIndexAndFindTheirYearGroupByTheRollsKey() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try generateSchool(at: directory.file("mis.sqlite"), arguments: ["--seed", "1", "--pupils", "60"])
        let source = try SourceDatabase(path: directory.file("mis.sqlite"), views: [:])
        let plan = try source.read { snapshot in
            let days = SchoolCalendar().window(endingOn: Day("2026-11-27"), schoolDays: 8)
            _ = try Aggregator(codes: Self.subCodes).aggregate(snapshot, days: days, runDate: Day("2026-11-27"))
            var plan: [String] = []
            try snapshot.connection.query("EXPLAIN QUERY PLAN " + Aggregator.groupedMarksSQL, [.text("2026-11-27")]) { row in
                plan.append(row.text(3) ?? "")
            }
            return plan
        }
        #expect(plan.contains { $0.hasPrefix("SEARCH m USING INDEX attendance_marks_by_date (date=?)") }, "\(plan)")
        #expect(plan.contains { $0.hasPrefix("SEARCH r USING PRIMARY KEY (pupil_id=? AND from_day<?)") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN m") || $0.hasPrefix("SCAN r") }, "\(plan)")
    }

    /// The same figures through the faster plans (the canonical table) and the general ones (a view of it).
    /// The first span crosses 1 September, so pupils who move up have two rows in it.
    @Test(arguments: [
        (["--seed", "2", "--pupils", "300", "--phase", "secondary", "--from", "2026-06-01", "--to", "2026-10-02"], "2026-09-11", 20),
        (["--seed", "7", "--pupils", "90"], "2026-11-27", 40),
    ])
    func bothPlansGiveTheSameFigures(_ generator: [String], _ runDate: String, _ schoolDays: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try generateSchool(at: directory.file("mis.sqlite"), arguments: generator)
        let days = SchoolCalendar().window(endingOn: Day(runDate), schoolDays: schoolDays)
        func figures(_ views: [String: String]) throws -> SchoolFigures {
            let source = try SourceDatabase(path: directory.file("mis.sqlite"), views: views)
            return try source.read { snapshot in
                try Aggregator(codes: Self.subCodes).aggregate(snapshot, days: days, runDate: Day(runDate))
            }
        }
        let fast = try figures([:])
        let general = try figures(["attendance_marks": "SELECT * FROM main.attendance_marks"])
        #expect(fast == general)
        #expect(fast.days.filter(\.hasMarks).count >= 5)
    }

    /// Pupils with several enrolments in the span (the only ones `attsync_covering` holds), overlapping and
    /// tied, give the same figures and the same problems through both plans.
    @Test func pupilsWithSeveralEnrolmentsAreResolvedAlikeByBothPlans() throws {
        var school = MISFixture()
        school.pupil("a", "6", from: "2025-09-01")
        school.pupil("a", "X", from: "2026-11-26")
        school.pupil("a", "7", from: "2026-11-27", to: "2026-11-27")
        school.pupil("b", "5", from: "2025-09-01", to: "2026-11-26")
        school.pupil("b", "6", from: "2026-11-27")
        school.pupil("c", "5", from: "2026-11-27")
        for pupil in ["a", "b", "c"] {
            school.mark(pupil, "2026-11-26", am: "/", pm: "\\")
            school.mark(pupil, "2026-11-27", am: "L", pm: "\\")
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try school.write(to: directory.file("mis.sqlite"))
        func figures(_ views: [String: String]) throws -> SchoolFigures {
            let source = try SourceDatabase(path: directory.file("mis.sqlite"), views: views)
            return try source.read { snapshot in
                try Aggregator(codes: Self.subCodes)
                    .aggregate(snapshot, days: [Day("2026-11-26"), Day("2026-11-27")], runDate: Day("2026-11-27"))
            }
        }
        let fast = try figures([:])
        #expect(fast == (try figures(["attendance_marks": "SELECT * FROM main.attendance_marks"])))
        #expect(fast.days[0].onRoll == ["X": 1, "5": 1] && fast.days[1].onRoll == ["7": 1, "6": 1, "5": 1])
        #expect(fast.days.map(\.overlappingEnrolments) == [1, 1])
        #expect(fast.days[1].am.counts == ["7": ["L": 1], "6": ["L": 1], "5": ["L": 1]])

        let db = try SQLiteConnection(path: directory.file("mis.sqlite"), mode: .readWriteCreate, busyTimeoutMilliseconds: 100)
        try db.run("INSERT INTO enrolments VALUES ('c', '4', '2026-11-27', NULL)")
        let tie = try #require(throws: DataError.self) { try figures([:]) }
        let general = try #require(throws: DataError.self) { try figures(["attendance_marks": "SELECT * FROM main.attendance_marks"]) }
        #expect(tie == general)
        #expect("\(tie)".contains("(of 1 pupil) that start the same day"))
    }

    /// Invalid dates (NULL, a number, impossible dates) are found and counted alike whether the distinct
    /// dates are walked through the index or grouped from every mark.
    @Test func invalidDatesAreTheSameThroughTheIndexAndWithout() throws {
        func problems(indexed: Bool) throws -> [DataError.Problem] {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            var school = MISFixture()
            school.canonicalTables = false
            school.extraSQL =
                Self.enrolments
                + "CREATE TABLE attendance_marks (pupil_id, date, session, code);"
                + (indexed ? "CREATE INDEX attendance_marks_by_date ON attendance_marks(date);" : "")
            school.pupil("a", "5", from: "2026-09-01")
            school.mark("a", "2026-11-27", am: "/", pm: "\\")
            school.mark("a", "2026-02-30", am: "/", pm: "\\")
            school.mark("a", "27/11/2026", am: "/", pm: nil)
            try school.write(to: directory.file("mis.sqlite"))
            let db = try SQLiteConnection(path: directory.file("mis.sqlite"), mode: .readWriteCreate, busyTimeoutMilliseconds: 100)
            try db.execute(
                """
                INSERT INTO attendance_marks VALUES ('a', NULL, 'AM', '/'), ('a', NULL, 'PM', '/'), ('a', 20261127, 'AM', '/'),
                  ('a', 20261127.5, 'PM', '/'), ('a', x'3230', 'AM', '/');
                """)
            let source = try SourceDatabase(path: directory.file("mis.sqlite"), views: [:])
            #expect(try source.read { try MarksTable.inspect($0.connection).dateIndexed } == indexed)
            do {
                _ = try source.read { snapshot in
                    try Aggregator(codes: .init(map: [:], unknown: .fail))
                        .aggregate(snapshot, days: [Day("2026-11-27")], runDate: Day("2026-11-27"))
                }
            } catch DataError.invalidRows(let problems) {
                return problems
            }
            Issue.record("expected invalid rows")
            return []
        }
        let indexed = try problems(indexed: true)
        #expect(indexed == (try problems(indexed: false)))
        #expect(indexed.first?.count == 8)
        #expect(indexed.first?.examples.count == 3)
    }
}

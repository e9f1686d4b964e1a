import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// Hand-computed fixtures, one per rule of docs/mis-schema.md.
@Suite struct AggregationRuleTests {
    static let noMap = Configuration.Codes(map: [:], unknown: .fail)

    func aggregate(_ fixture: MISFixture, days: [String], runDate: String? = nil, codes: Configuration.Codes = noMap)
        throws -> SchoolFigures
    {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try fixture.write(to: directory.file("mis.sqlite"))
        let source = try SourceDatabase(path: directory.file("mis.sqlite"), views: [:])
        let dayList = days.map(Day.init)
        return try source.read { snapshot in
            try Aggregator(codes: codes).aggregate(snapshot, days: dayList, runDate: Day(runDate ?? days.last!))
        }
    }

    func figures(_ all: SchoolFigures, _ day: String) -> DayFigures { all.days.first { $0.day == Day(day) }! }

    @Test func countsPerYearGroupSessionAndCode() throws {
        var school = MISFixture()
        school.pupil("a", "7", from: "2026-09-01")
        school.pupil("b", "7", from: "2026-09-01")
        school.pupil("c", "8", from: "2026-09-01")
        school.mark("a", "2026-11-27", am: "/", pm: "\\")
        school.mark("b", "2026-11-27", am: "L", pm: "I")
        school.mark("c", "2026-11-27", am: "/", pm: "N")
        let day = figures(try aggregate(school, days: ["2026-11-27"]), "2026-11-27")
        #expect(day.onRoll == ["7": 2, "8": 1])
        #expect(day.am.counts == ["7": ["/": 1, "L": 1], "8": ["/": 1]])
        #expect(day.pm.counts == ["7": ["\\": 1, "I": 1], "8": ["N": 1]])
        #expect(day.am.read == 3 && day.am.counted == 3 && day.unmarked(.am) == 0)
    }

    @Test func leaverIsOnRollOnTheLastDayOnlyAndLaterMarksAreNotOnRoll() throws {
        var school = MISFixture()
        school.pupil("a", "5", from: "2026-09-01", to: "2026-11-25")
        school.pupil("b", "5", from: "2026-09-01")
        school.mark("a", "2026-11-25", am: "/", pm: "\\")
        school.mark("a", "2026-11-26", am: "/", pm: nil)
        school.mark("b", "2026-11-25", am: "/", pm: "\\")
        school.mark("b", "2026-11-26", am: "/", pm: "\\")
        let all = try aggregate(school, days: ["2026-11-25", "2026-11-26"])
        #expect(figures(all, "2026-11-25").onRoll == ["5": 2])
        #expect(figures(all, "2026-11-25").am.counts == ["5": ["/": 2]])
        let after = figures(all, "2026-11-26")
        #expect(after.onRoll == ["5": 1])
        #expect(after.am.notOnRoll == 1 && after.am.counted == 1 && after.am.read == 2)
        #expect(after.am.balances && after.pm.balances)
        #expect(all.totalOnRollOnRunDate == 1)
    }

    @Test func yearGroupIsTakenAsAtEachDateAcrossFirstSeptember() throws {
        var school = MISFixture()
        school.pupil("a", "7", from: "2025-09-01", to: "2026-08-31")
        school.pupil("a", "8", from: "2026-09-01")
        school.mark("a", "2026-08-31", am: "/", pm: "\\")
        school.mark("a", "2026-09-01", am: "/", pm: "\\")
        let all = try aggregate(school, days: ["2026-08-31", "2026-09-01"])
        #expect(figures(all, "2026-08-31").am.counts == ["7": ["/": 1]])
        #expect(figures(all, "2026-09-01").am.counts == ["8": ["/": 1]])
        #expect(figures(all, "2026-08-31").overlappingEnrolments == 0)
    }

    @Test func mappedSubCodeIsCountedAsItsNationalParent() throws {
        var school = MISFixture()
        for pupil in ["a", "b", "c"] { school.pupil(pupil, "R", from: "2026-09-01") }
        school.mark("a", "2026-11-27", am: "I02", pm: "I02")
        school.mark("b", "2026-11-27", am: "I", pm: "X01")
        school.mark("c", "2026-11-27", am: "/", pm: "\\")
        let codes = Configuration.Codes(map: ["I02": "I", "X01": "X"], unknown: .fail)
        let day = figures(try aggregate(school, days: ["2026-11-27"], codes: codes), "2026-11-27")
        #expect(day.am.counts == ["R": ["I": 2, "/": 1]])
        #expect(day.pm.counts == ["R": ["I": 1, "X": 1, "\\": 1]])
    }

    @Test func unknownCodeFailsWithCountsAndDatesUnderFail() throws {
        var school = MISFixture()
        school.pupil("a", "3", from: "2026-09-01")
        school.pupil("b", "3", from: "2026-09-01")
        school.mark("a", "2026-11-26", am: "ZZ", pm: "/")
        school.mark("a", "2026-11-27", am: "ZZ", pm: "\\")
        school.mark("b", "2026-11-27", am: "B2", pm: "\\")
        #expect(
            throws: DataError.unknownCodes([
                .init(code: "ZZ", mappedTo: nil, count: 2, days: [Day("2026-11-26"), Day("2026-11-27")]),
                .init(code: "B2", mappedTo: nil, count: 1, days: [Day("2026-11-27")]),
            ])
        ) {
            try aggregate(school, days: ["2026-11-26", "2026-11-27"])
        }
    }

    @Test func unknownCodeIsSkippedAndReportedUnderSkip() throws {
        var school = MISFixture()
        school.pupil("a", "3", from: "2026-09-01")
        school.pupil("b", "3", from: "2026-09-01")
        school.mark("a", "2026-11-27", am: "ZZ", pm: "\\")
        school.mark("b", "2026-11-27", am: "/", pm: "\\")
        let codes = Configuration.Codes(map: [:], unknown: .skip)
        let day = figures(try aggregate(school, days: ["2026-11-27"], codes: codes), "2026-11-27")
        #expect(day.am.counts == ["3": ["/": 1]])
        #expect(day.am.skipped == ["ZZ": 1])
        #expect(day.am.read == 2 && day.am.counted == 1 && day.am.balances)
        #expect(day.unmarked(.am) == 0, "a skipped mark is still a mark: the pupil was not unmarked")
    }

    @Test func eachDateIsValidatedByTheCodeSetInForceAcrossNineteenthAugust2024() throws {
        var school = MISFixture()
        school.pupil("a", "9", from: "2023-09-01")
        school.pupil("b", "9", from: "2023-09-01")
        school.mark("a", "2024-08-16", am: "H", pm: "H")
        school.mark("b", "2024-08-16", am: "/", pm: "Y")
        school.mark("a", "2024-08-19", am: "C2", pm: "Y1")
        school.mark("b", "2024-08-19", am: "K", pm: "\\")
        let all = try aggregate(school, days: ["2024-08-16", "2024-08-19"])
        #expect(figures(all, "2024-08-16").pm.counts == ["9": ["H": 1, "Y": 1]])
        #expect(figures(all, "2024-08-19").am.counts == ["9": ["C2": 1, "K": 1]])

        var late = school
        late.mark("a", "2024-08-20", am: "H", pm: nil)
        school.pupil("c", "9", from: "2023-09-01")
        #expect(throws: DataError.unknownCodes([.init(code: "H", mappedTo: nil, count: 1, days: [Day("2024-08-20")])])) {
            try aggregate(late, days: ["2024-08-16", "2024-08-19", "2024-08-20"])
        }
        var early = MISFixture()
        early.pupil("a", "9", from: "2023-09-01")
        early.mark("a", "2024-08-16", am: "K", pm: nil)
        #expect(throws: DataError.unknownCodes([.init(code: "K", mappedTo: nil, count: 1, days: [Day("2024-08-16")])])) {
            try aggregate(early, days: ["2024-08-16"])
        }
    }

    @Test func marksOfPupilsNotOnRollAreCountedApart() throws {
        var school = MISFixture()
        school.pupil("a", "1", from: "2026-09-01")
        school.pupil("z", "1", from: "2026-12-01")
        school.mark("a", "2026-11-27", am: "/", pm: "\\")
        school.mark("z", "2026-11-27", am: "Z", pm: "Z")
        school.mark("ghost", "2026-11-27", am: "/", pm: nil)
        let day = figures(try aggregate(school, days: ["2026-11-27"]), "2026-11-27")
        #expect(day.onRoll == ["1": 1])
        #expect(day.am.notOnRoll == 2 && day.pm.notOnRoll == 1)
        #expect(day.am.counts == ["1": ["/": 1]])
        #expect(day.am.balances && day.pm.balances)
    }

    @Test func presentMarksInTheWrongSessionAreCountedAsRecordedAndReported() throws {
        var school = MISFixture()
        school.pupil("a", "2", from: "2026-09-01")
        school.mark("a", "2026-11-27", am: "\\", pm: "/")
        let day = figures(try aggregate(school, days: ["2026-11-27"]), "2026-11-27")
        #expect(day.am.counts == ["2": ["\\": 1]] && day.pm.counts == ["2": ["/": 1]])
        #expect(day.am.wrongSession == 1 && day.pm.wrongSession == 1)
    }

    @Test func unmarkedPupilsAndRegistersNotTakenAreReported() throws {
        var school = MISFixture()
        school.pupil("a", "4", from: "2026-09-01")
        school.pupil("b", "4", from: "2026-09-01")
        school.pupil("c", "5", from: "2026-09-01")
        school.mark("a", "2026-11-27", am: "/", pm: "\\")
        school.mark("b", "2026-11-27", am: "/", pm: nil)
        school.mark("c", "2026-11-27", am: "/", pm: nil)
        let day = figures(try aggregate(school, days: ["2026-11-27"]), "2026-11-27")
        #expect(day.unmarked(.am) == 0 && day.unmarked(.pm) == 2)
        #expect(day.pm.counts["5"] == nil, "year 5's PM register was not taken")
    }

    @Test func overlappingEnrolmentsUseTheLatestStartAndWarn() throws {
        var school = MISFixture()
        school.pupil("a", "6", from: "2025-09-01")
        school.pupil("a", "X", from: "2026-10-01")
        school.mark("a", "2026-11-27", am: "/", pm: "\\")
        let day = figures(try aggregate(school, days: ["2026-11-27"]), "2026-11-27")
        #expect(day.onRoll == ["X": 1])
        #expect(day.am.counts == ["X": ["/": 1]])
        #expect(day.overlappingEnrolments == 1)
    }

    @Test func enrolmentsStartingTheSameDayInDifferentYearGroupsAreInvalid() throws {
        var school = MISFixture()
        school.pupil("secret-pupil", "6", from: "2026-09-01")
        school.pupil("secret-pupil", "7", from: "2026-09-01")
        school.mark("secret-pupil", "2026-11-27", am: "/", pm: "\\")
        // Over eight dates: still two rows of one pupil, not "8 pupils" (a count of pupil-days).
        let days = ["2026-11-18", "2026-11-19", "2026-11-20", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]
        do {
            _ = try aggregate(school, days: days)
            Issue.record("expected invalid rows")
        } catch let error as DataError {
            guard case .invalidRows(let problems) = error else { Issue.record("\(error)"); return }
            #expect(problems.count == 1 && problems[0].count == 2)
            #expect(problems[0].what.hasPrefix("enrolments rows (of 1 pupil) that start the same day"))
            #expect(problems[0].examples == ["start 2026-09-01, year groups 6,7"])
            #expect(!error.description.contains("secret-pupil"))
        }
    }

    @Test func duplicateMarksThroughAViewThatAgreeAfterMappingAreOneMark() throws {
        var school = MISFixture()
        school.pupil("a", "1", from: "2026-09-01")
        school.mark("a", "2026-11-27", am: "I02", pm: "\\")
        school.extraSQL = "CREATE TABLE extra_marks (pupil_id TEXT, date TEXT, session TEXT, code TEXT);"
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try school.write(to: directory.file("mis.sqlite"))
        let db = try SQLiteConnection(path: directory.file("mis.sqlite"), mode: .readWriteCreate, busyTimeoutMilliseconds: 100)
        try db.run("INSERT INTO extra_marks VALUES ('a', '2026-11-27', 'AM', 'I')")
        let views = ["attendance_marks": "SELECT * FROM main.attendance_marks UNION ALL SELECT * FROM extra_marks"]
        let source = try SourceDatabase(path: directory.file("mis.sqlite"), views: views)
        let all = try source.read { snapshot in
            try Aggregator(codes: .init(map: ["I02": "I"], unknown: .fail))
                .aggregate(snapshot, days: [Day("2026-11-27")], runDate: Day("2026-11-27"))
        }
        #expect(all.days[0].am.counts == ["1": ["I": 1]] && all.days[0].am.duplicates == 1 && all.days[0].am.read == 1)
    }

    @Test func aLongListOfUnknownCodesIsBounded() throws {
        var school = MISFixture()
        for index in 0..<40 {
            school.pupil("p\(index)", "1", from: "2026-09-01")
            school.mark("p\(index)", "2026-11-27", am: "Q\(index)\u{1B}", pm: "\\")
        }
        #expect {
            try aggregate(school, days: ["2026-11-27"])
        } throws: { error in
            let text = "\(error)"
            return text.contains("and 30 more codes (30 marks)") && text.split(separator: "\n").count < 20 && !text.contains("\u{1B}")
        }
    }

    @Test func invalidRowsStopTheRunWithCountsAndExamplesButNoPupilIdentifiers() throws {
        var school = MISFixture()
        school.canonicalTables = false
        school.extraSQL = """
            CREATE TABLE enrolments (pupil_id TEXT, year_group TEXT, start_date TEXT, end_date TEXT);
            CREATE TABLE attendance_marks (pupil_id TEXT, date TEXT, session TEXT, code TEXT);
            CREATE INDEX attendance_marks_by_date ON attendance_marks(date);
            """
        school.pupil("pupil-1", "M", from: "2026-09-01")
        school.pupil("pupil-2", "5", from: "01/09/2026")
        school.pupil("pupil-3", "5", from: "2026-09-01")
        school.mark("pupil-3", "2026-02-30", am: "/", pm: nil)
        school.mark("pupil-3", "27/11/2026", am: "/", pm: nil)
        school.marks.append(("pupil-3", "2026-11-27", "am", "/"))
        school.marks.append(("pupil-3", "2026-11-27", "PM", nil))
        school.marks.append(("pupil-3", "2026-11-26", "AM", ""))
        do {
            _ = try aggregate(school, days: ["2026-11-26", "2026-11-27"])
            Issue.record("expected invalid rows")
        } catch let error as DataError {
            guard case .invalidRows(let problems) = error else { Issue.record("\(error)"); return }
            let counts = Dictionary(uniqueKeysWithValues: problems.map { ($0.what, $0.count) })
            #expect(
                counts == [
                    "enrolments rows with a year group not in the national list": 1,
                    "enrolments rows with a start_date that is not a real YYYY-MM-DD date": 1,
                    "attendance_marks rows with a date that is not a real YYYY-MM-DD date": 2,
                    "attendance_marks rows with a session other than AM or PM": 1,
                    "attendance_marks rows without a code": 2,
                ])
            #expect(!error.description.contains("pupil-"))
            #expect(error.description.contains("'2026-02-30'"))
            #expect(ExitStatus(for: error) == .dataError)
        }
    }

    @Test func duplicateMarksThroughAViewAreCountedOnceAndConflictsAreInvalid() throws {
        var school = MISFixture()
        school.pupil("a", "1", from: "2026-09-01")
        school.pupil("b", "1", from: "2026-09-01")
        school.mark("a", "2026-11-27", am: "/", pm: "\\")
        school.mark("b", "2026-11-27", am: "/", pm: "\\")
        school.extraSQL = "CREATE TABLE extra_marks (pupil_id TEXT, date TEXT, session TEXT, code TEXT);"
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try school.write(to: directory.file("mis.sqlite"))
        let db = try SQLiteConnection(path: directory.file("mis.sqlite"), mode: .readWriteCreate, busyTimeoutMilliseconds: 100)
        try db.run("INSERT INTO extra_marks VALUES ('a', '2026-11-27', 'AM', '/')")
        let views = ["attendance_marks": "SELECT * FROM main.attendance_marks UNION ALL SELECT * FROM extra_marks"]
        let source = try SourceDatabase(path: directory.file("mis.sqlite"), views: views)
        let all = try source.read { snapshot in
            try Aggregator(codes: Self.noMap).aggregate(snapshot, days: [Day("2026-11-27")], runDate: Day("2026-11-27"))
        }
        #expect(all.days[0].am.duplicates == 1 && all.days[0].am.counts == ["1": ["/": 2]] && all.days[0].am.read == 2)

        try db.run("INSERT INTO extra_marks VALUES ('b', '2026-11-27', 'PM', 'I')")
        let conflicting = try SourceDatabase(path: directory.file("mis.sqlite"), views: views)
        #expect(throws: DataError.self) {
            try conflicting.read { snapshot in
                try Aggregator(codes: Self.noMap).aggregate(snapshot, days: [Day("2026-11-27")], runDate: Day("2026-11-27"))
            }
        }
    }
}

import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// What `check` asks of a MIS copy: the plan of the read by date, and the codes of the last 8 weeks.
@Suite struct SourceChecksTests {
    func copy(index: Bool, views: [String: String] = [:], extraSQL: String = "") throws -> (TemporaryDirectory, SourceDatabase) {
        let directory = try TemporaryDirectory()
        var fixture = MISFixture()
        fixture.pupil("p1", "3", from: "2026-09-01")
        fixture.mark("p1", "2026-11-23", am: "/", pm: "I02")
        fixture.mark("p1", "2026-11-24", am: "Q9", pm: "Q9")
        fixture.mark("p1", "2026-08-01", am: "ZZ", pm: nil)
        fixture.extraSQL = (index ? "" : "DROP INDEX attendance_marks_by_date;") + extraSQL
        try fixture.write(to: directory.file("mis.sqlite"))
        return (directory, try SourceDatabase(path: directory.file("mis.sqlite"), views: views))
    }

    @Test func theDateIndexIsUsedOrTheScannedTableNamed() throws {
        let (with, indexed) = try copy(index: true)
        defer { with.remove() }
        let good = try indexed.read { try $0.dateIndexPlan() }
        #expect(good.isUsable && good.index == "attendance_marks_by_date", "\(good.lines)")
        let (without, bare) = try copy(index: false)
        defer { without.remove() }
        let bad = try bare.read { try $0.dateIndexPlan() }
        #expect(!bad.isUsable && bad.scannedTables == ["attendance_marks"], "\(bad.lines)")
    }

    @Test func aViewThatTransformsTheDateCannotUseAnIndex() throws {
        let (directory, source) = try copy(
            index: true,
            views: ["attendance_marks": "SELECT pupil_id, substr(mark_date, 1, 10) AS date, session, code FROM roll_call"],
            extraSQL: """
                CREATE TABLE roll_call (pupil_id TEXT, mark_date TEXT, session TEXT, code TEXT);
                CREATE INDEX roll_call_by_date ON roll_call(mark_date);
                """)
        defer { directory.remove() }
        let plan = try source.read { try $0.dateIndexPlan() }
        #expect(!plan.isUsable && plan.scannedTables == ["roll_call"], "\(plan.lines)")
    }

    @Test func olderSQLiteWordingIsReadToo() {
        #expect(DateIndexPlan(lines: ["SCAN TABLE attendance_marks"]).scannedTables == ["attendance_marks"])
        #expect(
            DateIndexPlan(lines: ["SEARCH TABLE attendance_marks USING COVERING INDEX by_date (date>? AND date<?)"]).index == "by_date")
    }

    @Test func codesOfTheLastEightWeeksAreJudgedAfterMapping() throws {
        let (directory, source) = try copy(index: true)
        defer { directory.remove() }
        let runDate = Day(iso: "2026-11-27")!
        #expect(CodeSurvey.start(runDate: runDate) == Day(iso: "2026-10-03")!)
        let rows = try source.read { try $0.marksByDateAndCode(from: CodeSurvey.start(runDate: runDate), through: runDate) }
        #expect(rows.count == 3, "the mark of 1 August is older than 8 weeks")
        let mapped = CodeSurvey(rows: rows, codes: Configuration.Codes(map: ["I02": "I"], unknown: .fail))
        #expect(mapped.seen == ["/", "I02", "Q9"])
        #expect(mapped.unknown == [DataError.UnknownCode(code: "Q9", mappedTo: nil, count: 2, days: [Day(iso: "2026-11-24")!])])
        let unmapped = CodeSurvey(rows: rows, codes: Configuration.Codes(map: [:], unknown: .fail))
        #expect(unmapped.unknown.map(\.code) == ["Q9", "I02"], "most marks first")
    }
}

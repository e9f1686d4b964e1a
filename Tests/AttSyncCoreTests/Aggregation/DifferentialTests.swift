import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// The SQL aggregation against a deliberately simple reference: rows read one by one, rules applied in
/// plain loops, no grouping in SQL. Run on generated schools of several sizes, seeds and spans.
@Suite struct DifferentialTests {
    struct Scenario: CustomTestStringConvertible, Sendable {
        let generator: [String]
        let runDate: String
        let schoolDays: Int
        let map: [String: String]
        let unknown: Configuration.UnknownCodePolicy
        var testDescription: String { generator.joined(separator: " ") + " run \(runDate)" }
    }

    static let subCodes = ["I02": "I", "X01": "X", "V01": "V"]

    static let scenarios: [Scenario] = [
        Scenario(generator: ["--seed", "1", "--pupils", "60"], runDate: "2026-11-27", schoolDays: 8, map: subCodes, unknown: .fail),
        Scenario(
            generator: ["--seed", "2", "--pupils", "300", "--phase", "secondary", "--from", "2026-06-01", "--to", "2026-10-02"],
            runDate: "2026-09-11", schoolDays: 20, map: subCodes, unknown: .fail),
        Scenario(
            generator: ["--seed", "3", "--pupils", "120", "--from", "2024-06-03", "--to", "2024-10-11"],
            runDate: "2024-09-13", schoolDays: 25, map: subCodes, unknown: .fail),
        Scenario(
            generator: ["--seed", "4", "--pupils", "200", "--phase", "secondary"],
            runDate: "2026-11-28", schoolDays: 15, map: [:], unknown: .skip),
    ]

    @Test(arguments: scenarios)
    func sqlAggregationAgreesWithARowByRowReference(_ scenario: Scenario) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("mis.sqlite")
        try generateSchool(at: path, arguments: scenario.generator)
        let runDate = Day(scenario.runDate)
        let days = SchoolCalendar().window(endingOn: runDate, schoolDays: scenario.schoolDays)
        let codes = Configuration.Codes(map: scenario.map, unknown: scenario.unknown)
        let source = try SourceDatabase(path: path, views: [:])
        let figures = try source.read { snapshot in try Aggregator(codes: codes).aggregate(snapshot, days: days, runDate: runDate) }
        let reference = try Reference(path: path, codes: codes)

        #expect(figures.days.map(\.day) == days)
        #expect(figures.days.filter(\.hasMarks).count >= 5, "the scenario should cover real school days")
        #expect(figures.totalOnRollOnRunDate == reference.onRoll(runDate).count)
        for day in figures.days {
            let expected = reference.figures(day.day)
            #expect(day.onRoll == expected.onRoll, "on roll \(day.day)")
            for session in Session.allCases {
                #expect(day[session].counts == expected[session].counts, "counts \(day.day) \(session)")
                #expect(day[session].read == expected[session].read, "read \(day.day) \(session)")
                #expect(day[session].notOnRoll == expected[session].notOnRoll, "not on roll \(day.day) \(session)")
                #expect(day[session].skipped == expected[session].skipped, "skipped \(day.day) \(session)")
                #expect(day[session].wrongSession == expected[session].wrongSession, "wrong session \(day.day) \(session)")
                #expect(day.unmarked(session) == expected.unmarked(session), "unmarked \(day.day) \(session)")
                #expect(day[session].balances, "accounting identity \(day.day) \(session)")
            }
        }
    }

    /// Every row in memory, every rule a loop.
    struct Reference {
        var enrolments: [(pupil: String, yearGroup: String, start: String, end: String?)] = []
        var marks: [String: [(pupil: String, session: String, code: String)]] = [:]
        let codes: Configuration.Codes

        init(path: String, codes: Configuration.Codes) throws {
            self.codes = codes
            let db = try SQLiteConnection(path: path, mode: .readOnly, busyTimeoutMilliseconds: 1000)
            var enrolments = self.enrolments
            try db.query("SELECT pupil_id, year_group, start_date, end_date FROM enrolments") { row in
                enrolments.append((row.text(0)!, row.text(1)!, row.text(2)!, row.text(3)))
            }
            var marks = self.marks
            try db.query("SELECT pupil_id, date, session, code FROM attendance_marks") { row in
                marks[row.text(1)!, default: []].append((row.text(0)!, row.text(2)!, row.text(3)!))
            }
            self.enrolments = enrolments
            self.marks = marks
        }

        /// Pupil → year group on `day`: the covering row with the latest start.
        func onRoll(_ day: Day) -> [String: String] {
            let date = day.description
            var best: [String: (start: String, yearGroup: String)] = [:]
            for row in enrolments where row.start <= date && (row.end == nil || row.end! >= date) {
                if let current = best[row.pupil], current.start >= row.start { continue }
                best[row.pupil] = (row.start, row.yearGroup)
            }
            return best.mapValues(\.yearGroup)
        }

        func figures(_ day: Day) -> DayFigures {
            var figures = DayFigures(day: day)
            let roll = onRoll(day)
            for (_, yearGroup) in roll { figures.onRoll[yearGroup, default: 0] += 1 }
            let codeSet = Catalogue.codeSet(on: day)
            for mark in marks[day.description] ?? [] {
                let session: Session = mark.session == "AM" ? .am : .pm
                let code = codes.map[mark.code] ?? mark.code
                figures[session].read += 1
                if !codeSet.contains(code) {
                    figures[session].skipped[mark.code, default: 0] += 1
                    if let yearGroup = roll[mark.pupil] { figures[session].markedOnRoll[yearGroup, default: 0] += 1 }
                } else if let yearGroup = roll[mark.pupil] {
                    figures[session].counts[yearGroup, default: [:]][code, default: 0] += 1
                    figures[session].markedOnRoll[yearGroup, default: 0] += 1
                    if (session == .am && code == "\\") || (session == .pm && code == "/") { figures[session].wrongSession += 1 }
                } else {
                    figures[session].notOnRoll += 1
                }
            }
            return figures
        }
    }
}

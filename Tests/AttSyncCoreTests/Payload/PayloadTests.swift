import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

@Suite struct PayloadTests {
    /// A school with two year groups over a weekend window: the golden body was worked out by hand.
    @Test func bodyFollowsTheContractExactly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var school = MISFixture()
        school.pupil("a", "R", from: "2026-09-01")
        school.pupil("b", "10", from: "2026-09-01")
        school.pupil("c", "10", from: "2026-09-01")
        school.pupil("d", "2", from: "2026-09-01")  // year 2: register never taken
        school.mark("a", "2026-11-27", am: "/", pm: "I02")
        school.mark("b", "2026-11-27", am: "L", pm: "\\")
        school.mark("c", "2026-11-27", am: "/", pm: "\\")
        school.mark("a", "2026-11-28", am: "/", pm: nil)  // a Saturday club: not in a window ending Monday
        school.mark("a", "2026-11-30", am: "#", pm: "#")
        school.mark("b", "2026-11-30", am: "#", pm: "#")
        school.mark("c", "2026-11-30", am: "#", pm: "#")
        school.mark("d", "2026-11-30", am: "#", pm: "#")
        try school.write(to: directory.file("mis.sqlite"))
        try directory.write("config.json", configurationJSON(extra: #""window": {"schoolDays": 3}, "codes": {"map": {"I02": "I"}}"#))
        let configuration = try Configuration.load(path: directory.file("config.json"))
        let run = try SchoolRun.prepare(
            school: configuration.schools[0], configuration: configuration, runDate: Day("2026-11-30"), history: nil)
        #expect(run.window == [Day("2026-11-26"), Day("2026-11-27"), Day("2026-11-30")])
        #expect(run.payload.days == [Day("2026-11-27"), Day("2026-11-30")], "26 Nov has no marks")
        let expected =
            ##"{"urn":100000,"totalNoOfPupils":4,"submissionData":["##
            + ##"{"ncYearGroup":"R","date":"2026-11-27","schoolSession":"AM","noOfPupilsOnRoll":1,"attendances":[{"attendanceCode":"/","value":1}]},"##
            + ##"{"ncYearGroup":"R","date":"2026-11-27","schoolSession":"PM","noOfPupilsOnRoll":1,"attendances":[{"attendanceCode":"I","value":1}]},"##
            + ##"{"ncYearGroup":"2","date":"2026-11-27","schoolSession":"AM","noOfPupilsOnRoll":1,"attendances":[]},"##
            + ##"{"ncYearGroup":"2","date":"2026-11-27","schoolSession":"PM","noOfPupilsOnRoll":1,"attendances":[]},"##
            + ##"{"ncYearGroup":"10","date":"2026-11-27","schoolSession":"AM","noOfPupilsOnRoll":2,"attendances":[{"attendanceCode":"/","value":1},{"attendanceCode":"L","value":1}]},"##
            + ##"{"ncYearGroup":"10","date":"2026-11-27","schoolSession":"PM","noOfPupilsOnRoll":2,"attendances":[{"attendanceCode":"\\","value":2}]},"##
            + ##"{"ncYearGroup":"R","date":"2026-11-30","schoolSession":"AM","noOfPupilsOnRoll":1,"attendances":[{"attendanceCode":"#","value":1}]},"##
            + ##"{"ncYearGroup":"R","date":"2026-11-30","schoolSession":"PM","noOfPupilsOnRoll":1,"attendances":[{"attendanceCode":"#","value":1}]},"##
            + ##"{"ncYearGroup":"2","date":"2026-11-30","schoolSession":"AM","noOfPupilsOnRoll":1,"attendances":[{"attendanceCode":"#","value":1}]},"##
            + ##"{"ncYearGroup":"2","date":"2026-11-30","schoolSession":"PM","noOfPupilsOnRoll":1,"attendances":[{"attendanceCode":"#","value":1}]},"##
            + ##"{"ncYearGroup":"10","date":"2026-11-30","schoolSession":"AM","noOfPupilsOnRoll":2,"attendances":[{"attendanceCode":"#","value":2}]},"##
            + ##"{"ncYearGroup":"10","date":"2026-11-30","schoolSession":"PM","noOfPupilsOnRoll":2,"attendances":[{"attendanceCode":"#","value":2}]}"##
            + "]}\n"
        #expect(String(decoding: run.payload.body, as: UTF8.self) == expected)
        #expect(run.payload.sha256 == hexSHA256(Array(expected.utf8)))
        let parsed = try JSONSerialization.jsonObject(with: Data(run.payload.body)) as? [String: Any]
        #expect(parsed?["urn"] as? Int == 100000)
    }

    @Test func codesBeforeAugust2024FollowTheOldOrderWithJHYLast() throws {
        var figures = DayFigures(day: Day("2024-07-01"))
        figures.onRoll = ["5": 6]
        figures.am.read = 6
        figures.am.counts = ["5": ["Y": 1, "H": 1, "J": 1, "/": 1, "I": 1, "X": 1]]
        let payload = Payload(urn: "123456", figures: SchoolFigures(days: [figures], totalOnRollOnRunDate: 6), sending: [Day("2024-07-01")])
        let body = String(decoding: payload.body, as: UTF8.self)
        let order = ["\"/\"", "\"X\"", "\"I\"", "\"J\"", "\"H\"", "\"Y\""].map { body.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
    }

    @Test func aDayDigestChangesOnlyWithThatDay() {
        func payload(_ value: Int) -> Payload {
            var first = DayFigures(day: Day("2026-11-26"))
            first.onRoll = ["1": 1]
            first.am.read = 1
            first.am.counts = ["1": ["/": 1]]
            var second = DayFigures(day: Day("2026-11-27"))
            second.onRoll = ["1": value]
            second.am.read = 1
            second.am.counts = ["1": ["/": 1]]
            return Payload(
                urn: "100000", figures: SchoolFigures(days: [first, second], totalOnRollOnRunDate: 1),
                sending: [Day("2026-11-26"), Day("2026-11-27")])
        }
        #expect(payload(1).dayDigests[Day("2026-11-26")] == payload(2).dayDigests[Day("2026-11-26")])
        #expect(payload(1).dayDigests[Day("2026-11-27")] != payload(2).dayDigests[Day("2026-11-27")])
        #expect(payload(1).sha256 != payload(2).sha256)
    }
}

/// Marks on dates outside the school-day calendar are never sent, and never dropped without a word.
@Suite struct OffCalendarMarkTests {
    @Test func marksOnASaturdayOrAListedClosureAreReportedNotSent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var school = MISFixture()
        school.pupil("a", "5", from: "2026-09-01")
        school.mark("a", "2026-11-27", am: "/", pm: "\\")
        school.mark("a", "2026-11-28", am: "/", pm: nil)  // a Saturday session
        school.mark("a", "2026-11-30", am: "/", pm: "\\")  // an INSET day of this school only
        school.mark("a", "2026-12-01", am: "/", pm: "\\")
        try school.write(to: directory.file("mis.sqlite"))
        let schools = #"[{ "urn": "100000", "source": { "path": "mis.sqlite" }, "nonSchoolDays": ["2026-11-30"] }]"#
        try directory.write("config.json", configurationJSON(schools: schools, extra: #""window": {"schoolDays": 3}"#))
        let configuration = try Configuration.load(path: directory.file("config.json"))
        let run = try SchoolRun.prepare(
            school: configuration.schools[0], configuration: configuration, runDate: Day("2026-12-01"), history: nil)
        #expect(run.window == [Day("2026-11-26"), Day("2026-11-27"), Day("2026-12-01")], "the school's own closure is not a school day")
        #expect(run.payload.days == [Day("2026-11-27"), Day("2026-12-01")])
        #expect(run.figures.marksOffCalendar == [Day("2026-11-28"): 1, Day("2026-11-30"): 2])
        let note = try #require(run.qualityNotes().first { $0.contains("not school days") })
        #expect(note.hasPrefix("3 marks on dates that are not school days (Sat 28 Nov 2026, Mon 30 Nov 2026) not sent"))
    }

    @Test func aTrustsOtherSchoolsKeepTheirDay() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let schools = #"""
            [{ "urn": "100000", "source": { "path": "a.sqlite" }, "nonSchoolDays": ["2026-11-30"] },
             { "urn": "100001", "source": { "path": "b.sqlite" } }]
            """#
        try directory.write("config.json", configurationJSON(schools: schools))
        let configuration = try Configuration.load(path: directory.file("config.json"))
        let windows = configuration.schools.map { $0.window(configuration.window).calendar.isSchoolDay(Day("2026-11-30")) }
        #expect(windows == [false, true])
        #expect(
            throws: ConfigurationError.invalid(
                key: "schools[0].nonSchoolDays[0]", message: "\"30/11/2026\" is not a real date in YYYY-MM-DD form")
        ) {
            try Configuration.load(
                path: directory.write(
                    "bad.json",
                    configurationJSON(schools: #"[{ "urn": "100000", "source": { "path": "a" }, "nonSchoolDays": ["30/11/2026"] }]"#)))
        }
    }
}

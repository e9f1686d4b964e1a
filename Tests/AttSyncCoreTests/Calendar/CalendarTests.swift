import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

@Suite struct CalendarTests {
    @Test(arguments: ["2026-02-30", "01/02/2026", "2026-1-05", "2026-13-01", "20261127", "2026-11-27 ", "", "2026-00-10"])
    func malformedDatesAreRefused(text: String) {
        #expect(Day(iso: text) == nil)
    }

    @Test func datesRoundTripAndKnowTheirWeekday() {
        #expect(Day("2024-02-29").description == "2024-02-29")
        #expect(Day("2026-11-27").weekday == 5)
        #expect(Day("2026-11-29").isWeekend)
        #expect(Day("1970-01-01").ordinal == 0)
        #expect(Day("2026-03-01").adding(days: -1) == Day("2026-02-28"))
        #expect(Day("2026-11-27").longDescription == "Fri 27 Nov 2026")
    }

    @Test func windowSkipsWeekendsAndNonSchoolDays() {
        let calendar = SchoolCalendar(nonSchoolDays: [Day("2026-11-19")])
        #expect(
            calendar.window(endingOn: Day("2026-11-23"), schoolDays: 4)
                == [Day("2026-11-17"), Day("2026-11-18"), Day("2026-11-20"), Day("2026-11-23")])
    }

    @Test func theRunDateIsAlwaysInTheWindowEvenOnASaturday() {
        let calendar = SchoolCalendar()
        #expect(
            calendar.window(endingOn: Day("2026-11-28"), schoolDays: 3)
                == [Day("2026-11-26"), Day("2026-11-27"), Day("2026-11-28")])
        #expect(calendar.window(endingOn: Day("2026-11-28"), schoolDays: 1) == [Day("2026-11-28")])
    }

    @Test func todayIsTakenInTheConfiguredTimeZone() {
        // 23:30 UTC on 30 June 2026 is 00:30 on 1 July in London (summer time).
        let instant = Date(timeIntervalSince1970: 1_782_862_200)
        #expect(Day(containing: instant, in: TimeZone(identifier: "Europe/London")!) == Day("2026-07-01"))
        #expect(Day(containing: instant, in: TimeZone(identifier: "UTC")!) == Day("2026-06-30"))
    }
}

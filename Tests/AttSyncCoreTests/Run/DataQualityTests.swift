import Foundation
import Testing

@testable import AttSyncCore

@Suite struct DataQualityTests {
    /// A day with Year 7 (3 pupils) and Year 8 (2 pupils) on roll; `marked` gives the marks per session and year group.
    func day(_ date: String, marked: [Session: [String: Int]]) -> DayFigures {
        var day = DayFigures(day: Day(date))
        day.onRoll = ["7": 3, "8": 2]
        for (session, groups) in marked {
            for (group, count) in groups {
                day[session].markedOnRoll[group] = count
                day[session].counts[group] = ["/": count]
                day[session].read += count
                day[session].counted += count
            }
        }
        return day
    }

    @Test func aRegisterNotTakenIsNamedByYearGroupSessionAndDate() {
        let figures = SchoolFigures(
            days: [
                day("2026-11-26", marked: [.am: ["7": 3, "8": 2], .pm: ["7": 3]]),
                day("2026-11-27", marked: [.am: ["7": 3, "8": 2]]),
            ], totalOnRollOnRunDate: 5)
        let gaps = RegisterGap.find(in: figures, calendar: SchoolCalendar())
        #expect(
            gaps == [
                RegisterGap(day: Day("2026-11-26"), kind: .notTaken(yearGroup: "8", session: .pm), pupils: 2),
                RegisterGap(day: Day("2026-11-27"), kind: .notTaken(yearGroup: nil, session: .pm), pupils: 5),
            ])
        #expect(
            gaps[0].words
                == "Year 8 PM register not taken, Thu 26 Nov 2026 (2 pupils): it will be sent with no marks; take the register in the MIS and the next run re-sends it"
        )
        #expect(gaps[1].words.hasPrefix("PM registers not taken for any year group, Fri 27 Nov 2026 (5 pupils)"))
    }

    @Test func aSchoolDayWithoutAnyMarkIsAskedAboutUnlessListedOrNothingHasMarks() {
        let figures = SchoolFigures(
            days: [
                day("2026-11-19", marked: [.am: ["7": 3, "8": 2], .pm: ["7": 3, "8": 2]]), day("2026-11-20", marked: [:]),
                day("2026-11-21", marked: [:]),
            ], totalOnRollOnRunDate: 5)
        let gaps = RegisterGap.find(in: figures, calendar: SchoolCalendar())
        #expect(gaps == [RegisterGap(day: Day("2026-11-20"), kind: .noRegistersAtAll, pupils: 5)], "Saturday is not asked about")
        #expect(gaps[0].words.contains("INSET or closure day? If not, check the registers"))
        #expect(RegisterGap.find(in: figures, calendar: SchoolCalendar(nonSchoolDays: [Day("2026-11-20")])).isEmpty)
        let holiday = SchoolFigures(days: [day("2026-11-19", marked: [:]), day("2026-11-20", marked: [:])], totalOnRollOnRunDate: 5)
        #expect(RegisterGap.find(in: holiday, calendar: SchoolCalendar()).isEmpty, "no marks at all: nothing to send, said once")
    }

    @Test func notesNameTheDateSessionYearGroupAndCode() {
        var partly = day("2026-11-26", marked: [.am: ["7": 2, "8": 2], .pm: ["7": 3, "8": 2]])
        partly.am.notOnRoll = 2
        partly.am.notOnRollCodes = ["Z": 2]
        partly.pm.notOnRoll = 1
        partly.pm.notOnRollCodes = ["N": 1]
        let notes = DataQuality.notes(SchoolFigures(days: [partly], totalOnRollOnRunDate: 5), runDate: Day("2026-11-27"))
        #expect(
            notes == [
                "Thu 26 Nov 2026 AM: 2 marks of pupils not on roll, not sent (Z 2, prospective pupils not yet on roll: normal)",
                "Thu 26 Nov 2026 PM: 1 mark of pupils not on roll, not sent (N 1; check those pupils' admission and leaving dates in the MIS)",
                "Thu 26 Nov 2026 AM, Year 7: 1 of 3 pupils without a mark",
            ])
    }

    @Test func previewDetailListsEveryFindingAndTheHintNamesTheRunDate() {
        let days = ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-23", "2026-11-24"].map { date in
            var full = day(date, marked: [.am: ["7": 3, "8": 2], .pm: ["7": 3, "8": 2]])
            full.am.notOnRoll = 1
            full.am.notOnRollCodes = ["Z": 1]
            return full
        }
        let figures = SchoolFigures(days: days, totalOnRollOnRunDate: 5)
        let few = DataQuality.notes(figures, runDate: Day("2026-11-24"))
        #expect(few.count == 6)
        #expect(few.last == "and 2 more like it (attsync preview --detail --date 2026-11-24 lists them all)")
        let all = DataQuality.notes(figures, runDate: Day("2026-11-24"), all: true)
        #expect(all.count == 7 && all.allSatisfy { $0.contains("not on roll") })
    }

    @Test func anUntakenRegisterSaysWhetherTheDfEHasItAndHowItReachesTheDfE() {
        var gap = RegisterGap(day: Day("2026-11-26"), kind: .notTaken(yearGroup: "8", session: .pm), pupils: 169)
        let start = "Year 8 PM register not taken, Thu 26 Nov 2026 (169 pupils): "
        let nextRun = "take the register in the MIS and the next run re-sends it"
        let byHand = "take the register in the MIS, then `attsync send --date 2026-11-26` sends the day"
        #expect(gap.words == start + "it will be sent with no marks; " + nextRun)
        gap.delivery = RegisterGap.Delivery(.thisSubmission, inNextRun: true)
        #expect(gap.words == start + "this submission carries it with no marks; " + nextRun)
        gap.delivery = RegisterGap.Delivery(.withDfE, inNextRun: true)
        #expect(gap.words == start + "the DfE has it with no marks; " + nextRun)
        gap.delivery = RegisterGap.Delivery(.withDfE, inNextRun: false)
        #expect(gap.words == start + "the DfE has it with no marks; " + byHand, "the oldest date of the window: no run re-sends it")
        gap.delivery = RegisterGap.Delivery(.notSent, inNextRun: false)
        #expect(gap.words == start + "not sent to the DfE; " + byHand)
        gap.kind = .notTaken(yearGroup: nil, session: .am)
        gap.delivery = RegisterGap.Delivery(.withDfE, inNextRun: true)
        #expect(
            gap.words
                == "AM registers not taken for any year group, Thu 26 Nov 2026 (169 pupils): the DfE has them with no marks; "
                + "take the registers in the MIS and the next run re-sends them")
    }
}

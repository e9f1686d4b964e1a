import Foundation
import Testing

@testable import AttSyncCore

@Suite struct SchoolDayStatusTests {
    let day = Day("2026-11-25")

    func figures(_ am: [String: Int]) -> DayFigures {
        var figures = DayFigures(day: day)
        figures.onRoll = ["8": am.values.reduce(0, +)]
        figures.am.counts = ["8": am]
        figures.am.markedOnRoll = ["8": am.values.reduce(0, +)]
        figures.am.read = am.values.reduce(0, +)
        return figures
    }

    func accepted(_ am: [String: Int]) -> DayRecord.Accepted {
        let figures = SchoolFigures(days: [figures(am)], totalOnRollOnRunDate: 0)
        let payload = Payload(urn: "100000", figures: figures, sending: [day])
        return DayRecord.Accepted(
            submission: 3, reference: "SUB-3", at: Date(timeIntervalSince1970: 1_795_000_000), digest: payload.dayDigests[day]!,
            warnings: 0, body: payload.body, since: (2, "SUB-2", Date(timeIntervalSince1970: 1_794_900_000)))
    }

    func assess(_ now: DayFigures?, record: DayRecord?, consent: Bool = true, nextRun: Bool = true) -> SchoolDayStatus.State {
        let digest = now.flatMap {
            Payload(urn: "100000", figures: SchoolFigures(days: [$0], totalOnRollOnRunDate: 0), sending: [day]).dayDigests[day]
        }
        return SchoolDayStatus.assess(
            day: day, figures: now, digest: digest, record: record, consent: (consent, Day("2026-09-01")), sentByNextRun: nextRun,
            schoolDay: true
        ).state
    }

    @Test func sameFiguresAreWithTheDfESinceTheirFirstAcceptance() {
        let held = accepted(["/": 9, "N": 1])
        #expect(assess(figures(["/": 9, "N": 1]), record: DayRecord(day: day, accepted: held)) == .withDfE(held, checked: true))
        #expect(assess(nil, record: DayRecord(day: day, accepted: held)) == .withDfE(held, checked: false))
        let status = SchoolDayStatus(day: day, state: .withDfE(held, checked: true))
        #expect(status.words(timeZone: TimeZone(identifier: "UTC")!).hasSuffix(" as SUB-2"))
    }

    @Test func aCorrectionSaysWhatChangedAndWhetherItIsResent() {
        let held = accepted(["/": 9, "N": 1])
        let record = DayRecord(day: day, accepted: held)
        #expect(assess(figures(["/": 9, "I": 1]), record: record) == .changed(held, changes: "N −1, I +1", resend: .nextRun))
        #expect(
            assess(figures(["/": 10, "I": 1]), record: record, nextRun: false)
                == .changed(held, changes: "N −1, / +1, I +1, on roll +1", resend: .outsideWindow))
        #expect(
            assess(figures(["/": 9, "I": 1]), record: record, consent: false) == .changed(held, changes: "N −1, I +1", resend: .noConsent))
    }

    @Test func notSentSaysWhy() {
        #expect(assess(figures(["/": 9]), record: nil) == .notSent(.nextRun))
        #expect(assess(figures(["/": 9]), record: nil, consent: false) == .notSent(.noConsent))
        #expect(assess(figures(["/": 9]), record: nil, nextRun: false) == .notSent(.outsideWindow))
        #expect(assess(DayFigures(day: day), record: nil) == .notSent(.noMarks(schoolDay: true)))
        let failed = DayRecord.Unaccepted(submission: 4, status: .failed, reason: "x", at: Date(), posts: 0)
        let record = DayRecord(day: day, unaccepted: failed)
        #expect(assess(figures(["/": 9]), record: record) == .notSent(.failed(failed, retried: true)))
        #expect(
            assess(figures(["/": 9]), record: record, nextRun: false) == .notSent(.failed(failed, retried: false)), "outside the window")
        #expect(assess(figures(["/": 9]), record: record, consent: false) == .notSent(.failed(failed, retried: false)), "no consent")
        let words = SchoolDayStatus(day: day, state: .notSent(.failed(failed, retried: false))).words(timeZone: .gmt)
        #expect(words.hasSuffix("; no run sends it by itself (attsync send --date \(day) sends it)"), "\(words)")
    }

    @Test func theLastSchoolDaysSkipWeekendsAndListedDays() {
        let days = SchoolDays.last(3, asOf: Day("2026-11-23"), calendar: SchoolCalendar(nonSchoolDays: [Day("2026-11-20")]))
        #expect(days == [Day("2026-11-18"), Day("2026-11-19"), Day("2026-11-23")])
    }
}

import Foundation
import Testing

@testable import AttSyncCore

/// The pending dates and the alert rule, without disk.
@Suite struct PendingDatesTests {
    let window = Configuration.Window(schoolDays: 3, nonSchoolDays: [], catchUpSchoolDays: 20)
    let calendar = SchoolCalendar()

    func day(_ text: String) -> Day { Day(iso: text)! }

    /// A history with consent given on `consent` and `accepted` dates accepted.
    func history(consent: String?, accepted: [String] = []) -> AcceptedHistory {
        let given = ConsentEvent(id: 1, urn: "100000", action: .given, by: "Ann Head", osUser: "office", at: Date(timeIntervalSince1970: 0))
        let events = consent == nil ? [] : [given]
        return AcceptedHistory(
            consent: ConsentHistory(events: events), consentDay: consent.map(day),
            acceptedDigests: Dictionary(uniqueKeysWithValues: accepted.map { (day($0), "digest") }), lastAccepted: nil)
    }

    @Test func aDateMarkedOnMondayHasWaitedTwoSchoolDaysAtWednesdaysRun() {
        // 2026-11-23 is a Monday.
        #expect(PendingDates.schoolDaysWaited(since: day("2026-11-23"), runDate: day("2026-11-23"), calendar: calendar) == 0)
        #expect(PendingDates.schoolDaysWaited(since: day("2026-11-23"), runDate: day("2026-11-24"), calendar: calendar) == 1)
        #expect(PendingDates.schoolDaysWaited(since: day("2026-11-23"), runDate: day("2026-11-25"), calendar: calendar) == 2)
        // Friday to Monday: the weekend does not count.
        #expect(PendingDates.schoolDaysWaited(since: day("2026-11-20"), runDate: day("2026-11-23"), calendar: calendar) == 1)
        // A closure does not count either.
        let closed = SchoolCalendar(nonSchoolDays: [day("2026-11-24")])
        #expect(PendingDates.schoolDaysWaited(since: day("2026-11-23"), runDate: day("2026-11-25"), calendar: closed) == 1)
    }

    @Test func pendingDatesAreThoseWithMarksNeverAcceptedThatSendWouldSend() {
        let runDate = day("2026-11-25")
        let history = history(consent: "2026-11-16", accepted: ["2026-11-19", "2026-11-23"])
        let plan = RunPlan(runDate: runDate, window: window, history: history)
        #expect(plan.window == [day("2026-11-23"), day("2026-11-24"), day("2026-11-25")])
        let search = PendingDates.search(plan)
        #expect(search.from == day("2026-11-16") && search.through == runDate, "from consent, by catch-up")
        let marks = ["2026-11-13", "2026-11-16", "2026-11-19", "2026-11-21", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]
        let pending = PendingDates(daysWithMarks: marks.map(day), plan: plan, history: history, calendar: calendar)
        // Before consent: not pending; accepted: not pending; a Saturday before the window: never sent; after the run date: not yet.
        #expect(pending.dates == [day("2026-11-16"), day("2026-11-24"), day("2026-11-25")])
        #expect(pending.schoolDaysWaited == 7, "16 November has waited 17–25 November: 7 school days")
    }

    @Test func aDateDoesNotWaitBeforeConsentWasGiven() {
        let runDate = day("2026-11-25")
        let history = history(consent: "2026-11-25")
        let plan = RunPlan(runDate: runDate, window: window, history: history)
        let pending = PendingDates(daysWithMarks: plan.window, plan: plan, history: history, calendar: calendar)
        #expect(pending.dates == plan.window, "the window is sent whenever consent was given")
        #expect(pending.schoolDaysWaited == 0, "but it has waited only since consent")
    }

    @Test func withoutStateOrMarksNothingIsPending() {
        let plan = RunPlan(runDate: day("2026-11-25"), window: window, history: nil)
        #expect(PendingDates.search(plan).from == day("2026-11-23"), "no consent known: the window only")
        let none = PendingDates(daysWithMarks: [], plan: plan, history: nil, calendar: calendar)
        #expect(none.dates.isEmpty && none.schoolDaysWaited == 0)
        let some = PendingDates(daysWithMarks: [day("2026-11-23")], plan: plan, history: nil, calendar: calendar)
        #expect(some.dates == [day("2026-11-23")] && some.schoolDaysWaited == 2)
    }

    @Test(arguments: [
        (AttSyncCore.ExitStatus.temporaryFailure, 2, true), (.temporaryFailure, 1, false), (.temporaryFailure, 5, true),
        (.success, 5, false),
        (.configuration, 5, false), (.dataError, 5, false),
    ])
    func onlyATemporaryFailureWithADateWaitingLongEnoughIsTheAlert(status: AttSyncCore.ExitStatus, waited: Int, alert: Bool) {
        let runDate = day("2026-11-27")
        let plan = RunPlan(
            runDate: runDate, window: Configuration.Window(schoolDays: 8, nonSchoolDays: [], catchUpSchoolDays: 0), history: nil)
        let oldest = plan.window[plan.window.count - 1 - waited]
        let pending = PendingDates(daysWithMarks: [oldest], plan: plan, history: nil, calendar: calendar)
        #expect(pending.schoolDaysWaited == waited)
        #expect(
            PendingDates.isAlert(status: status, pending: pending, failingSince: nil, runDate: runDate, calendar: calendar, threshold: 2)
                == alert)
    }

    @Test func aCopyThatCannotBeReadFallsBackOnTheStreakOfFailedRuns() {
        let runDate = day("2026-11-27")
        #expect(
            PendingDates.isAlert(
                status: .temporaryFailure, pending: nil, failingSince: day("2026-11-25"), runDate: runDate, calendar: calendar, threshold: 2
            ))
        #expect(
            !PendingDates.isAlert(
                status: .temporaryFailure, pending: nil, failingSince: day("2026-11-26"), runDate: runDate, calendar: calendar, threshold: 2
            ))
        #expect(
            !PendingDates.isAlert(
                status: .temporaryFailure, pending: nil, failingSince: nil, runDate: runDate, calendar: calendar, threshold: 2))
        // Known pending dates win over the streak: nothing pending, no alert, however long the runs have failed.
        let plan = RunPlan(runDate: runDate, window: window, history: nil)
        let nothing = PendingDates(daysWithMarks: [], plan: plan, history: nil, calendar: calendar)
        #expect(
            !PendingDates.isAlert(
                status: .temporaryFailure, pending: nothing, failingSince: day("2026-11-02"), runDate: runDate, calendar: calendar,
                threshold: 2))
    }
}

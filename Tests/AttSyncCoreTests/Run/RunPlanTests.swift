import Foundation
import Testing

@testable import AttSyncCore

/// The pure rules of a run: which dates it covers, and whether the body is sent.
@Suite struct RunPlanTests {
    static let window = Configuration.Window(schoolDays: 3, nonSchoolDays: [Day("2026-11-18")], catchUpSchoolDays: 2)

    func history(consent: String?, accepted: [String] = []) -> AcceptedHistory {
        AcceptedHistory(
            consent: ConsentHistory(events: []), consentDay: consent.map(Day.init),
            acceptedDigests: Dictionary(uniqueKeysWithValues: accepted.map { (Day($0), "digest") }), lastAccepted: nil)
    }

    @Test func theWindowIsTheRunDateAndTheSchoolDaysBeforeIt() {
        let plan = RunPlan(runDate: Day("2026-11-30"), window: Self.window, history: nil)
        #expect(plan.window == [Day("2026-11-26"), Day("2026-11-27"), Day("2026-11-30")])
        #expect(plan.catchUpSearch == nil, "no state database: no catch-up")
        #expect(plan.catchUp(daysWithMarks: [Day("2026-11-25")]) == [])
    }

    @Test func theNextWindowIsThatOfTheNextSchoolDay() {
        let friday = RunPlan(runDate: Day("2026-11-27"), window: Self.window, history: nil)
        #expect(friday.window == [Day("2026-11-25"), Day("2026-11-26"), Day("2026-11-27")])
        #expect(friday.nextWindow == [Day("2026-11-26"), Day("2026-11-27"), Day("2026-11-30")], "over the weekend")
        let tuesday = RunPlan(runDate: Day("2026-11-17"), window: Self.window, history: nil)
        #expect(tuesday.nextWindow == [Day("2026-11-16"), Day("2026-11-17"), Day("2026-11-19")], "over a listed non-school day")
    }

    @Test func catchUpTakesNeverAcceptedSchoolDaysSinceConsentOldestFirstUpToTheLimit() throws {
        let plan = RunPlan(
            runDate: Day("2026-11-30"), window: Self.window, history: history(consent: "2026-11-16", accepted: ["2026-11-17"]))
        let search = try #require(plan.catchUpSearch)
        #expect(search.from == Day("2026-11-16") && search.before == Day("2026-11-26"))
        let marked = ["2026-11-14", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-22"].map(Day.init)
        // 14th: before consent; 17th: accepted; 18th: a non-school day; 22nd: a Sunday; limit 2.
        #expect(plan.catchUp(daysWithMarks: marked) == [Day("2026-11-16"), Day("2026-11-19")])
    }

    @Test func noCatchUpWithoutConsentWhenTurnedOffOrWhenConsentIsInsideTheWindow() {
        var off = Self.window
        off.catchUpSchoolDays = 0
        let marked = [Day("2026-11-19")]
        #expect(
            RunPlan(runDate: Day("2026-11-30"), window: Self.window, history: history(consent: nil)).catchUp(daysWithMarks: marked) == [])
        #expect(
            RunPlan(runDate: Day("2026-11-30"), window: off, history: history(consent: "2026-11-02")).catchUp(daysWithMarks: marked) == [])
        let recent = RunPlan(runDate: Day("2026-11-30"), window: Self.window, history: history(consent: "2026-11-27"))
        #expect(recent.catchUpSearch == nil)
    }
}

@Suite struct SendDecisionTests {
    func payload(marks: Bool) -> Payload {
        var figures = DayFigures(day: Day("2026-11-27"))
        figures.onRoll = ["1": 1]
        if marks {
            figures.am.read = 1
            figures.am.counts = ["1": ["/": 1]]
        }
        return Payload(urn: "100000", figures: SchoolFigures(days: [figures], totalOnRollOnRunDate: 1), sending: [figures.day])
    }

    @Test func aBodyIsSentUnlessEmptyOrIdenticalToTheLastAcceptedOne() {
        let body = payload(marks: true)
        let same = AcceptedHistory.LastAccepted(id: 7, sha256: body.sha256)
        let other = AcceptedHistory.LastAccepted(id: 8, sha256: "0")
        #expect(SendDecision(payload: payload(marks: false), lastAccepted: same, force: true) == .nothingToSend)
        #expect(SendDecision(payload: body, lastAccepted: same, force: false) == .unchanged(since: 7))
        #expect(SendDecision(payload: body, lastAccepted: same, force: true) == .send)
        #expect(SendDecision(payload: body, lastAccepted: other, force: false) == .send)
        #expect(SendDecision(payload: body, lastAccepted: nil, force: false) == .send)
    }
}

@Suite struct ConsentHistoryTests {
    func event(_ id: Int64, _ action: ConsentEvent.Action, _ by: String) -> ConsentEvent {
        ConsentEvent(id: id, urn: "100000", action: action, by: by, osUser: "office", at: Date(timeIntervalSince1970: Double(id) * 86_400))
    }

    @Test func theConsentInForceIsTheFirstGiveSinceTheLastRemoval() {
        #expect(ConsentHistory(events: []).inForce == nil && !ConsentHistory(events: []).isInForce)
        let history = ConsentHistory(events: [
            event(1, .given, "Ann"), event(2, .removed, "Bob"), event(3, .given, "Cy"), event(4, .given, "Di"),
        ])
        #expect(history.isInForce && history.inForce?.by == "Cy")
        let removed = ConsentHistory(events: history.events + [event(5, .removed, "DfE service (HTTP 410)")])
        #expect(!removed.isInForce && removed.inForce == nil)
    }
}

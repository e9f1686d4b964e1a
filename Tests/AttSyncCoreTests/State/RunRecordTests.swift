import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// `runs`: each school's part of each send run, its streak of failures and the last problem.
@Suite struct RunRecordTests {
    let day = Day(iso: "2026-11-23")!
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func record(_ store: StateStore, _ urn: String, _ date: String, _ status: AttSyncCore.ExitStatus, _ problem: String? = nil) throws {
        try store.recordRun(
            urn: urn, runDate: Day(iso: date)!, startedAt: now, finishedAt: now.addingTimeInterval(1.5), exitStatus: status,
            problem: problem, submissionsAfter: 0, tokenRequests: 1)
    }

    @Test func theStreakCountsFailedRunsSinceTheLastSuccess() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try StateStore.open(directory: directory.path)
        #expect(try store.runStreak(urn: "100000") == RunStreak(lastRun: nil, consecutiveFailures: 0, failingSince: nil, lastFailure: nil))
        try record(store, "100000", "2026-11-20", .temporaryFailure, "the network was down")
        try record(store, "100000", "2026-11-20", .success)
        try record(store, "100000", "2026-11-23", .temporaryFailure, "name not resolved: dfe.invalid")
        try record(store, "100001", "2026-11-23", .success)
        try record(store, "100000", "2026-11-24", .temporaryFailure, "cannot connect to dfe.example")
        let streak = try store.runStreak(urn: "100000")
        #expect(streak.consecutiveFailures == 2)
        #expect(streak.failingSince == day)
        #expect(streak.lastFailure?.problem == "cannot connect to dfe.example")
        #expect(streak.lastRun?.runDate == "2026-11-24" && streak.lastRun?.exitStatus == 75 && streak.lastRun?.tokenRequests == 1)
        #expect(streak.lastRun.map { $0.finishedAt.timeIntervalSince($0.startedAt) } == 1.5)
        #expect(try store.runStreak(urn: "100001").consecutiveFailures == 0)
        let all = try store.runs(after: 0)
        #expect(all.map(\.urn) == ["100000", "100000", "100000", "100001", "100000"])
        #expect(try store.runs(after: store.lastRunID()).isEmpty)
        #expect(try store.runs(after: 3).count == 2)
    }

    @Test func aRunIsLinkedToTheSubmissionItMade() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try StateStore.open(directory: directory.path)
        var figures = DayFigures(day: day)
        figures.onRoll = ["1": 1]
        figures.am.read = 1
        figures.am.counts = ["1": ["/": 1]]
        let payload = Payload(urn: "100000", figures: SchoolFigures(days: [figures], totalOnRollOnRunDate: 1), sending: [day])
        let before = try store.lastSubmissionID()
        #expect(before == 0)
        _ = try store.beginSubmission(urn: "100000", runDate: day, payload: payload, dataQuality: [], forced: false, at: now)
        try store.recordRun(
            urn: "100000", runDate: day, startedAt: now, finishedAt: now, exitStatus: .success, problem: nil, submissionsAfter: before,
            tokenRequests: 1)
        try store.recordRun(
            urn: "100001", runDate: day, startedAt: now, finishedAt: now, exitStatus: .noPermission, problem: "no consent",
            submissionsAfter: before, tokenRequests: 0)
        let runs = try store.runs(after: 0)
        #expect(runs.map(\.submissionId) == [1, nil], "another school's submission is not this school's")
    }

    @Test func aDatabaseFromBeforeRunsReadsAsNoRuns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try StateStore.open(directory: directory.path)
        let db = try SQLiteConnection(path: directory.file("attsync.sqlite"), mode: .readWriteCreate, busyTimeoutMilliseconds: 100)
        // As written before runs: without the migrations from runs (5) on.
        try db.execute("DROP TABLE runs; ALTER TABLE submissions DROP COLUMN failure_kind; DELETE FROM schema_migrations WHERE id >= 5")
        let store = try #require(try StateStore.openExisting(directory: directory.path))
        #expect(try store.lastRunID() == 0 && store.runs(after: 0).isEmpty)
        #expect(try store.runStreak(urn: "100000").lastRun == nil)
        let (applied, known) = try store.migrationCount()
        #expect(applied == 4 && known == StateStore.migrations.count)
    }
}

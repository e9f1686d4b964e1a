import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

@Suite struct StateStoreTests {
    @Test func theDirectoryIsCreatedPrivateAndMigrationsRunOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let stateDirectory = directory.file("state")
        _ = try StateStore.open(directory: stateDirectory)
        var status = stat()
        stat(stateDirectory, &status)
        #expect(status.st_mode & 0o777 == 0o700)
        _ = try StateStore.open(directory: stateDirectory)
        let db = try SQLiteConnection(path: stateDirectory + "/attsync.sqlite", mode: .readOnly, busyTimeoutMilliseconds: 100)
        #expect(try db.scalar("SELECT count(*) FROM schema_migrations") == .integer(Int64(StateStore.migrations.count)))
        #expect(try db.scalar("PRAGMA journal_mode") == .text("wal"))
    }

    @Test func aDatabaseFromANewerAttsyncIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try StateStore.open(directory: directory.path)
        let db = try SQLiteConnection(path: directory.file("attsync.sqlite"), mode: .readWriteCreate, busyTimeoutMilliseconds: 100)
        try db.run("INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01T00:00:00Z')")
        #expect(throws: StateError.newerSchema(path: directory.file("attsync.sqlite"), found: 99, known: StateStore.migrations.count)) {
            try StateStore.open(directory: directory.path)
        }
    }

    @Test func consentHistoryAndTheConsentInForce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try StateStore.open(directory: directory.path)
        #expect(try store.consentHistory(urn: "100000").inForce == nil)
        let given = Date(timeIntervalSince1970: 1_795_000_000)
        try store.recordConsent(urn: "100000", action: .given, by: "Ann Head", osUser: "office", at: given)
        #expect(try store.consentHistory(urn: "100000").inForce?.by == "Ann Head")
        #expect(try store.consentHistory(urn: "100001").inForce == nil)
        try store.recordConsent(urn: "100000", action: .removed, by: "Bob Governor", osUser: "office", at: given.addingTimeInterval(60))
        #expect(try store.consentHistory(urn: "100000").inForce == nil)
        #expect(try store.consentHistory(urn: "100000").events.map(\.action) == [.given, .removed])
        try store.recordConsent(urn: "100000", action: .given, by: "Cy Head", osUser: "office", at: given.addingTimeInterval(120))
        try store.recordConsent(urn: "100000", action: .given, by: "Di Head", osUser: "office", at: given.addingTimeInterval(180))
        #expect(
            try store.consentHistory(urn: "100000").inForce?.by == "Cy Head", "giving consent again does not move the start of the period")
    }

    @Test func submissionsAttemptsOutcomesAndAcceptedDays() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try StateStore.open(directory: directory.path)
        var figures = DayFigures(day: Day(iso: "2026-11-27")!)
        figures.onRoll = ["1": 1]
        figures.am.read = 1
        figures.am.counts = ["1": ["/": 1]]
        let payload = Payload(urn: "100000", figures: SchoolFigures(days: [figures], totalOnRollOnRunDate: 1), sending: [figures.day])
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let first = try store.beginSubmission(
            urn: "100000", runDate: figures.day, payload: payload, dataQuality: ["2 marks of pupils not on roll (not sent)"], forced: false,
            at: now
        ).id
        try store.recordAttempt(
            submission: first,
            AttemptRecord(
                kind: .post, number: 1, startedAt: now, durationSeconds: 0.25, httpStatus: 503, retryAfterSeconds: 2, waitedSeconds: 2))
        try store.recordAttempt(
            submission: first, AttemptRecord(kind: .post, number: 2, startedAt: now, durationSeconds: 0.1, httpStatus: 201))
        try store.finishSubmission(
            first, urn: "100000",
            outcome: .accepted(Acceptance(httpStatus: 201, reference: "SUB-1", errors: [], note: nil), payload: payload), at: now)
        let second = try store.beginSubmission(
            urn: "100000", runDate: figures.day, payload: payload, dataQuality: [], forced: true, at: now
        ).id
        #expect(try store.markInterrupted(at: now) == 1)

        let history = try store.acceptedHistory(urn: "100000", timeZone: TimeZone(identifier: "Europe/London")!)
        #expect(history.acceptedDigests == payload.dayDigests)
        #expect(history.lastAccepted?.id == first && history.lastAccepted?.sha256 == payload.sha256)

        let listed = try store.submissions(urns: ["100000"], limit: 10)
        #expect(listed.map(\.id) == [second, first])
        #expect(listed.map(\.status) == [.interrupted, .accepted])
        #expect(listed[1].attemptCount == 2 && listed[1].reference == "SUB-1" && listed[1].dates == ["2026-11-27"])
        #expect(listed[1].dataQuality == "2 marks of pupils not on roll (not sent)" && listed[0].dataQuality == nil)
        let (record, body, attempts) = try store.submission(id: first)
        #expect(body == payload.body && record.bodySHA256 == payload.sha256)
        #expect(attempts.map(\.httpStatus) == [503, 201] && attempts[0].waitedSeconds == 2 && attempts[0].durationSeconds == 0.25)
        #expect(throws: StateError.noSuchSubmission(id: 99)) { try store.submission(id: 99) }
    }

    @Test func aSecondRunCannotTakeTheLock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("attsync.lock")
        let held = try RunLock(path: path)
        #expect(throws: StateError.locked(path: path)) { try RunLock(path: path) }
        withExtendedLifetime(held) {}
    }

    @Test func aStateDirectoryWritableByOthersIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        chmod(directory.path, 0o777)
        #expect(throws: StateError.looseDirectory(path: directory.path, mode: 0o777)) { try StateStore.open(directory: directory.path) }
        #expect(ExitStatus(for: StateError.looseDirectory(path: directory.path, mode: 0o777)) == .noPermission)
    }

    @Test func aLockOrDatabaseThatIsASymbolicLinkIsRefusedAndNothingIsCreatedAtItsTarget() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.file("state")
        mkdir(state, 0o700)
        symlink(directory.file("elsewhere.lock"), state + "/attsync.lock")
        #expect(throws: StateError.symbolicLink(path: state + "/attsync.lock")) { try RunLock(path: state + "/attsync.lock") }
        symlink(directory.file("elsewhere.sqlite"), state + "/attsync.sqlite")
        #expect(throws: StateError.symbolicLink(path: state + "/attsync.sqlite")) { try StateStore.open(directory: state) }
        #expect(throws: StateError.symbolicLink(path: state + "/attsync.sqlite")) { try StateStore.openExisting(directory: state) }
        #expect(!FileManager.default.fileExists(atPath: directory.file("elsewhere.lock")))
        #expect(!FileManager.default.fileExists(atPath: directory.file("elsewhere.sqlite")))
    }

    @Test func aCorruptValueIsAnErrorNotADefault() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try StateStore.open(directory: directory.path)
        try store.recordConsent(
            urn: "100000", action: .given, by: "Ann Head", osUser: "office", at: Date(timeIntervalSince1970: 1_795_000_000))
        let db = try SQLiteConnection(path: directory.file("attsync.sqlite"), mode: .readWriteCreate, busyTimeoutMilliseconds: 100)
        try db.run("UPDATE consent_events SET at = 'yesterday'")
        #expect(throws: StateError.corrupt(path: directory.file("attsync.sqlite"), what: "time of consent event 1")) {
            try store.consentHistory(urn: "100000")
        }
    }

    /// A payload for one pupil on 27 November marked `code` in the morning.
    func payload(_ code: String) -> Payload {
        var figures = DayFigures(day: Day(iso: "2026-11-27")!)
        figures.onRoll = ["1": 1]
        figures.am.read = 1
        figures.am.counts = ["1": [code: 1]]
        return Payload(urn: "100000", figures: SchoolFigures(days: [figures], totalOnRollOnRunDate: 1), sending: [figures.day])
    }

    @Test func aBodySentAgainAfterAnotherMayHaveBeenTakenIsNotUnchangedAndGetsAFreshKey() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try StateStore.open(directory: directory.path)
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let zone = TimeZone(identifier: "Europe/London")!
        let (a, b) = (payload("/"), payload("I"))
        func begin(_ body: Payload) throws -> StateStore.Begun {
            try store.beginSubmission(
                urn: "100000", runDate: Day(iso: "2026-11-27")!, payload: body, dataQuality: [], forced: false, at: now)
        }
        func accept(_ id: Int64, _ body: Payload) throws {
            try store.finishSubmission(
                id, urn: "100000",
                outcome: .accepted(Acceptance(httpStatus: 201, reference: "R\(id)", errors: [], note: nil), payload: body),
                at: now)
        }
        let first = try begin(a)
        #expect(first.idempotencyKey == a.sha256, "a body's first key is its hash")
        try accept(first.id, a)
        #expect(try store.acceptedHistory(urn: "100000", timeZone: zone).lastAccepted?.otherBodySince == false)
        // B goes out and its outcome is lost (the run was killed): the DfE may hold B.
        let lost = try begin(b)
        #expect(lost.idempotencyKey == b.sha256)
        _ = try store.markInterrupted(at: now)
        let history = try store.acceptedHistory(urn: "100000", timeZone: zone)
        #expect(history.lastAccepted?.otherBodySince == true)
        #expect(SendDecision(payload: a, lastAccepted: history.lastAccepted, force: false) == .send, "A again is not \"unchanged\"")
        // A again: a fresh key, kept by every later resend of this submission's body.
        let again = try begin(a)
        #expect(again.idempotencyKey != a.sha256 && again.idempotencyKey.count == 64)
        _ = try store.markInterrupted(at: now)
        #expect(try begin(a).idempotencyKey == again.idempotencyKey, "a resend of the same submission keeps its key")
        // A rejection (400) means the DfE did not take the body: no fresh key for what follows.
        let rejected = try begin(payload("N"))
        try store.recordAttempt(
            submission: rejected.id, AttemptRecord(kind: .post, number: 1, startedAt: now, durationSeconds: 0, httpStatus: 400))
        try store.finishSubmission(
            rejected.id, urn: "100000",
            outcome: .failed(DeliveryFailure(error: .rejected(status: 400, summary: "x"), httpStatus: 400, errors: [])), at: now)
        #expect(try begin(a).idempotencyKey == again.idempotencyKey)
    }
}

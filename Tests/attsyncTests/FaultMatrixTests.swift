import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// The fault matrix of docs/reliability.md, row by row (rows 8, 9, 10 and 16 are in SendTests, row 23 in
/// BadInputTests, row 24 in SourceSnapshotTests), each against the real stand-in over HTTPS.
@Suite struct FaultMatrixTests: StandInSuite {
    // Row 1
    @Test(arguments: [
        (401, #"{"error":"invalid_client"}"#, "invalid_client"),
        (400, #"{"error":"invalid_scope","error_description":"bad scope"}"#, "invalid_scope"),
        (400, #"{"error":"unsupported_grant_type"}"#, "unsupported_grant_type"),
    ])
    func tokenEndpointRefusalIsAConfigurationError(status: Int, body: String, code: String) throws {
        let standin = try start(
            faults(token: [["status": status, "body": body, "headers": ["Content-Type": "application/json", "WWW-Authenticate": "Basic"]]]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 78)
        #expect(result.stderr.contains(code))
        #expect(standin.requests(to: "/token").count == 1 && standin.requests(to: "/attendances").isEmpty)
        let show = try standin.attsync(["history", "show", "1"])
        #expect(show.stdout.contains("token") && show.stdout.contains(code) && !show.stdout.contains(StandIn.secret))
        #expect(try acceptedDays(standin) == 0)
    }

    // Row 2
    @Test func tokenEndpointUnavailableIsTemporary() throws {
        let standin = try start(faults(token: [["status": 503], ["status": 429, "headers": ["Retry-After": "0"]], ["status": 500]]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 75)
        #expect(standin.requests(to: "/token").count == 3 && standin.requests(to: "/attendances").isEmpty)
        #expect(try acceptedDays(standin) == 0)
    }

    // Row 3
    @Test(arguments: [
        "garbage", #"{"token_type":"Bearer","expires_in":3599}"#, #"{"token_type":"mac","expires_in":3599,"access_token":"x"}"#,
        #"{"token_type":"Bearer","expires_in":"never","access_token":"x"}"#,
    ])
    func aGarbageTokenIsAFailedFetch(body: String) throws {
        let standin = try start(faults(token: [["status": 200, "body": body]]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 75)
        #expect(standin.requests(to: "/attendances").isEmpty)
        let show = try standin.attsync(["history", "show", "1"])
        #expect(
            show.stdout.contains("not a usable token") || show.stdout.contains("access_token") || show.stdout.contains("expires_in")
                || show.stdout.contains("Bearer") || show.stdout.contains("JSON"))
    }

    // Row 4
    @Test func aTokenThatExpiresDuringTheRunIsRenewedBeforeTheNextPost() throws {
        let schools = #"[{ "urn": "100000", "source": { "path": "mis.sqlite" } }, { "urn": "100001", "source": { "path": "mis.sqlite" } }]"#
        // The token lives 2 s, so attsync renews it after 1 s; the first POST is held 1.2 s.
        var settings = faults(attendances: [["kind": "delay", "seconds": 1.2]])
        settings["tokenLifetimeSeconds"] = 2
        let standin = try start(settings, schools: schools)
        defer { standin.workspace.remove() }
        // One school after the other (dfe.concurrency 1): at once, both would POST with the first token.
        let config = try String(contentsOfFile: standin.workspace.file("config.json"), encoding: .utf8)
        try standin.workspace.directory.write(
            "config.json", config.replacingOccurrences(of: #""dfe": {"#, with: #""dfe": { "concurrency": 1,"#))
        let result = try send(standin)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(standin.requests(to: "/token").count == 2)
        #expect(standin.requests(to: "/attendances").map { $0["status"] as? Int } == [201, 201], "no POST was refused")
    }

    // Rows 5 and 6
    @Test func aPost401IsRepeatedOnceWithAFreshToken() throws {
        let invalid: [String: Any] = ["status": 401, "headers": ["WWW-Authenticate": #"Bearer error="invalid_token""#]]
        let once = try start(faults(attendances: [invalid]))
        defer { once.workspace.remove() }
        #expect(try send(once).status == 0)
        let posts = once.requests(to: "/attendances")
        #expect(posts.count == 2 && posts[0].header("Idempotency-Key") == posts[1].header("Idempotency-Key"))
        #expect(posts[0].header("Authorization") != posts[1].header("Authorization"))

        let twice = try start(faults(attendances: [invalid, invalid]))
        defer { twice.workspace.remove() }
        let result = try send(twice)
        #expect(result.status == 78 && result.stderr.contains("401 twice"))
        #expect(twice.requests(to: "/attendances").count == 2)
        #expect(try acceptedDays(twice) == 0)
    }

    // Rows 7, 15, 17
    @Test(arguments: [
        (#"{"status": 403}"#, Int32(78), "lacks the role"),
        (#"{"status": 302, "headers": {"Location": "http://elsewhere.example/attendances"}}"#, 78, "redirects are never followed"),
        (#"{"status": 301, "headers": {"Location": "https://localhost:1/attendances"}}"#, 78, "redirects are never followed"),
        (#"{"status": 200}"#, 0, "no submission reference"),
        (#"{"status": 202, "body": "<html>thanks</html>"}"#, 0, "not JSON"),
    ])
    func statusesThatEndTheSendAtOnce(fault: String, status: Int32, words: String) throws {
        let standin = try start(faults(attendances: [try json(fault)]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == status)
        #expect((result.stdout + result.stderr).contains(words), "\(result.stderr)")
        #expect(standin.requests(to: "/attendances").count == 1)
        #expect(try acceptedDays(standin) == (status == 0 ? 7 : 0))
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    // Row 11
    @Test(arguments: ["1", "Wed, 21 Oct 2015 07:28:00 GMT", "soon"])
    func a429IsRetriedAfterTheStatedWaitOrBackoff(retryAfter: String) throws {
        let standin = try start(faults(attendances: [["status": 429, "headers": ["Retry-After": retryAfter]]]))
        defer { standin.workspace.remove() }
        #expect(try send(standin).status == 0)
        let attempt = try standin.attsync(["history", "show", "1"]).stdout.split(separator: "\n").first {
            $0.hasPrefix("  post") && $0.contains("429")
        }
        #expect(attempt != nil)
        if retryAfter == "1" { #expect(attempt?.contains("1 s  ") == true, "\(String(describing: attempt))") }
    }

    @Test func aHugeRetryAfterStopsWithinTheBudget() throws {
        let standin = try start(faults(attendances: [["status": 503, "headers": ["Retry-After": "86400"]]]))
        defer { standin.workspace.remove() }
        let started = Date()
        let result = try send(standin)
        #expect(result.status == 75 && result.stderr.contains("asked to wait 86400 s"))
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(standin.requests(to: "/attendances").count == 1)
    }

    // Row 12
    @Test func serverErrorsEveryTimeGiveUpAfterTheAttempts() throws {
        let standin = try start(faults(attendances: [["status": 500], ["status": 502], ["status": 504], ["status": 500]]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 75 && result.stderr.contains("after 3 attempts"))
        #expect(standin.requests(to: "/attendances").count == 3)
        let show = try standin.attsync(["history", "show", "1"]).stdout
        #expect(show.split(separator: "\n").filter { $0.hasPrefix("  post") }.count == 3)
        #expect(try acceptedDays(standin) == 0)
    }

    // Row 13
    @Test(arguments: ["refused", "dns", "proxy"])
    func unreachableServersAreRetriedThenTemporary(kind: String) throws {
        let standin = try start()
        defer { standin.workspace.remove() }
        var environment: [String: String] = ["ATTSYNC_CLIENT_SECRET": StandIn.secret]
        let config = standin.workspace.file("config.json")
        var text = try String(contentsOfFile: config, encoding: .utf8)
        switch kind {
        case "refused": text = text.replacingOccurrences(of: "localhost:\(standin.port)", with: "localhost:1")
        case "dns": text = text.replacingOccurrences(of: "localhost:\(standin.port)", with: "dfe.invalid")
        default: environment["https_proxy"] = "http://127.0.0.1:1"
        }
        try standin.workspace.directory.write("config.json", text)
        let result = try standin.workspace.run(["send", "--date", "2026-11-27"], environment: environment)
        #expect(result.status == 75, "\(result.stderr)")
        #expect(standin.requests().isEmpty)
        let show = try standin.attsync(["history", "show", "1"]).stdout
        #expect(show.split(separator: "\n").filter { $0.hasPrefix("  token") }.count == 3)
    }

    // Row 14
    @Test(arguments: [#"{"kind": "acceptThenReset"}"#, #"{"kind": "acceptThenStall", "seconds": 4}"#])
    func anAnswerLostAfterTheBodyWasTakenIsRetriedWithTheSameKey(fault: String) throws {
        let standin = try start(faults(attendances: [try json(fault)]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 0, "\(result.stderr)")
        let posts = standin.requests(to: "/attendances")
        #expect(posts.count == 2 && posts[0].header("Idempotency-Key") == posts[1].header("Idempotency-Key"))
        #expect(posts[1]["idempotentReplay"] as? Bool == true, "the receiver recognised the repeat")
        #expect(standin.store()["100000"]?.count == 7, "one record per day")
    }

    // Row 18
    @Test func aRetiredServiceRemovesConsentAndLaterSendsAreRefused() throws {
        let standin = try start(faults(attendances: [["status": 410]]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 69 && result.stderr.contains("retired"))
        let status = try standin.attsync(["consent", "status"])
        #expect(status.stdout.contains("no consent") && status.stdout.contains("DfE service (HTTP 410)"))
        #expect(status.stdout.contains("retired (HTTP 410)"), "says why, not just \"no consent\"")
        let later = try send(standin)
        #expect(later.status == 77)
        #expect(later.stderr.contains("that its attendance service is retired (HTTP 410)"), "\(later.stderr)")
        #expect(standin.requests(to: "/attendances").count == 1)
    }

    // Row 19
    @Test func aRunKilledWhileThePostIsInFlightIsFinishedByTheNextRun() throws {
        let standin = try start(
            faults(attendances: [["kind": "acceptThenStall", "seconds": 30]]),
            configuration: #""stateDirectory": "state""#)
        defer { standin.workspace.remove() }
        let config = standin.workspace.file("config.json")
        try standin.workspace.directory.write(
            "config.json",
            try String(contentsOfFile: config, encoding: .utf8)
                .replacingOccurrences(of: #""timeoutSeconds": 2"#, with: #""timeoutSeconds": 60"#))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Workspace.executable)
        process.arguments = ["send", "--date", "2026-11-27", "--config", config]
        process.environment = ["ATTSYNC_CLIENT_SECRET": StandIn.secret, "PATH": "/usr/bin:/bin"]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        for _ in 0..<400 where standin.requests(to: "/attendances").isEmpty { usleep(25_000) }
        try #require(standin.requests(to: "/attendances").count == 1)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let next = try send(standin)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("stopped before the DfE answered"))
        let posts = standin.requests(to: "/attendances")
        #expect(posts.count == 2 && posts[0]["body"] as? String == posts[1]["body"] as? String)
        #expect(posts[0].header("Idempotency-Key") == posts[1].header("Idempotency-Key"))
        #expect(standin.store()["100000"]?.count == 7)
        let history = try standin.attsync(["history"]).stdout
        #expect(history.contains("✗ interrupted") && history.contains("✓ accepted"))
    }

    // Row 20
    @Test func aSecondRunExitsAtOnceWithoutTraffic() throws {
        let standin = try start()
        defer { standin.workspace.remove() }
        let lock = try RunLock(path: standin.workspace.file("state/attsync.lock"))
        let result = try send(standin)
        withExtendedLifetime(lock) {}
        #expect(result.status == 75 && result.stderr.contains("another attsync run"))
        #expect(standin.requests().isEmpty)
    }

    // Row 21
    @Test func aStateDatabaseLockedByAnotherProcessStopsBeforeAnyTraffic() throws {
        let standin = try start()
        defer { standin.workspace.remove() }
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let ready = standin.workspace.file("holder.ready")
        holder.arguments = [
            "python3", "-c",
            """
            import sqlite3, time, pathlib
            db = sqlite3.connect('\(standin.workspace.file("state/attsync.sqlite"))', isolation_level=None)
            db.execute('BEGIN EXCLUSIVE')
            pathlib.Path('\(ready)').write_text('ready')
            time.sleep(20)
            """,
        ]
        try holder.run()
        defer { kill(holder.processIdentifier, SIGKILL) }
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: ready) { usleep(25_000) }
        let result = try send(standin)
        #expect(result.status == 75 && result.stderr.contains("locked by another process"), "\(result.stderr)")
        #expect(standin.requests().isEmpty)
    }

    // Row 22
    @Test func aStateDirectoryThatCannotBeCreatedStopsBeforeAnyTraffic() throws {
        let standin = try start(configuration: #""stateDirectory": "mis.sqlite/state""#, consent: false)
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 73 && result.stderr.contains("cannot create the state directory"))
        #expect(standin.requests().isEmpty)
    }

    // Row 25
    @Test func afterAWeekOffCatchUpSendsTheMissedSchoolDaysOldestFirst() throws {
        let standin = try start(configuration: #""window": { "schoolDays": 3, "catchUpSchoolDays": 4 }"#)
        defer { standin.workspace.remove() }
        try standin.workspace.python(
            """
            db = sqlite3.connect('state/attsync.sqlite')
            db.execute("UPDATE consent_events SET at = '2026-11-09T08:00:00.000Z'")
            db.commit()
            """)
        let preview = try standin.attsync(["preview", "--date", "2026-11-27"])
        #expect(preview.stdout.contains("(catch-up)"))
        var runs = 0
        var finished = false
        while runs < 6 && !finished {
            runs += 1
            let result = try send(standin)
            #expect(result.status == 0, "\(result.stderr)")
            finished = result.stdout.contains("nothing to send: the DfE already has")
        }
        #expect(finished)
        let bodies = standin.requests(to: "/attendances").map { post in
            var dates: [String] = []
            let elements = ((try? JSONSerialization.jsonObject(with: Data((post["body"] as? String ?? "").utf8))) as? [String: Any])?[
                "submissionData"]
            for case let element as [String: Any] in elements as? [Any] ?? [] {
                if let date = element["date"] as? String, dates.last != date { dates.append(date) }
            }
            return dates
        }
        #expect(
            bodies.first == ["2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-25", "2026-11-26", "2026-11-27"],
            "the four oldest missed days first, then the window")
        let window = ["2026-11-25", "2026-11-26", "2026-11-27"]
        let caughtUp = bodies.flatMap { $0 }.filter { !window.contains($0) }
        #expect(caughtUp == caughtUp.sorted() && Set(caughtUp).count == caughtUp.count, "each missed day sent once, oldest first")
        let schoolDays = SchoolCalendar().schoolDays(from: Day(iso: "2026-11-09")!, before: Day(iso: "2026-11-25")!).map(\.description)
        #expect(
            Set(schoolDays).subtracting(caughtUp).count <= 2,
            "only days without marks (INSET) are left: \(Set(schoolDays).subtracting(caughtUp))")
        #expect(Set(standin.store()["100000"]?.keys.map { $0 } ?? []) == Set(caughtUp + window))
    }

    @Test func anOversizedAnswerIsCutOffAndTreatedAsTransient() throws {
        let huge = String(repeating: "x", count: CurlTransport.responseLimit + 1)
        let standin = try start(
            faults(attendances: [["status": 201, "body": huge], ["status": 201, "body": huge], ["status": 201, "body": huge]]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 75 && result.stderr.contains("exceeded \(CurlTransport.responseLimit) bytes"), "\(result.stderr)")
        #expect(standin.requests(to: "/attendances").count == 3)
    }

    @Test func secretProblemsStopBeforeAnythingIsCreatedOrSent() throws {
        let standin = try start(consent: false)
        defer { standin.workspace.remove() }
        chmod(standin.workspace.file("secrets/subscription-key"), 0o644)
        let loose = try send(standin)
        #expect(loose.status == 77 && loose.stderr.contains("chmod 600"), "\(loose.stderr)")
        let unset = try standin.workspace.run(["send", "--date", "2026-11-27"])
        #expect(unset.status == 78 && unset.stderr.contains("ATTSYNC_CLIENT_SECRET is unset or empty"))
        #expect(!FileManager.default.fileExists(atPath: standin.workspace.file("state")))
        #expect(standin.requests().isEmpty)
    }

    @Test func plainHttpIsAllowedToLoopback() throws {
        let standin = try start(http: true)
        defer { standin.workspace.remove() }
        #expect(try send(standin).status == 0)
        #expect(standin.requests(to: "/attendances").count == 1)
    }
}

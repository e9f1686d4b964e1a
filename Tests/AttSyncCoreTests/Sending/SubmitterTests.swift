import Foundation
import Testing

@testable import AttSyncCore

@Suite struct SubmitterTests {
    static let body = Array(#"{"urn":100000,"totalNoOfPupils":1,"submissionData":[]}"#.utf8) + [10]
    static let sha = hexSHA256(body)
    static let path = "/attendance/attendances"

    struct Run {
        var result: Result<Acceptance, DeliveryFailure>
        var records: [AttemptRecord]
        var transport: ScriptedTransport
        var clock: TestClock

        var posts: [HTTPRequest] { transport.requests(to: SubmitterTests.path) }
        var error: SendError? { if case .failure(let failure) = result { return failure.error } else { return nil } }
    }

    func deliver(
        _ steps: [ScriptedTransport.Step], token: [ScriptedTransport.Step] = [], retry: Configuration.Retry = SendingFixtures.retry
    ) -> Run {
        let transport = ScriptedTransport([Self.path: steps, "/token": token], fallback: ["/token": ScriptedTransport.goodToken])
        let clock = TestClock()
        var records: [AttemptRecord] = []
        let result: Result<Acceptance, DeliveryFailure>
        do {
            result = .success(
                try SendingFixtures.submitter(transport).deliver(
                    body: Self.body, idempotencyKey: Self.sha, policy: SendingFixtures.policy(clock, retry: retry)
                ) { records.append($0) })
        } catch {
            result = .failure(error as! DeliveryFailure)
        }
        return Run(result: result, records: records, transport: transport, clock: clock)
    }

    @Test func everyHeaderOfTheContractIsSent() throws {
        let run = deliver([.respond(201, body: #"{"submissionRef":"SUB-1","errors":[]}"#)])
        let request = try #require(run.posts.first)
        #expect(request.header("Authorization") == "Bearer tok-1")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("Ocp-Apim-Subscription-Key") == "sub-key")
        #expect(request.header("api-client-app-id") == "attsync-client")
        #expect(UUID(uuidString: request.header("api-client-session-id") ?? "") != nil)
        #expect(request.header("Idempotency-Key") == "\"\(Self.sha)\"")
        #expect(request.body == Self.body)
        #expect(!request.redactedHeaders.contains { $0.value.contains("tok-1") || $0.value.contains("sub-key") })
        #expect(try run.result.get() == Acceptance(httpStatus: 201, reference: "SUB-1", errors: [], note: nil))
    }

    @Test func a503ThenA201IsTwoAttemptsWithTheSameBytesAndKeyButFreshSessionIds() throws {
        let run = deliver([.respond(503, retryAfter: 3), .respond(201, body: #"{"submissionRef":"SUB-2","errors":[]}"#)])
        #expect(try run.result.get().reference == "SUB-2")
        #expect(run.posts.count == 2)
        #expect(run.posts.allSatisfy { $0.body == Self.body && $0.header("Idempotency-Key") == "\"\(Self.sha)\"" })
        #expect(run.posts[0].header("api-client-session-id") != run.posts[1].header("api-client-session-id"))
        #expect(run.clock.sleeps == [3], "Retry-After 3 s beats the 1 s of backoff")
        let posts = run.records.filter { $0.kind == .post }
        #expect(posts.map(\.httpStatus) == [503, 201] && posts.map(\.number) == [1, 2] && posts[0].retryAfterSeconds == 3)
        #expect(run.transport.requests(to: "/token").count == 1)
    }

    @Test(arguments: [500, 502, 504, 408, 409, 429])
    func transientStatusesAreRetriedUntilTheAttemptsAreSpent(status: Int) {
        let run = deliver(Array(repeating: .respond(status), count: 10))
        guard case .gaveUp(let reason)? = run.error else { Issue.record("\(run.result)"); return }
        #expect(reason.contains("HTTP \(status) after 4 attempts"))
        #expect(run.posts.count == 4)
        #expect(run.clock.sleeps == [1, 2, 4])
        #expect(ExitStatus(for: run.error!) == .temporaryFailure)
    }

    @Test func aRetryAfterBeyondTheBudgetStopsAtOnceWithoutWaiting() {
        let run = deliver([.respond(429, retryAfter: 86_400)])
        guard case .gaveUp(let reason)? = run.error else { Issue.record("\(run.result)"); return }
        #expect(reason.contains("asked to wait 86400 s"))
        #expect(run.posts.count == 1 && run.clock.sleeps.isEmpty)
    }

    @Test func theElapsedBudgetBoundsTheRun() {
        let retry = Configuration.Retry(attempts: 100, baseDelaySeconds: 10, maxDelaySeconds: 10, maxElapsedSeconds: 25)
        let run = deliver(Array(repeating: .respond(503), count: 100), retry: retry)
        #expect(run.error != nil)
        #expect(run.clock.sleeps.reduce(0, +) <= 25)
        #expect(run.posts.count == 6, "waits of 5 s (random 0.5 × 10 s) fit five times into 25 s")
    }

    @Test func transportFailuresAreRetriedButATLSFailureNever() throws {
        let lost = deliver([
            .fail(.connectionLost(host: "dfe.example", detail: "reset")), .respond(201, body: #"{"submissionRef":"SUB-3"}"#),
        ])
        #expect(try lost.result.get().reference == "SUB-3")
        #expect(lost.posts.count == 2)

        let tls = deliver([.fail(.tls(host: "dfe.example", problem: "certificate expired"))])
        #expect(tls.error == .tls(.tls(host: "dfe.example", problem: "certificate expired")))
        #expect(tls.posts.count == 1 && tls.clock.sleeps.isEmpty)
        #expect(ExitStatus(for: tls.error!) == .configuration)
    }

    @Test func a401FetchesOneFreshTokenAndRepeatsOnce() throws {
        let once = deliver(
            [
                .respond(401, headers: ["www-authenticate": #"Bearer error="invalid_token""#]),
                .respond(201, body: #"{"submissionRef":"SUB-4"}"#),
            ],
            token: [ScriptedTransport.goodToken, .respond(200, body: #"{"token_type":"Bearer","expires_in":3599,"access_token":"tok-2"}"#)])
        #expect(try once.result.get().reference == "SUB-4")
        #expect(once.posts.map { $0.header("Authorization") } == ["Bearer tok-1", "Bearer tok-2"])
        #expect(once.posts[0].header("Idempotency-Key") == once.posts[1].header("Idempotency-Key"))
        #expect(once.clock.sleeps.isEmpty)

        let twice = deliver([.respond(401), .respond(401), .respond(201)])
        #expect(twice.error == .unauthorised)
        #expect(twice.posts.count == 2 && twice.transport.requests(to: "/token").count == 2)
    }

    @Test(arguments: [
        (400, SendError.rejected(status: 400, summary: "VAL101 Invalid URN (12) at $.urn"), AttSyncCore.ExitStatus.dataError),
        (422, .rejected(status: 422, summary: "VAL101 Invalid URN (12) at $.urn"), .dataError),
        (403, .forbidden, .configuration),
        (404, .endpointWrong(status: 404), .configuration),
        (405, .endpointWrong(status: 405), .configuration),
        (410, .retired, .unavailable),
    ])
    func statusesThatAreNotRetried(status: Int, error: SendError, exit: AttSyncCore.ExitStatus) {
        let body = #"{"errors":[{"code":"VAL101","title":"Invalid URN","detail":"12","path":"$.urn"}]}"#
        let run = deliver([.respond(status, body: body), .respond(201)])
        #expect(run.error == error)
        #expect(run.posts.count == 1 && run.clock.sleeps.isEmpty)
        #expect(ExitStatus(for: error) == exit)
        if case .failure(let failure) = run.result, status == 400 {
            #expect(failure.errors == [DfEError(code: "VAL101", title: "Invalid URN", detail: "12", path: "$.urn")])
            #expect(failure.httpStatus == 400)
        }
    }

    @Test func aRedirectIsNeverFollowed() {
        let run = deliver([.respond(302, headers: ["location": "http://elsewhere.example/"])])
        #expect(
            run.error == .redirected(url: "https://dfe.example/attendance/attendances", status: 302, location: "http://elsewhere.example/"))
        #expect(run.posts.count == 1)
    }

    @Test func softErrorsAreAcceptedWithWarningsAndAnEmptyAnswerWithANote() throws {
        let soft = deliver([
            .respond(
                201,
                body:
                    #"{"submissionRef":"SUB-5","errors":[{"code":"VAL104","title":"Invalid code","detail":"ZZ","path":"$.submissionData[3].attendances[1].attendanceCode"}]}"#
            )
        ])
        #expect(try soft.result.get().errors.map(\.code) == ["VAL104"])
        let empty = deliver([.respond(200)])
        #expect(
            try empty.result.get()
                == Acceptance(httpStatus: 200, reference: nil, errors: [], note: "the DfE's answer was empty: no submission reference"))
        let garbage = deliver([.respond(202, body: "<html>ok</html>")])
        #expect(try garbage.result.get().note == "the DfE's answer was not JSON: no submission reference")
    }

    @Test(arguments: [
        (#"{"submissionRef":"S-1","errors":"oops"}"#, "S-1", 0, "errors is not a list (a string)"),
        (
            #"{"submissionRef":"S-1","errors":[1,{"code":"VAL104","title":"Invalid code"}]}"#, "S-1", 1,
            "errors[0] is not an object (a number)"
        ),
        (#"{"submissionRef":"S-1","errors":[{"code":5,"title":["x"]}]}"#, "S-1", 1, "errors[0].title is not a string (a list)"),
        (#"{"submissionRef":17,"errors":[]}"#, nil, 0, "submissionRef is not a string (a number)"),
    ])
    func anOddlyShapedAcceptanceKeepsWhatCanBeReadAndSaysWhatWasOdd(body: String, reference: String?, warnings: Int, odd: String) throws {
        let run = deliver([.respond(201, body: body)])
        let acceptance = try run.result.get()
        #expect(acceptance.reference == reference && acceptance.errors.count == warnings)
        #expect(acceptance.note?.contains(odd) == true, "\(String(describing: acceptance.note))")
        #expect(run.records.last?.answer == body, "the raw answer is kept with the attempt")
    }

    @Test func aNumericErrorCodeIsKeptAsText() throws {
        let run = deliver([.respond(201, body: #"{"submissionRef":"S-1","errors":[{"code":104,"title":"Invalid code"}]}"#)])
        #expect(try run.result.get().errors == [DfEError(code: "104", title: "Invalid code", detail: nil, path: nil)])
    }

    @Test func serverTextIsKeptWithControlCharactersEscaped() throws {
        let body =
            #"{"submissionRef":"S-1\u001b[2J","errors":[{"code":"V\n✓ accepted","title":"t\u001b[31m","detail":"d\r","path":"$\u202e"}]}"#
        let acceptance = try deliver([.respond(201, body: body)]).result.get()
        #expect(acceptance.reference == #"S-1\u{1B}[2J"#)
        #expect(acceptance.errors[0].summary == #"V\u{A}✓ accepted t\u{1B}[31m (d\u{D}) at $\u{202E}"#)
        let rejected = deliver([.respond(400, body: #"{"errors":[{"code":"VAL101\u001b[2J","title":"x"}]}"#)])
        #expect(rejected.error == .rejected(status: 400, summary: #"VAL101\u{1B}[2J x"#))
    }

    @Test func aHugeRetryAfterStopsAtOnceAndIsShownWithoutCrashing() {
        let run = deliver([.respond(429, retryAfter: 9_223_372_036_854_775_807)])
        guard case .gaveUp(let reason)? = run.error else { Issue.record("\(run.result)"); return }
        #expect(reason.contains("asked to wait 9.22e+18 s"), "\(reason)")
        #expect(run.posts.count == 1 && run.clock.sleeps.isEmpty)
    }
}

@Suite struct RetryPolicyTests {
    @Test func fullJitterIsBoundedByTheCappedExponential() {
        let clock = TestClock()
        let retry = Configuration.Retry(attempts: 10, baseDelaySeconds: 2, maxDelaySeconds: 20, maxElapsedSeconds: 1000)
        let top = RetryPolicy(retry: retry, clock: clock, random: { 0.999999 })
        #expect((1...6).map { (top.wait(afterFailures: $0, retryAfter: nil)! * 1000).rounded() / 1000 } == [2, 4, 8, 16, 20, 20])
        let bottom = RetryPolicy(retry: retry, clock: clock, random: { 0 })
        #expect(bottom.wait(afterFailures: 3, retryAfter: nil) == 0)
        #expect(bottom.wait(afterFailures: 3, retryAfter: 5) == 5)
        #expect(bottom.wait(afterFailures: 10, retryAfter: nil) == nil, "ten failures spend ten attempts")
    }
}

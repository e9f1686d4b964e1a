import Foundation
import Testing

@testable import AttSyncCore

/// What the workers of a trust's run share: one token, and the DfE's "slow down".
@Suite struct SharingTests {
    @Test func manyWorkersAskingAtOnceGetOneToken() throws {
        let transport = ScriptedTransport(fallback: ["/token": ScriptedTransport.goodToken])
        let tokens = SendingFixtures.tokens(transport)
        let clock = TestClock()
        let policy = SendingFixtures.policy(clock)
        let values = Values()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            if let token = try? tokens.bearer(policy: policy, record: { _ in }) { values.add(token.revealed) }
        }
        #expect(tokens.requests == 1)
        #expect(values.all == Array(repeating: "tok-1", count: 8))
    }

    @Test func aRefusedTokenIsRenewedOnceHoweverManyWorkersSawTheRefusal() throws {
        let transport = ScriptedTransport(
            [
                "/token": [
                    ScriptedTransport.goodToken, .respond(200, body: #"{"token_type":"Bearer","expires_in":3599,"access_token":"tok-2"}"#),
                ]
            ])
        let tokens = SendingFixtures.tokens(transport)
        let policy = SendingFixtures.policy(TestClock())
        let first = try tokens.bearer(policy: policy, record: { _ in })
        tokens.invalidate(first)  // the first worker's 401
        let renewed = try tokens.bearer(policy: policy, record: { _ in })
        tokens.invalidate(first)  // a second worker's 401 for the same old token: the new one stays
        #expect(try tokens.bearer(policy: policy, record: { _ in }) == renewed)
        #expect(renewed.revealed == "tok-2" && tokens.requests == 2)
    }

    @Test func aRetryAfterToOneWorkerHoldsTheOthers() throws {
        let clock = TestClock()
        let throttle = Throttle()
        var policy = SendingFixtures.policy(clock)
        policy.throttle = throttle
        let loop = RetryLoop(kind: .post, policy: policy, console: Console(quiet: true))
        var answers = [429, 201]
        let result = try loop.run(record: { _ in }) { attempt -> RetryLoop.Outcome<Int> in
            let status = answers.removeFirst()
            attempt.httpStatus = status
            attempt.retryAfterSeconds = status == 429 ? 7 : nil
            return status == 429 ? .transient("HTTP 429") : .success(status)
        }
        #expect(result == 201 && clock.sleeps == [7])
        // Another worker, starting at the moment of the 429, waits it out before its first request.
        clock.advance(-7)
        let other = RetryLoop(kind: .post, policy: policy, console: Console(quiet: true))
        _ = try other.run(record: { _ in }) { _ -> RetryLoop.Outcome<Int> in .success(1) }
        #expect(clock.sleeps == [7, 7])
    }

    final class Values: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String] = []
        func add(_ value: String) { lock.withLock { values.append(value) } }
        var all: [String] { lock.withLock { values } }
    }
}

import Foundation
import Testing

@testable import AttSyncCore

@Suite struct TokenProviderTests {
    typealias Step = ScriptedTransport.Step

    @Test func aTokenIsFetchedOnceAndReusedUntilShortlyBeforeItExpires() throws {
        let clock = TestClock()
        let transport = ScriptedTransport([
            "/token": [
                .respond(200, body: #"{"token_type":"bearer","expires_in":"40","access_token":"first"}"#),
                .respond(200, body: #"{"token_type":"Bearer","expires_in":3599,"access_token":"second"}"#),
            ]
        ])
        let tokens = SendingFixtures.tokens(transport)
        let policy = SendingFixtures.policy(clock)
        #expect(try tokens.bearer(policy: policy) { _ in }.revealed == "first")
        clock.advance(19)  // skew = min(30 s, half of 40 s) = 20 s: still valid at 19 s
        #expect(try tokens.bearer(policy: policy) { _ in }.revealed == "first")
        clock.advance(1.5)
        #expect(try tokens.bearer(policy: policy) { _ in }.revealed == "second")
        #expect(tokens.requests == 2)
        tokens.invalidate()
        _ = try? tokens.bearer(policy: policy) { _ in }
        #expect(tokens.requests == 3)
    }

    @Test func clientSecretPostSendsTheCredentialsInTheForm() throws {
        let transport = ScriptedTransport(["/token": [ScriptedTransport.goodToken]])
        let tokens = SendingFixtures.tokens(transport, clientId: "id with space+plus", secret: "p%ss:w/rd= x")
        _ = try tokens.bearer(policy: SendingFixtures.policy(TestClock())) { _ in }
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(request.header("Accept") == "application/json")
        #expect(request.header("Authorization") == nil)
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == "grant_type=client_credentials&scope=api%3A%2F%2Fattendance%2F.default&client_id=id+with+space%2Bplus&client_secret=p%25ss%3Aw%2Frd%3D+x"
        )
    }

    @Test func clientSecretBasicFormEncodesBeforeBase64() throws {
        let transport = ScriptedTransport(["/token": [ScriptedTransport.goodToken]])
        let tokens = SendingFixtures.tokens(transport, method: .clientSecretBasic, clientId: "a:b c", secret: "+%:/= s")
        _ = try tokens.bearer(policy: SendingFixtures.policy(TestClock())) { _ in }
        let request = try #require(transport.requests.first)
        // A space as %20, not +: Authlib's server reads + in a Basic credential as a plus sign.
        let expected = "Basic " + Data("a%3Ab%20c:%2B%25%3A%2F%3D%20s".utf8).base64EncodedString()
        #expect(request.header("Authorization") == expected)
        #expect(!String(decoding: request.body, as: UTF8.self).contains("client_secret"))
    }

    @Test(arguments: [
        ("not json", "not a JSON object"),
        (#"{"token_type":"Bearer","expires_in":3599}"#, "no access_token"),
        (#"{"token_type":"mac","expires_in":3599,"access_token":"t"}"#, "token_type is not Bearer"),
        (#"{"token_type":"Bearer","expires_in":"soon","access_token":"t"}"#, "expires_in"),
        (#"{"token_type":"Bearer","expires_in":0,"access_token":"t"}"#, "expires_in"),
        (#"{"token_type":"Bearer","expires_in":true,"access_token":"t"}"#, "expires_in"),
        (#"{"token_type":"Bearer","access_token":"t"}"#, "expires_in"),
        (#"{"token_type":"Bearer","expires_in":60,"access_token":"t\r\nX-Injected: 1"}"#, "RFC 6750"),
        (#"{"token_type":"Bearer","expires_in":60,"access_token":"t\nX"}"#, "RFC 6750"),
        (#"{"token_type":"Bearer","expires_in":60,"access_token":"t\u0000X"}"#, "RFC 6750"),
        (#"{"token_type":"Bearer","expires_in":60,"access_token":"t X"}"#, "RFC 6750"),
        (#"{"token_type":"Bearer","expires_in":60,"access_token":"tö"}"#, "RFC 6750"),
        (#"{"token_type":"Bearer","expires_in":60,"access_token":"=t"}"#, "RFC 6750"),
    ])
    func aGarbageTokenResponseFailsWithoutRetryAndWithoutQuotingIt(body: String, reason: String) {
        let transport = ScriptedTransport(["/token": [.respond(200, body: body)]])
        var records: [AttemptRecord] = []
        #expect {
            try SendingFixtures.tokens(transport).bearer(policy: SendingFixtures.policy(TestClock())) { records.append($0) }
        } throws: { error in
            guard case SendError.tokenResponseInvalid(let found) = error else { return false }
            return found.contains(reason) && !found.contains("\"t\"")
        }
        #expect(transport.requests.count == 1 && records.count == 1)
        #expect(ExitStatus(for: SendError.tokenResponseInvalid(reason: reason)) == .temporaryFailure)
    }

    @Test(arguments: [
        (401, #"{"error":"invalid_client"}"#, "invalid_client"),
        (400, #"{"error":"invalid_scope","error_description":"AADSTS70011"}"#, "invalid_scope"),
        (400, #"{"error":"unsupported_grant_type"}"#, "unsupported_grant_type"),
    ])
    func oauthErrorsAreConfigurationErrorsWithoutRetry(status: Int, body: String, code: String) {
        let transport = ScriptedTransport(["/token": [.respond(status, body: body)]])
        var records: [AttemptRecord] = []
        #expect {
            try SendingFixtures.tokens(transport).bearer(policy: SendingFixtures.policy(TestClock())) { records.append($0) }
        } throws: { error in
            guard case SendError.tokenRejected(let found, let error, _) = error else { return false }
            return found == status && error == code
                && ExitStatus(for: SendError.tokenRejected(status: status, error: error, description: nil)) == .configuration
        }
        #expect(transport.requests.count == 1)
        #expect(records.map(\.error) == [code])
    }

    @Test func transientTokenFailuresAreRetriedWithBackoffThenGiveUp() {
        let clock = TestClock()
        let transport = ScriptedTransport([
            "/token": [
                .respond(503), .fail(.connectionFailed(host: "login.example", detail: "refused")), .respond(429, retryAfter: 7),
                .respond(500),
            ]
        ])
        var records: [AttemptRecord] = []
        #expect(throws: SendError.self) {
            try SendingFixtures.tokens(transport).bearer(policy: SendingFixtures.policy(clock)) { records.append($0) }
        }
        #expect(transport.requests.count == 4, "retry.attempts = 4")
        // Full jitter with random 0.5: half of 2, 4, 8 s; the 429 asked for 7 s, more than its 2 s.
        #expect(clock.sleeps == [1, 2, 7])
        #expect(records.map(\.waitedSeconds) == [1, 2, 7, nil])
        #expect(records.map(\.httpStatus) == [503, nil, 429, 500])
    }

    /// The sign-in service is the same for every school: once one school's fetch has spent its retries, the
    /// others of the run fail at once, as unreachable, without a request; the next run (a new provider) asks again.
    @Test func aSignInServiceThatCannotBeReachedIsNotAskedAgainInTheSameRun() throws {
        let clock = TestClock()
        let transport = ScriptedTransport(["/token": Array(repeating: .respond(503), count: 8)])
        let tokens = SendingFixtures.tokens(transport)
        #expect(throws: SendError.self) { try tokens.bearer(policy: SendingFixtures.policy(clock)) { _ in } }
        #expect(transport.requests.count == 4)
        var records: [AttemptRecord] = []
        do {
            _ = try tokens.bearer(policy: SendingFixtures.policy(clock)) { records.append($0) }
            Issue.record("the second school got a token")
        } catch let error as SendError {
            #expect(error.kind == .signInUnreachable)
            #expect("\(error)".contains("for an earlier school of this run; not asked again until the next run"))
        }
        #expect(transport.requests.count == 4 && records.isEmpty, "no request, no attempt")
        #expect(throws: SendError.self) { try SendingFixtures.tokens(transport).bearer(policy: SendingFixtures.policy(clock)) { _ in } }
        #expect(transport.requests.count == 8, "a new run asks again")
    }
}

extension TokenProviderTests {
    @Test func aValidTokenOfEveryAllowedCharacterIsKept() throws {
        let token = "aZ09-._~+/abc=="
        let transport = ScriptedTransport([
            "/token": [.respond(200, body: #"{"token_type":"Bearer","expires_in":60,"access_token":"\#(token)"}"#)]
        ])
        #expect(try SendingFixtures.tokens(transport).bearer(policy: SendingFixtures.policy(TestClock())) { _ in }.revealed == token)
    }

    @Test func serverTextInAnOAuthErrorIsShownWithControlCharactersEscaped() {
        let body = #"{"error":"invalid_client\u001b[2J","error_description":"bad\r\n✓ accepted\u001b[31m"}"#
        let transport = ScriptedTransport(["/token": [.respond(401, body: body)]])
        #expect {
            try SendingFixtures.tokens(transport).bearer(policy: SendingFixtures.policy(TestClock())) { _ in }
        } throws: { error in
            let text = "\(error)"
            return !text.contains("\u{1B}") && !text.contains("\n") && !text.contains("\r")
                && text.contains(#"bad\u{D}\u{A}✓ accepted\u{1B}[31m"#) && text.contains(#"invalid_client\u{1B}[2J"#)
        }
    }

    @Test func aHugeRetryAfterFromTheTokenEndpointEndsTheFetchWithoutCrashing() {
        let transport = ScriptedTransport(["/token": [.respond(503, retryAfter: 9_223_372_036_854_775_807)]])
        #expect {
            try SendingFixtures.tokens(transport).bearer(policy: SendingFixtures.policy(TestClock())) { _ in }
        } throws: { error in
            guard case SendError.gaveUp(let reason) = error else { return false }
            return reason.contains("HTTP 503")
        }
    }
}

@Suite struct FormEncodingTests {
    @Test func unreservedCharactersStaySpacesBecomePlusEverythingElseIsPercentEncoded() {
        #expect(formEncode("aZ09*-._") == "aZ09*-._")
        #expect(formEncode("+ % : / = ") == "%2B+%25+%3A+%2F+%3D+")
        #expect(formEncode("é") == "%C3%A9")
    }
}

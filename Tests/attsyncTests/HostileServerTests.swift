import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// A server that answers badly, against both the token endpoint and the POST, through the built binary
/// over real HTTPS (the stand-in's fault kinds; docs/reliability.md lists each class with its test).
/// Every run must end with a clean exit code (never ≥ 128), say nothing a server can style or forge, and
/// leave a history that `history show` can still print.
@Suite struct HostileServerTests: StandInSuite {
    /// No escape, no carriage return, no NUL, no C1 control, no bidi override in anything attsync printed.
    func expectPrintable(_ texts: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        for text in texts {
            let bad = text.unicodeScalars.first {
                ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value)
            }
            #expect(bad == nil, "printed U+\(String(format: "%04X", bad?.value ?? 0)) in: \(text)", sourceLocation: sourceLocation)
        }
    }

    /// `history show` of every submission works and prints only printable text.
    func expectHistoryReadable(_ standin: StandIn) throws {
        let list = try standin.attsync(["history", "--json"])
        #expect(list.status == 0, "\(list.stderr)")
        let ids = ((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]) ?? []).compactMap {
            $0["id"] as? Int
        }
        for id in ids {
            let show = try standin.attsync(["history", "show", String(id)])
            #expect(show.status == 0, "\(show.stderr)")
            expectPrintable(show.stdout, show.stderr)
        }
    }

    @Test func anAnswerCutOffInsideItsHeadersIsAnUnknownOutcomeRetriedWithTheSameKey() throws {
        let cut: [String: Any] = ["kind": "truncatedHeaders"]
        let standin = try start(faults(attendances: [cut, cut, cut]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 75, "\(result.stderr)")
        let posts = standin.requests(to: "/attendances")
        #expect(posts.count == 3 && Set(posts.compactMap { $0.header("Idempotency-Key") }).count == 1)
        #expect(try acceptedDays(standin) == 0, "never recorded as accepted")
        let show = try standin.attsync(["history", "show", "1"])
        #expect(show.stdout.contains("✗ failed") && show.stdout.contains("ended inside its headers"))
        let again = try send(standin)
        #expect(again.status == 0 && again.stdout.contains("accepted"), "the next run sends it: \(again.stderr)")
    }

    @Test(arguments: [
        #"{"kind": "truncatedBody"}"#, #"{"kind": "slowDrip", "intervalMs": 400, "maxSeconds": 8}"#,
        #"{"kind": "huge", "bytes": 4194304}"#,
    ])
    func aBrokenAnswerToThePostIsRetriedThenPending(spec: String) throws {
        let fault = try #require(try JSONSerialization.jsonObject(with: Data(spec.utf8)) as? [String: Any])
        let standin = try start(faults(attendances: [fault, fault, fault]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 75, "\(result.stderr)")
        #expect(standin.requests(to: "/attendances").count == 3)
        #expect(try acceptedDays(standin) == 0)
        expectPrintable(result.stdout, result.stderr)
        try expectHistoryReadable(standin)
    }

    @Test(arguments: [
        #"{"submissionRef":"S-1","errors":"oops"}"#, #"{"errors":[1,2]}"#, #"{"submissionRef":"S-2","errors":[{"code":5}]}"#,
    ])
    func anOddlyShapedAcceptanceIsAcceptedKeepingWhatCanBeRead(body: String) throws {
        let standin = try start(faults(attendances: [["kind": "oddShape", "body": body]]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 0, "\(result.stderr)")
        let show = try standin.attsync(["history", "show", "1"])
        #expect(show.stdout.contains("The DfE's answers (for IT"), "the raw answer is kept")
        if body.contains("S-1") { #expect(show.stdout.contains("DfE reference  S-1") && result.stderr.contains("errors is not a list")) }
        if body.contains("[1,2]") { #expect(result.stderr.contains("errors[0] is not an object")) }
        if body.contains("S-2") { #expect(result.stdout.contains("with 1 warning") && show.stdout.contains("  5 ")) }
    }

    @Test(arguments: ["token", "attendances"])
    func controlCharactersFromTheServerNeverReachTheTerminal(endpoint: String) throws {
        let fault: [String: Any] = ["kind": "controlChars"]
        let standin = try start(endpoint == "token" ? faults(token: [fault]) : faults(attendances: [fault]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status != 0 || endpoint == "attendances")
        expectPrintable(result.stdout, result.stderr)
        #expect(!result.stdout.contains("\n✓ accepted SUB-999"), "no forged line")
        try expectHistoryReadable(standin)
    }

    @Test(arguments: ["tok\r\nX-Injected: yes", "tok\nX-Injected: yes", "tok\u{0}tail", "tok en"])
    func aTokenThatCouldInjectAHeaderIsAFailedFetch(token: String) throws {
        let standin = try start(faults(token: [["kind": "badToken", "accessToken": token]]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.stderr.contains("RFC 6750"))
        #expect(standin.requests(to: "/attendances").isEmpty, "nothing posted with it")
    }

    @Test(arguments: ["token", "attendances"])
    func aHugeRetryAfterEndsTheRunCleanly(endpoint: String) throws {
        let fault: [String: Any] = ["kind": "retryAfterHuge"]
        let standin = try start(endpoint == "token" ? faults(token: [fault]) : faults(attendances: [fault]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 75, "\(result.stderr)")
        try expectHistoryReadable(standin)
    }

    @Test func everyPostOnTheWireIsARecordedAttemptWithItsOwnSessionId() throws {
        // The stand-in answers the token with keep-alive and never answers a second request on that connection:
        // a client reusing it would lose the POST and libcurl would re-send it silently.
        let standin = try start(faults(token: [["kind": "resetReusedConnection"]]))
        defer { standin.workspace.remove() }
        let result = try send(standin)
        #expect(result.status == 0, "\(result.stderr)")
        let posts = standin.requests(to: "/attendances")
        let show = try standin.attsync(["history", "show", "1", "--json"])
        let detail = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
        let recorded = (detail?["attempts"] as? [[String: Any]])?.filter { $0["kind"] as? String == "post" } ?? []
        #expect(posts.count == recorded.count && posts.count == 1)
        #expect(Set(posts.compactMap { $0.header("api-client-session-id") }).count == posts.count)
        #expect(standin.requests().allSatisfy { $0["trapped"] as? Bool != true }, "no request went on a reused connection")
    }
}

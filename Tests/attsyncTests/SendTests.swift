import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// `attsync send` over real HTTPS (libcurl, certificate verification) against the DfE stand-in.
@Suite struct SendTests {
    func workspace(consent: Bool = true) throws -> Workspace {
        try Workspace()
    }

    func giveConsent(_ standin: StandIn) throws {
        let result = try standin.attsync(["consent", "give", "--by", "Ann Head", "--all-schools"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func aSendIsTheExactPreviewBodyWithEveryHeaderOfTheContract() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let standin = try StandIn(workspace)
        try giveConsent(standin)
        let preview = try standin.attsync(["preview", "--date", "2026-11-27", "--json"])
        let sent = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(
            sent.stdout.contains("✓ Sample Primary (URN 100000): Wed 18 – Thu 19 and Mon 23 – Fri 27 Nov 2026, 7 school days accepted")
                && sent.stdout.contains("accepted as SUB-1"))

        #expect(standin.requests(to: "/token").count == 1)
        let posts = standin.requests(to: "/attendances")
        try #require(posts.count == 1)
        let post = posts[0]
        #expect(post["body"] as? String == preview.stdout, "the DfE received exactly what preview --json printed")
        #expect(post["bodySha256"] as? String == hexSHA256(Array(preview.stdout.utf8)))
        #expect(post.header("Authorization")?.hasPrefix("Bearer ") == true)
        #expect(post.header("Content-Type") == "application/json")
        #expect(post.header("Ocp-Apim-Subscription-Key") == StandIn.subscriptionKey)
        #expect(post.header("api-client-app-id") == StandIn.clientId)
        #expect(UUID(uuidString: post.header("api-client-session-id") ?? "") != nil)
        #expect(post.header("Idempotency-Key") == "\"\(hexSHA256(Array(preview.stdout.utf8)))\"")
        #expect(post.header("User-Agent") == "attsync/\(attsyncVersion)")
        #expect(post["status"] as? Int == 201)

        let history = try standin.attsync(["history"])
        #expect(history.stdout.contains("✓ accepted") && history.stdout.contains("SUB-1"))
        #expect(
            sent.stderr.contains(
                "attsync: data quality for Sample Primary (URN 100000) (attsync preview --detail --date 2026-11-27 shows where):\n"
                    + "    Wed 25 Nov 2026 AM: 1 mark of pupils not on roll"))
        let shown = try standin.attsync(["history", "show", "1"]).stdout.replacingOccurrences(
            of: "\n" + String(repeating: " ", count: 17), with: " ")
        #expect(
            shown.contains("data quality   No registers taken on Fri 20 Nov 2026")
                && shown.contains("Wed 25 Nov 2026 AM: 1 mark of pupils not on roll"))

        // A second run the same day with no changes sends nothing.
        let again = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(
            again.status == 0
                && again.stdout.contains(
                    "nothing to send: the DfE already has Wed 18 – Thu 19 and Mon 23 – Fri 27 Nov 2026, 7 school days as they are now (submission 1; --force sends them again)"
                ))
        #expect(standin.requests(to: "/attendances").count == 1)
        let labelled = try standin.attsync(["preview", "--date", "2026-11-27"])
        #expect(
            labelled.stdout.contains("✓ with the DfE since") && labelled.stdout.contains("as SUB-1")
                && !labelled.stdout.contains("not yet sent"))

        // --force sends the same bytes again with the same Idempotency-Key.
        let forced = try standin.attsync(["send", "--date", "2026-11-27", "--force", "--quiet"])
        // Quiet prints nothing on success but the day without registers (the sample's INSET day, not listed in
        // nonSchoolDays), which cron must mail.
        #expect(forced.status == 0 && forced.stdout.isEmpty)
        #expect(
            forced.stderr
                == "attsync: ⚠ Sample Primary (URN 100000): No registers taken on Fri 20 Nov 2026 (39 pupils on roll): INSET or closure day? If not, check the registers; if it was, add 2026-11-20 to nonSchoolDays in the configuration\n"
        )
        let resent = standin.requests(to: "/attendances")
        #expect(resent.count == 2 && resent[1]["body"] as? String == preview.stdout)
        #expect(resent[1].header("Idempotency-Key") == post.header("Idempotency-Key"))
    }

    @Test func severalSchoolsShareOneToken() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let schools = #"[{ "urn": "100000", "source": { "path": "mis.sqlite" } }, { "urn": "100001", "source": { "path": "mis.sqlite" } }]"#
        let standin = try StandIn(workspace, schools: schools)
        try giveConsent(standin)
        let sent = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(standin.requests(to: "/token").count == 1)
        #expect(standin.requests(to: "/attendances").count == 2)
        #expect(Set(standin.store().keys) == ["100000", "100001"])
    }

    @Test func aSchoolWithABrokenViewDoesNotStopTheOthers() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let schools =
            #"[{ "urn": "100001", "source": { "path": "mis.sqlite", "views": { "enrolments": "SELECT nonsense FROM main.enrolments" } } }, { "urn": "100000", "source": { "path": "mis.sqlite" } }]"#
        let standin = try StandIn(workspace, schools: schools)
        try giveConsent(standin)
        let sent = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(sent.status == 78 && sent.stderr.contains("source.views.enrolments"))
        #expect(Set(standin.store().keys) == ["100000"], "the healthy school was still sent")
    }

    @Test func withoutConsentNothingIsSent() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let standin = try StandIn(workspace)
        let sent = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(sent.status == 77)
        #expect(sent.stderr.contains("attsync consent give --by"))
        #expect(standin.requests().isEmpty)
    }

    @Test func softErrorsAreAcceptedWithWarningsShownWithTheirPaths() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let warning: [String: Any] = [
            "code": "VAL104", "title": "Invalid attendance code", "detail": "ZZ",
            "path": "$.submissionData[3].attendances[1].attendanceCode",
        ]
        let standin = try StandIn(workspace, settings: ["faults": ["attendances": [["kind": "softErrors", "errors": [warning]]]]])
        try giveConsent(standin)
        let sent = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(sent.status == 0)
        #expect(sent.stdout.contains("⚠") && sent.stdout.contains("VAL104"))
        let history = try standin.attsync(["history"])
        #expect(history.stdout.contains("⚠ 1 warning"))
        let show = try standin.attsync(["history", "show", "1"])
        #expect(
            show.stdout.contains("VAL104 Invalid attendance code: ZZ")
                && show.stdout.contains("at $.submissionData[3].attendances[1].attendanceCode"))
        let again = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(again.stdout.contains("nothing to send: the DfE already has"), "the days count as sent")
    }

    @Test func aRejectionIsRecordedWithTheDfEsReasons() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let standin = try StandIn(workspace, settings: ["knownUrns": ["100001"]])
        try giveConsent(standin)
        let sent = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(sent.status == 65)
        #expect(sent.stderr.contains("rejected") && sent.stderr.contains("VAL102") && sent.stderr.contains("history show 1"))
        #expect(standin.requests(to: "/attendances").count == 1, "a 400 is not retried")
        let history = try standin.attsync(["history"])
        #expect(history.stdout.contains("✗ rejected") && history.stdout.contains("the DfE refused the figures"))
        let show = try standin.attsync(["history", "show", "1"])
        #expect(show.stdout.contains("VAL102") && show.stdout.contains("at $.urn") && show.stdout.contains("Body sent"))
        #expect(show.stdout.contains("the school's URN: VAL102") && show.stdout.contains("HTTP status    400"), "\(show.stdout)")
        let json = try standin.attsync(["history", "show", "1", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["submission"] as? [String: Any])?["status"] as? String == "rejected")
    }

    @Test func a503ThenA201IsTwoAttemptsOfOneSubmission() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let standin = try StandIn(workspace, settings: ["faults": ["attendances": [["status": 503, "headers": ["Retry-After": "1"]]]]])
        try giveConsent(standin)
        let sent = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let posts = standin.requests(to: "/attendances")
        #expect(posts.map { $0["status"] as? Int } == [503, 201])
        #expect(posts[0]["body"] as? String == posts[1]["body"] as? String)
        #expect(posts[0].header("Idempotency-Key") == posts[1].header("Idempotency-Key"))
        let show = try standin.attsync(["history", "show", "1"])
        #expect(show.stdout.contains("✓ accepted"))
        let attemptLines = show.stdout.split(separator: "\n").filter { $0.hasPrefix("  post") }
        #expect(attemptLines.count == 2 && attemptLines[0].contains("503") && attemptLines[0].contains("1 s"))
        let listed = try standin.attsync(["history", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [Any])?.count == 1)
    }

    @Test(arguments: [("untrusted", "certificate not trusted"), ("wronghost", "another host name"), ("expired", "certificate expired")])
    func aCertificateProblemSendsNothingAndIsNeverRetried(certificate: String, words: String) throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let standin = try StandIn(workspace, certificate: certificate)
        try giveConsent(standin)
        let sent = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(sent.status == 78)
        #expect(sent.stderr.contains(words), "\(sent.stderr)")
        #expect(standin.requests().isEmpty, "the handshake failed: no request was ever received")
        let show = try standin.attsync(["history", "show", "1"])
        #expect(show.stdout.contains("✗ failed") && show.stdout.split(separator: "\n").filter { $0.hasPrefix("  token") }.count == 1)
    }

    @Test func noSecretSubscriptionKeyOrTokenLeaksEvenWhenVerbose() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let standin = try StandIn(
            workspace,
            settings: [
                "faults": [
                    "attendances": [["status": 503], ["status": 401, "headers": ["WWW-Authenticate": "Bearer error=\"invalid_token\""]]]
                ]
            ])
        var output = ""
        for arguments in [
            ["consent", "give", "--by", "Ann Head"], ["send", "--date", "2026-11-27", "--verbose"], ["history"],
            ["history", "show", "1"], ["history", "show", "1", "--json"], ["preview", "--date", "2026-11-27", "--detail"],
        ] {
            let result = try standin.attsync(arguments + ["--verbose"].filter { _ in arguments[0] != "send" })
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            output += result.stdout + result.stderr
        }
        #expect(output.contains("POST") && output.contains("<redacted>"), "verbose tracing ran")
        let tokens = standin.requests(to: "/attendances").compactMap {
            $0.header("Authorization")?.replacingOccurrences(of: "Bearer ", with: "")
        }
        #expect(Set(tokens).count == 2, "a fresh token was fetched after the 401")
        var stored = Data()
        for name in ["attsync.sqlite", "attsync.sqlite-wal"] {
            stored += (try? Data(contentsOf: URL(fileURLWithPath: workspace.file("state/" + name)))) ?? Data()
        }
        for secret in [StandIn.secret, StandIn.subscriptionKey] + tokens {
            #expect(!output.contains(secret), "output leaks \(secret.prefix(4))…")
            #expect(stored.range(of: Data(secret.utf8)) == nil, "the state database leaks \(secret.prefix(4))…")
        }
    }
}

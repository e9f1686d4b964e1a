import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// Issue 10, "Observe", end to end against the stand-in: `check --online`, `status`, the pending alert
/// (exit 76), `--metrics-file` and `--log-format json`.
@Suite struct ObserveTests: StandInSuite {
    /// A trust of two schools, each with its own MIS copy (or both reading one, `shared`), consent given.
    func trust(_ settings: [String: Any] = [:], shared: Bool = false) throws -> StandIn {
        let workspace = try Workspace()
        try generateSchool(at: workspace.file("mis2.sqlite"), arguments: ["--seed", "8", "--pupils", "40"])
        let schools = """
            [{ "urn": "100000", "name": "Sample Primary", "source": { "path": "mis.sqlite" } },
             { "urn": "100001", "name": "Sample Academy", "source": { "path": "\(shared ? "mis.sqlite" : "mis2.sqlite")" } }]
            """
        let standin = try StandIn(workspace, settings: settings, schools: schools)
        let given = try standin.attsync(["consent", "give", "--by", "Ann Head", "--all-schools"])
        #expect(given.status == 0, "\(given.stderr)")
        return standin
    }

    /// Moves every consent back to 1 November 2026, so that the tests' run dates come after it.
    func backdateConsent(_ standin: StandIn) throws {
        try standin.workspace.python(
            """
            con = sqlite3.connect('state/attsync.sqlite')
            con.execute("UPDATE consent_events SET at = '2026-11-01T09:00:00.000Z'")
            con.commit()
            """)
    }

    func rewriteConfiguration(_ standin: StandIn, _ change: (String) -> String) throws {
        let text = try String(contentsOfFile: standin.workspace.file("config.json"), encoding: .utf8)
        try standin.workspace.directory.write("config.json", change(text), mode: 0o600)
    }

    // MARK: - check

    @Test func aGoodTrustOfTwoSchoolsPassesCheckOnline() throws {
        let standin = try trust()
        defer { standin.workspace.remove() }
        let result = try standin.attsync(["check", "--online", "--date", "2026-11-27"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("✗"), "\(result.stdout)")
        for line in [
            "✓ dfe.token.clientSecret: the environment variable ATTSYNC_CLIENT_SECRET is set", "✓ dfe.subscriptionKey:",
            "✓ each school reads its own MIS copy", "schema current", "Sample Primary (URN 100000)\n", "Sample Academy (URN 100001)\n",
            "✓ consent given by Ann Head", "✓ reads by date use the index attendance_marks_by_date", "each national on its dates or mapped",
            "✓ token fetched from https://localhost:", "answered HTTP 405 (it takes only POST",
            "✓ the DfE's code list matches the catalogue for Fri 27 Nov 2026",
            "✓ every check passed.",
        ] {
            #expect(result.stdout.contains(line), "\(line)\n\(result.stdout)")
        }
        // Nothing was sent or stored: one token, a GET of the endpoint and a GET of the code list, with no body.
        #expect(standin.requests(to: "/token").count == 1)
        let gets = standin.requests().filter { $0["method"] as? String == "GET" }
        #expect(Set(gets.compactMap { $0["path"] as? String }) == ["/attendances", "/codes/attendance"])
        #expect(gets.allSatisfy { ($0["body"] as? String) == "" })
        #expect(standin.requests().filter { $0["method"] as? String == "POST" && $0["path"] as? String == "/attendances" }.isEmpty)
        #expect(standin.store().isEmpty)
        let quiet = try standin.attsync(["check", "--date", "2026-11-27", "--quiet"])
        #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty)
    }

    /// One broken prerequisite of a good trust each.
    enum Broken: String, CaseIterable, Sendable {
        case secretNotSet, secretFileReadableByOthers, stateDirectoryWritableByOthers, misCopyMissing, noDateIndex, unknownCode, invalidRow
        case noConsent, sharedCopy, clientRefused, tokenHostTypo, untrustedCertificate, endpointWrong, codeListDiffers
        case subscriptionKeyWrong

        /// The exit code and a piece of the fix printed for it.
        var expected: (status: Int32, fix: String) {
            switch self {
            case .secretNotSet: return (78, "set ATTSYNC_CLIENT_SECRET for the command")
            case .secretFileReadableByOthers: return (77, "sudo chmod 600 ")
            case .stateDirectoryWritableByOthers: return (77, "chmod 700 ")
            case .misCopyMissing: return (66, "check schools[1].source.path")
            case .noDateIndex: return (65, "CREATE INDEX attendance_marks_by_date ON attendance_marks(date);")
            case .unknownCode: return (65, "in codes.map, e.g. \"codes\": {\"map\": {\"Q9\": \"…\"}}")
            case .invalidRow: return (65, "correct these rows in the MIS")
            case .noConsent: return (77, "attsync consent give --by \"NAME, ROLE\" --school 100001")
            case .sharedCopy: return (78, "give each school its own MIS copy")
            case .clientRefused: return (78, "check dfe.token.clientId and the client secret")
            case .tokenHostTypo: return (75, "check the host name in dfe.token.url")
            case .untrustedCertificate: return (78, "set dfe.caBundle")
            case .endpointWrong: return (78, "check dfe.endpoint against the URL the DfE gave")
            case .codeListDiffers: return (65, "install an attsync whose catalogue matches")
            case .subscriptionKeyWrong: return (78, "check dfe.subscriptionKey")
            }
        }
    }

    @Test(arguments: Broken.allCases)
    func eachBrokenPrerequisiteFailsCheckNamingTheFix(_ broken: Broken) throws {
        var settings: [String: Any] = [:]
        if broken == .codeListDiffers {
            settings = ["faults": ["codes": [["kind": "oddShape", "body": [["attendanceCode": "/"], ["attendanceCode": "I"]]]]]]
        }
        let standin = try trust(settings, shared: broken == .sharedCopy)
        defer { standin.workspace.remove() }
        let workspace = standin.workspace
        var environment = ["ATTSYNC_CLIENT_SECRET": StandIn.secret]
        switch broken {
        case .secretNotSet: environment = [:]
        case .secretFileReadableByOthers: chmod(workspace.file("secrets/subscription-key"), 0o644)
        case .stateDirectoryWritableByOthers: chmod(workspace.file("state"), 0o777)
        case .misCopyMissing: try FileManager.default.removeItem(atPath: workspace.file("mis2.sqlite"))
        case .noDateIndex:
            try workspace.python("con = sqlite3.connect('mis.sqlite'); con.execute('DROP INDEX attendance_marks_by_date'); con.commit()")
        case .unknownCode:
            try workspace.python(
                """
                con = sqlite3.connect('mis.sqlite')
                con.execute("UPDATE attendance_marks SET code = 'Q9' WHERE rowid IN (SELECT rowid FROM attendance_marks WHERE date = '2026-11-19' LIMIT 2)")
                con.commit()
                """)
        case .invalidRow:
            try workspace.python(
                """
                con = sqlite3.connect('mis.sqlite')
                con.execute("UPDATE attendance_marks SET session = 'XX' WHERE rowid = (SELECT min(rowid) FROM attendance_marks WHERE date = '2026-11-26')")
                con.commit()
                """)
        case .noConsent:
            #expect(try standin.attsync(["consent", "remove", "--by", "Ann Head", "--school", "100001"]).status == 0)
        case .sharedCopy: break
        case .clientRefused: environment["ATTSYNC_CLIENT_SECRET"] = "not the secret"
        case .tokenHostTypo:
            try rewriteConfiguration(standin) {
                $0.replacingOccurrences(of: "localhost:\(standin.port)/token", with: "dfe-login.invalid/token")
            }
        case .untrustedCertificate:
            try rewriteConfiguration(standin) { $0.replacingOccurrences(of: #""caBundle": "certs/ca.pem","#, with: "") }
        case .endpointWrong:
            try rewriteConfiguration(standin) {
                $0.replacingOccurrences(of: "localhost:\(standin.port)/attendances", with: "localhost:\(standin.port)/attendance")
            }
        case .codeListDiffers: break
        case .subscriptionKeyWrong: try workspace.directory.write("secrets/subscription-key", "not-the-key\n", mode: 0o600)
        }
        let result = try workspace.run(["check", "--online", "--date", "2026-11-27"], environment: environment)
        let (status, fix) = broken.expected
        #expect(result.status == status, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let fixLine = lines.first { $0.hasPrefix("fix: ") && $0.contains(fix) }
        #expect(fixLine != nil, "\(fix)\n\(result.stdout)")
        if let fixLine, let index = lines.firstIndex(of: fixLine) {
            #expect(lines[index - 1].hasPrefix("✗ "), "the fix is under its ✗ line")
        }
        #expect(result.stdout.contains("checks failed; exit \(status)") || result.stdout.contains("check failed; exit \(status)"))
        #expect(standin.store().isEmpty, "check never sends")
    }

    // MARK: - status, the alert, metrics

    @Test func statusShowsConsentLastAcceptedDateAndPendingDates() throws {
        let standin = try trust()
        defer { standin.workspace.remove() }
        try backdateConsent(standin)
        let sent = try standin.attsync(["send", "--date", "2026-11-20"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let status = try standin.attsync(["status", "--date", "2026-11-24"])
        #expect(status.status == 0, "\(status.stderr)")
        let rows = status.stdout.split(separator: "\n").filter { $0.hasPrefix("Sample ") }
        try #require(rows.count == 2, "\(status.stdout)")
        for row in rows {
            #expect(row.contains("✓ Ann Head, Sun 1 Nov 2026 09:00"), "\(row)")
            #expect(row.contains("Thu 19 Nov 2026 (submission ") && row.contains(", DfE reference SUB-"), "\(row)")
            #expect(row.contains("Mon 23 – Tue 24 Nov 2026, 2 school days, oldest 1 school day ago"), "\(row)")
        }

        // The DfE goes away: the next run fails, and status says since when and why.
        standin.stop()
        #expect(try standin.attsync(["send", "--date", "2026-11-24"]).status == 75)
        let failing = try standin.attsync(["status", "--date", "2026-11-24", "--school", "100000"])
        let row = try #require(failing.stdout.split(separator: "\n").first { $0.hasPrefix("Sample Primary") })
        #expect(row.contains(" 1  ") && !row.contains("exit 75") && row.contains(": attsync could not reach the DfE"), "\(row)")

        let json = try standin.attsync(["status", "--date", "2026-11-24", "--json"])
        let schools = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(schools.map { $0["urn"] as? String } == ["100000", "100001"])
        #expect(schools[0]["pendingDates"] as? [String] == ["2026-11-23", "2026-11-24"])
        #expect(schools[0]["lastAcceptedDate"] as? String == "2026-11-19")
        #expect((schools[0]["consent"] as? [String: Any])?["by"] as? String == "Ann Head")
        #expect(schools[0]["consecutiveFailedRuns"] as? Int == 1)
        #expect((schools[0]["lastProblem"] as? String)?.contains("cannot connect") == true)
    }

    @Test func aStandInStoppedForThreeSchoolDaysMakesSendExitWithTheAlertCode() throws {
        let standin = try start()
        defer { standin.workspace.remove() }
        try backdateConsent(standin)
        #expect(try standin.attsync(["send", "--date", "2026-11-20"]).status == 0)
        standin.stop()
        // Monday and Tuesday: temporary, as before.
        for date in ["2026-11-23", "2026-11-24"] {
            let run = try standin.attsync(["send", "--date", date, "--quiet"])
            #expect(run.status == 75, "\(date): \(run.stderr)")
            #expect(!run.stderr.contains("alert"))
        }
        // Wednesday: Monday's marks have waited two school days.
        let metrics = standin.workspace.file("attsync.prom")
        let third = try standin.attsync(["send", "--date", "2026-11-25", "--quiet", "--metrics-file", metrics])
        #expect(third.status == 76, "\(third.stderr)")
        let alerts = third.stderr.split(separator: "\n").filter { $0.contains("alert") }
        #expect(alerts.count == 1, "said in one line: \(third.stderr)")
        #expect(alerts.first?.contains("Sample Primary (URN 100000) since Mon 23 Nov 2026 (2 school days)") == true, "\(third.stderr)")
        let values = try samples(metrics)
        let school = #"{urn="100000",school="Sample Primary"}"#
        #expect(values["attsync_run_exit_code"] == "76")
        #expect(values["attsync_school_last_run_status" + school] == "75")
        #expect(values["attsync_school_alert" + school] == "1")
        #expect(values["attsync_school_dates_pending" + school] == "3")
        #expect(values["attsync_school_pending_school_days" + school] == "2")
        #expect(values["attsync_school_consecutive_failed_runs" + school] == "3")
        #expect(
            values["attsync_school_sessions_sent" + school] == "14",
            "the body that failed carried the window: 7 dates with marks (20 November has none)")

        // A larger alerts.pendingSchoolDays keeps it temporary.
        try rewriteConfiguration(standin) {
            $0.replacingOccurrences(of: "\"dfe\":", with: "\"alerts\": {\"pendingSchoolDays\": 5},\n\"dfe\":")
        }
        #expect(try standin.attsync(["send", "--date", "2026-11-25", "--quiet"]).status == 75)
    }

    /// name{labels} → value, from a metrics file.
    func samples(_ path: String) throws -> [String: String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            values[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return values
    }

    @Test func theMetricsFileIsWrittenWholeAfterASend() throws {
        let standin = try trust()
        defer { standin.workspace.remove() }
        try FileManager.default.createDirectory(atPath: standin.workspace.file("textfile"), withIntermediateDirectories: true)
        let metrics = standin.workspace.file("textfile/attsync.prom")
        let sent = try send(standin, ["--quiet", "--metrics-file", metrics])
        #expect(sent.status == 0, "\(sent.stderr)")
        let values = try samples(metrics)
        #expect(values["attsync_run_exit_code"] == "0")
        #expect(Double(values["attsync_run_timestamp_seconds"] ?? "") ?? 0 > 1_700_000_000)
        for (urn, name) in [("100000", "Sample Primary"), ("100001", "Sample Academy")] {
            let school = "{urn=\"\(urn)\",school=\"\(name)\"}"
            #expect(values["attsync_school_last_run_status" + school] == "0")
            #expect(values["attsync_school_consent" + school] == "1")
            #expect(values["attsync_school_dates_pending" + school] == "0")
            #expect(values["attsync_school_pending_school_days" + school] == "0")
            #expect(values["attsync_school_alert" + school] == "0")
            let sessions = Int(values["attsync_school_sessions_sent" + school] ?? "") ?? 0
            #expect(sessions > 0 && sessions % 2 == 0, "dates × AM and PM")
            #expect(values["attsync_school_last_accepted_timestamp_seconds" + school] != nil)
            #expect(values["attsync_school_consecutive_failed_runs" + school] == "0")
            #expect(values["attsync_school_run_duration_seconds" + school] != nil)
        }
        #expect(values["attsync_school_sessions_sent{urn=\"100000\",school=\"Sample Primary\"}"] == "14", "7 dates, AM and PM")
        // The schools are sent at once (dfe.concurrency): whichever asked first fetched the one token.
        let tokens = ["100000\",school=\"Sample Primary", "100001\",school=\"Sample Academy"].compactMap {
            Int(values["attsync_school_token_requests{urn=\"\($0)\"}"] ?? "")
        }
        #expect(tokens.sorted() == [0, 1], "the token is shared")
        #expect(try FileManager.default.contentsOfDirectory(atPath: standin.workspace.file("textfile")) == ["attsync.prom"])

        // A file that cannot be written is exit 74, after the send, naming the file.
        let failed = try send(standin, ["--quiet", "--metrics-file", standin.workspace.file("missing/attsync.prom")])
        #expect(failed.status == 74 && failed.stderr.contains("cannot write \(standin.workspace.file("missing/attsync.prom"))"))
    }

    /// A past day sent after a later one: status pairs the latest date with the submission that carried it.
    @Test func statusNamesTheSubmissionThatHoldsTheLatestDate() throws {
        let standin = try start()
        defer { standin.workspace.remove() }
        #expect(try standin.attsync(["send", "--date", "2026-11-27", "--quiet"]).status == 0)
        #expect(try standin.attsync(["send", "--date", "2026-11-24", "--quiet"]).status == 0)
        let status = try standin.attsync(["status", "--date", "2026-11-27"])
        #expect(status.stdout.contains("Fri 27 Nov 2026 (submission 1, DfE reference SUB-1, "), "\(status.stdout)")
        let json = try standin.attsync(["status", "--date", "2026-11-27", "--json"])
        let school = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])?.first)
        #expect(school["lastAcceptedDate"] as? String == "2026-11-27")
        #expect((school["lastAcceptedSubmission"] as? [String: Any])?["id"] as? Int == 1)
    }

    @Test func jsonLogsAreOneObjectPerLineWithTheSchool() throws {
        let standin = try start(consent: false)
        defer { standin.workspace.remove() }
        let result = try standin.attsync(["send", "--date", "2026-11-27", "--log-format", "json"])
        #expect(result.status == 77)
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String], "\($0)") }
        let refusal = try #require(objects.first { $0["message"]?.contains("no consent") == true })
        #expect(refusal["level"] == "error" && refusal["urn"] == "100000" && refusal["time"] != nil)
        let human = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(human.stderr.hasPrefix("attsync: ✗ Sample Primary (URN 100000): nothing sent: the school has not given consent\n"))
        #expect(
            human.stderr.contains(
                "\n    What next: a person with authority for the school gives it: attsync consent give --by \"NAME, ROLE\" --school 100000\n"
            ))
        #expect(human.stderr.contains("\n    For IT: no consent to send for Sample Primary (URN 100000)"), "the default is text")
    }
}

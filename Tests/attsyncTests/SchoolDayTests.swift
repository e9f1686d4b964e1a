import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Issue 11 end to end, as a secondary school's data manager would meet it: the sample secondary school
/// with Year 8's PM register left untaken on Thu 26 Nov 2026 (and, as generated, Year 7's PM register of
/// Wed 18 Nov), and Fri 20 Nov an INSET day the configuration does not list.
@Suite struct SchoolDayTests {
    static let schools = oneSchoolText(name: "Sample Secondary")

    /// Wednesday 25 Nov corrected in the MIS: an N that became an I.
    func correctWednesday(_ workspace: Workspace) throws {
        try workspace.python(
            """
            db = sqlite3.connect('mis.sqlite')
            n = db.execute("SELECT pupil_id, session FROM attendance_marks WHERE date = '2026-11-25' AND code = 'N' LIMIT 1").fetchone()
            db.execute("UPDATE attendance_marks SET code = 'I' WHERE pupil_id = ? AND date = '2026-11-25' AND session = ?", n)
            db.commit()
            """)
    }

    /// The sample secondary school with Year 8's PM register of 26 Nov removed.
    func secondary() throws -> Workspace {
        let workspace = try Workspace(
            generator: ["--seed", "11", "--pupils", "1050", "--phase", "secondary"],
            configuration: Workspace.configuration(schools: Self.schools))
        try workspace.python(
            """
            db = sqlite3.connect('mis.sqlite')
            db.execute(\"\"\"DELETE FROM attendance_marks WHERE date = '2026-11-26' AND session = 'PM' AND pupil_id IN (
                SELECT pupil_id FROM enrolments WHERE year_group = '8' AND start_date <= '2026-11-26'
                AND (end_date IS NULL OR end_date >= '2026-11-26'))\"\"\")
            db.commit()
            """)
        return workspace
    }

    @Test func previewReadsInSchoolTermsAndSaysWhichRegistersWereNotTaken() throws {
        let workspace = try secondary()
        defer { workspace.remove() }
        let preview = try workspace.run(["preview", "--date", "2026-11-27"])
        #expect(preview.status == 0, "\(preview.stderr)")
        try expectGolden(preview.stdout, "secondary-preview.txt")
        #expect(
            preview.stdout.contains(
                "⚠ Year 8 PM register not taken, Thu 26 Nov 2026 (169 pupils): it will be sent with no marks; take the register in the MIS and the next run re-sends it"
            ))
        #expect(preview.stdout.contains("No registers taken on Fri 20 Nov 2026") && preview.stdout.contains("INSET or closure day?"))
        #expect(!preview.stdout.contains("SHA-256") && !preview.stdout.contains("bytes"))
        let verbose = try workspace.run(["preview", "--date", "2026-11-27", "-v"])
        #expect(verbose.stdout.contains("For IT: 98 rows") && verbose.stdout.contains("SHA-256"))
        let detail = try workspace.run(["preview", "--date", "2026-11-27", "--detail"])
        #expect(detail.stdout.contains("Authorised absence – leave: medical or dental appointment (M)"))
        #expect(detail.stdout.contains("Unauthorised absence – arrived after the register closed (U)"))
    }

    @Test func theNightlyQuietRunMailsTheUntakenRegisterAndStillSucceeds() throws {
        let workspace = try secondary()
        defer { workspace.remove() }
        let standin = try StandIn(workspace, schools: Self.schools)
        #expect(try standin.attsync(["consent", "give", "--by", "Ann Head"]).status == 0)
        let sent = try standin.attsync(["send", "--date", "2026-11-27", "--quiet"])
        #expect(sent.status == 0 && sent.stdout.isEmpty, "\(sent.stderr)")
        let lines = sent.stderr.split(separator: "\n")
        #expect(lines.count == 3, "\(sent.stderr)")
        #expect(
            lines.contains(
                "attsync: ⚠ Sample Secondary (URN 100000): Year 8 PM register not taken, Thu 26 Nov 2026 (169 pupils): the DfE has it with no marks; take the register in the MIS and the next run re-sends it"
            ), "said once the DfE has accepted it")
        #expect(
            lines.contains {
                $0.hasSuffix(
                    "Year 7 PM register not taken, Wed 18 Nov 2026 (167 pupils): the DfE has it with no marks; "
                        + "take the register in the MIS, then `attsync send --date 2026-11-18` sends the day")
            }, "the oldest date of the window: Monday's run does not carry it")
        #expect(lines.contains { $0.contains("No registers taken on Fri 20 Nov 2026") })
        // Sent unchanged the next night: nothing goes out, and the register is still reported, as sent.
        let again = try standin.attsync(["send", "--date", "2026-11-27", "--quiet", "--log-format", "json"])
        #expect(again.status == 0 && again.stdout.isEmpty)
        let logged = try again.stderr.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String], "\($0)")
        }
        let register = try #require(logged.first { $0["message"]?.contains("Year 8 PM register not taken") == true })
        #expect(register["level"] == "warning" && register["urn"] == "100000", "a warning, not an error: the send succeeded")
        #expect(register["message"]?.contains("the DfE has it with no marks; take the register in the MIS") == true)
        #expect(standin.requests(to: "/attendances").count == 1)
        let show = try standin.attsync(["history", "show", "1"])
        #expect(
            show.stdout.replacingOccurrences(of: "\n" + String(repeating: " ", count: 17), with: " ").contains(
                "Year 8 PM register not taken, Thu 26 Nov 2026 (169 pupils): this submission carries it with no marks"),
            "recorded with the submission")
    }
}

extension SchoolDayTests {
    @Test func consentSaysWhatWasAgreed() throws {
        let workspace = try Workspace(generator: nil, configuration: Workspace.configuration(schools: Self.schools))
        defer { workspace.remove() }
        let given = try workspace.run(["consent", "give", "--by", "Ann Head"])
        #expect(given.status == 0, "\(given.stderr)")
        let statement = given.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
        try expectGolden(statement, "consent-statement.txt")
        let status = try workspace.run(["consent", "status"])
        #expect(status.stdout.contains(statement.trimmingCharacters(in: .newlines)))
        let removed = try workspace.run(["consent", "remove", "--by", "Ann Head"])
        #expect(removed.stdout.contains("Nothing more is sent for Sample Secondary (URN 100000) from now on"))
        #expect(try workspace.run(["consent", "status"]).stdout.contains("What giving consent agrees to for Sample Secondary"))
    }
}

/// Times of day vary from run to run: golden files hold `<time>` in their place.
func withoutTimes(_ text: String) -> String {
    text.replacingOccurrences(
        of: #"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}"#, with: "<time>", options: .regularExpression
    )
    .replacingOccurrences(of: #"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"#, with: "<time>", options: .regularExpression)
}

extension SchoolDayTests {
    /// Sent on Thursday; Wednesday corrected in the MIS on Friday (an N that became an I); sent on Friday.
    @Test func didFridayReachTheDfEHasAnAnswerInOneCommand() throws {
        let workspace = try secondary()
        defer { workspace.remove() }
        let standin = try StandIn(workspace, schools: Self.schools)
        #expect(try standin.attsync(["consent", "give", "--by", "Ann Head"]).status == 0)
        let thursday = try standin.attsync(["send", "--date", "2026-11-26"])
        #expect(thursday.status == 0, "\(thursday.stderr)")
        try correctWednesday(workspace)
        let before = try standin.attsync(["history", "--days", "8", "--date", "2026-11-27"])
        #expect(before.status == 0, "\(before.stderr)")
        try expectGolden(withoutTimes(before.stdout), "history-days-before.txt")
        #expect(before.stdout.contains("⚠  changed since it was sent (N −1, I +1) – will be re-sent"))
        #expect(before.stdout.contains("Fri 27 Nov 2026  …  not yet sent: the next run sends it"))
        let preview = try standin.attsync(["preview", "--date", "2026-11-27"])
        #expect(preview.stdout.contains("Wed 25 Nov 2026 · ⚠ changed since it was sent (N −1, I +1) – will be re-sent"))
        let friday = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(friday.status == 0, "\(friday.stderr)")
        #expect(
            friday.stdout.contains(
                "✓ Sample Secondary (URN 100000): Wed 18 – Thu 19 and Mon 23 – Fri 27 Nov 2026, 7 school days "
                    + "(corrected: Wed 25 Nov 2026; new: Fri 27 Nov 2026; 5 unchanged) accepted as SUB-2"), "\(friday.stdout)")
        // Sent again unchanged: preview says the DfE has the days as they are, not that it would send them.
        let unchanged = try standin.attsync(["preview", "--date", "2026-11-27"])
        #expect(
            unchanged.stdout.contains(
                "Nothing to send: the DfE already has Wed 18 – Thu 19 and Mon 23 – Fri 27 Nov 2026, 7 school days as they are now "
                    + "(submission 2; send --force sends them again)."), "\(unchanged.stdout)")
        #expect(!unchanged.stdout.contains("Would send"))
        let after = try standin.attsync(["history", "--days", "8", "--date", "2026-11-27"])
        try expectGolden(withoutTimes(after.stdout), "history-days-after.txt")
        #expect(
            after.stdout.contains("Fri 27 Nov 2026  ✓  with the DfE since <time> as SUB-2".replacingOccurrences(of: "<time>", with: ""))
                == false)
        #expect(withoutTimes(after.stdout).contains("Fri 27 Nov 2026  ✓  with the DfE since <time> as SUB-2"))
    }
}

extension SchoolDayTests {
    /// Thursday is sent; on Friday the DfE cannot be reached: the cron mail says in plain words what happened,
    /// which days the DfE has, and who does what, with the technical part for IT; the history says it too.
    @Test func aFailureSaysWhatItMeansForTheDaysAndWhoDoesWhat() throws {
        let workspace = try secondary()
        defer { workspace.remove() }
        let standin = try StandIn(workspace, schools: Self.schools)
        #expect(try standin.attsync(["consent", "give", "--by", "Ann Head"]).status == 0)
        #expect(try standin.attsync(["send", "--date", "2026-11-26", "--quiet"]).status == 0)
        // The DfE holds older figures of the corrected Wednesday.
        try correctWednesday(workspace)
        standin.stop()
        let friday = try standin.attsync(["send", "--date", "2026-11-27", "--quiet"])
        #expect(friday.status == 75)
        let mail = friday.stderr.split(separator: "\n").filter { !$0.contains("register") }.joined(separator: "\n")
        #expect(
            mail.hasPrefix(
                "attsync: ✗ Sample Secondary (URN 100000): attsync could not reach the DfE's sign-in service (the figures were not received by the DfE)\n"
                    + "    What it means: not with the DfE: Fri 27 Nov 2026; the DfE has older figures of Wed 25 Nov 2026 and "
                    + "the same figures of Wed 18 – Thu 19, Mon 23 – Tue 24 and Thu 26 Nov 2026, 5 school days from other sends\n"
                    + "    What next: nothing to do now: the next run tries again; if it keeps happening, IT checks the network and dfe.token.url\n"
                    + "    For IT: the token endpoint failed: "), "\(mail)")
        let history = try standin.attsync(["history"])
        try expectGolden(withoutTimes(history.stdout), "history-list.txt")
        let show = try standin.attsync(["history", "show", "2"])
        let plain = show.stdout.components(separatedBy: "\nFor IT:\n")
        try #require(plain.count == 2)
        try expectGolden(withoutTimes(plain[0]), "history-show-failed.txt")
        #expect(plain[1].contains("HTTP status    -") && plain[1].contains("body SHA-256") && plain[1].contains("token endpoint failed"))
        let days = try standin.attsync(["history", "--days", "3", "--date", "2026-11-27"])
        #expect(
            days.stdout.contains(
                "Fri 27 Nov 2026  ✗  not with the DfE: attsync could not reach the DfE's sign-in service (submission 2, not received by the DfE); the next run tries again"
            ), "\(days.stdout)")
    }

    /// A school stopped before anything is sent (the MIS copy missing, a code that is not national) is
    /// told the same way: what happened, which days the DfE has, who does what, then the details for IT.
    @Test func aSchoolStoppedBeforeSendingSaysTheSame() throws {
        let workspace = try secondary()
        defer { workspace.remove() }
        let standin = try StandIn(workspace, schools: Self.schools)
        #expect(try standin.attsync(["consent", "give", "--by", "Ann Head"]).status == 0)
        #expect(try standin.attsync(["send", "--date", "2026-11-26", "--quiet"]).status == 0)
        let copy = workspace.file("mis.sqlite")
        try FileManager.default.moveItem(atPath: copy, toPath: copy + ".away")
        let missing = try standin.attsync(["send", "--date", "2026-11-27", "--quiet"])
        #expect(missing.status == 66)
        #expect(
            missing.stderr
                == "attsync: ✗ Sample Secondary (URN 100000): nothing sent: attsync could not find or open the school's MIS copy\n"
                + "    What it means: nothing was sent this run; the DfE has nothing for Fri 20 and Fri 27 Nov 2026, 2 school days; "
                + "it has Wed 18 – Thu 19 and Mon 23 – Thu 26 Nov 2026, 6 school days as they were sent earlier\n"
                + "    What next: IT checks that the MIS export ran and wrote the copy where schools[].source.path says; "
                + "the next run sends the days that are waiting\n"
                + "    For IT: the MIS copy \(copy) does not exist (check schools[].source.path; attsync never creates it)\n")
        // The office's page names the run that stopped before sending, though it made no submission.
        let page = workspace.file("status.html")
        #expect(try standin.attsync(["history", "--html", page, "--week", "--date", "2026-11-27"]).status == 0)
        let pageText = try PageStructure(try String(contentsOfFile: page, encoding: .utf8)).text
        #expect(pageText.contains("Registers not takenNot known: the MIS copy could not be read."), "not 'None.'")
        #expect(
            pageText.contains(
                ", the run for Fri 27 Nov 2026: nothing sent: attsync could not find or open the school's MIS copy. "
                    + "Next: IT checks that the MIS export ran"), "\(pageText)")
        // Without the copy, whether Friday has marks is not known: "?", not ✗.
        let days = try standin.attsync(["history", "--days", "2", "--date", "2026-11-27"])
        #expect(days.stdout.contains("Fri 27 Nov 2026  ?  not with the DfE (the MIS copy was not read"), "\(days.stdout)")
        #expect(days.stdout.contains("Thu 26 Nov 2026  ✓  with the DfE since"), "\(days.stdout)")
        try FileManager.default.moveItem(atPath: copy + ".away", toPath: copy)
        try workspace.python(
            """
            db = sqlite3.connect('mis.sqlite')
            db.execute("UPDATE attendance_marks SET code = 'ZZ' WHERE rowid = (SELECT min(rowid) FROM attendance_marks WHERE date = '2026-11-25')")
            db.commit()
            """)
        let unknown = try standin.attsync(["send", "--date", "2026-11-27", "--quiet"])
        #expect(unknown.status == 65)
        #expect(
            unknown.stderr.hasPrefix(
                "attsync: ✗ Sample Secondary (URN 100000): nothing sent: the MIS copy uses attendance codes that are not national codes\n"),
            "\(unknown.stderr)")
        #expect(
            unknown.stderr.contains("\n    For IT: unknown attendance codes:\n      \"ZZ\": 1 mark on Wed 25 Nov 2026\n"))
        #expect(standin.requests(to: "/attendances").count == 1, "only Thursday's send reached the DfE")
    }

    /// Warnings on an accepted submission are warnings ("figures accepted"), placed by date, year group, session and code.
    @Test func dfeWarningsArePlacedInTheSchoolsTerms() throws {
        let workspace = try secondary()
        defer { workspace.remove() }
        let warning: [String: Any] = [
            "code": "VAL105", "title": "Unusual count", "detail": "more than on roll", "path": "$.submissionData[62].attendances[4].value",
        ]
        let standin = try StandIn(
            workspace, settings: ["faults": ["attendances": [["kind": "softErrors", "errors": [warning]]]]], schools: Self.schools)
        #expect(try standin.attsync(["consent", "give", "--by", "Ann Head"]).status == 0)
        let sent = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let body = try #require(standin.requests(to: "/attendances").first?["body"] as? String)
        let element = try #require(
            ((try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["submissionData"] as? [[String: Any]])?[62])
        let code = try #require((element["attendances"] as? [[String: Any]])?[4]["attendanceCode"] as? String)
        let year = try #require(element["ncYearGroup"] as? String)
        let session = try #require(element["schoolSession"] as? String)
        #expect(sent.stdout.contains("the figures are with the DfE, which asks to check:"), "\(sent.stdout)")
        #expect(sent.stdout.contains(", Year \(year) \(session), the count of "), "\(sent.stdout)")
        #expect(sent.stdout.contains("(\(code)): VAL105 Unusual count (more than on roll)"), "\(sent.stdout)")
        #expect(!sent.stdout.contains("$.submissionData"))
        let show = try standin.attsync(["history", "show", "1"])
        #expect(show.stdout.contains("DfE warnings (1) – figures accepted:"))
        #expect(show.stdout.contains("at $.submissionData[62].attendances[4].value"), "the path as received, for IT")
    }
}

extension SchoolDayTests {
    /// A refused send whose days all reached the DfE with a later send is not listed as a problem to solve.
    @Test func aProblemWhoseDaysReachedTheDfELaterIsListedAsSolved() throws {
        let workspace = try secondary()
        defer { workspace.remove() }
        let standin = try StandIn(workspace, settings: ["faults": ["attendances": [["status": 400]]]], schools: Self.schools)
        #expect(try standin.attsync(["consent", "give", "--by", "Ann Head"]).status == 0)
        let refused = try standin.attsync(["send", "--date", "2026-11-26", "--quiet"])
        #expect(refused.status == 65)
        #expect(
            refused.stderr.contains("What next: the data manager checks in the MIS the figures the DfE names; if it names none, IT asks"))
        let page = workspace.file("status.html")
        #expect(try standin.attsync(["history", "--html", page, "--date", "2026-11-26"]).status == 0)
        let open = try PageStructure(try String(contentsOfFile: page, encoding: .utf8)).text
        #expect(
            open.contains("Problems") && !open.contains("without effect now") && open.contains("the DfE refused the figures"))
        #expect(try standin.attsync(["send", "--date", "2026-11-26", "--quiet"]).status == 0)
        #expect(try standin.attsync(["history", "--html", page, "--date", "2026-11-26"]).status == 0)
        let solved = try PageStructure(try String(contentsOfFile: page, encoding: .utf8)).text
        #expect(!solved.contains("Problems"), "no open problem")
        #expect(solved.contains("Earlier problems, without effect now: the DfE has every day they carried"))
        #expect(solved.contains("the DfE refused the figures.") && !solved.contains("Next: the data manager checks"))
        let show = try standin.attsync(["history", "show", "1"])
        #expect(show.stdout.contains("what next      nothing: the DfE has every day this submission carried"), "\(show.stdout)")
    }

    /// The office's page and the head's week, from the scenario of the issue: Thursday sent, Wednesday corrected,
    /// Friday sent, then Monday's run failing. Checked as XML (well-formed, no script, no external asset), for
    /// escaping (a school named `<script>…`), and rendered by headless Chromium where it is installed.
    @Test func theStatusPageIsSelfContainedEscapedAndPrintsTheWeek() throws {
        let name = #"<script>alert("x")</script> & Sons' "Academy""#
        let json = name.replacingOccurrences(of: "\"", with: "\\\"")
        let schools =
            #"[{ "urn": "100000", "name": "Sample Secondary", "source": { "path": "mis.sqlite" } }, { "urn": "100001", "name": "\#(json)", "source": { "path": "mis2.sqlite" } }]"#
        let workspace = try secondary()
        defer { workspace.remove() }
        try FileManager.default.copyItem(atPath: workspace.file("mis.sqlite"), toPath: workspace.file("mis2.sqlite"))
        let standin = try StandIn(workspace, schools: schools)
        #expect(try standin.attsync(["consent", "give", "--by", "Ann Head", "--all-schools"]).status == 0)
        #expect(try standin.attsync(["send", "--date", "2026-11-26", "--quiet"]).status == 0)
        try correctWednesday(workspace)
        #expect(try standin.attsync(["send", "--date", "2026-11-27", "--quiet"]).status == 0)
        standin.stop()
        #expect(try standin.attsync(["send", "--date", "2026-11-30", "--quiet", "--school", "100000"]).status == 75)

        let page = workspace.file("status.html")
        let written = try standin.attsync(["history", "--html", page, "--week", "--date", "2026-11-27"])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.hasPrefix("Wrote \(page): the status page of Sample Secondary (URN 100000), "))
        let text = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!FileManager.default.fileExists(atPath: AtomicFileName.temporary(page)), "no temporary file left")

        // Structure: well-formed XML, a section per school, a week per school, a chart per school, no script, no assets.
        let structure = try PageStructure(text)
        #expect(structure.elements["script"] == nil && structure.elements["link"] == nil && structure.elements["img"] == nil)
        #expect(structure.attributes.allSatisfy { !($0.key == "src" || $0.key == "href") }, "no external assets")
        #expect(structure.sections == ["school-100000", "school-100001", "week-100000", "week-100001"])
        #expect(structure.elements["svg"] == 2 && (structure.elements["polyline"] ?? 0) == 2)
        // Escaping: the school's name appears as text only.
        #expect(!text.contains("<script"))
        #expect(text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons&#39;"))
        #expect(structure.text.contains(name))
        // What the office and the head read.
        #expect(structure.text.contains("Fri 27 Nov 2026✓with the DfE since"))
        #expect(structure.text.contains("Year 8 PM register not taken, Thu 26 Nov 2026 (169 pupils)"))
        #expect(structure.text.contains("Consent given by Ann Head"))
        #expect(structure.text.contains("Week of Mon 23 – Fri 27 Nov 2026, 5 school days – Sample Secondary (URN 100000)"))
        #expect(
            structure.text.contains(
                "Attendance this week (Mon 23 – Fri 27 Nov 2026, 5 school days)Last week (Tue 17 – Thu 19 Nov 2026, 3 school days)Change"),
            "each rate names the days the DfE accepted it from")
        #expect(structure.text.contains("whole school"))
        // The change on last week is the difference of the rates as printed.
        let rows = text.matches(of: /<tr><th>[^<]+<\/th><td>([0-9.]+)%<\/td><td>([0-9.]+)%<\/td><td>([−+]?[0-9.]+) pts<\/td>/)
        #expect(rows.count >= 8)
        for row in rows {
            let (now, before) = (Double(row.1) ?? 0, Double(row.2) ?? 0)
            let change = Double(row.3.replacingOccurrences(of: "−", with: "-")) ?? .nan
            #expect(abs(change - (now - before)) < 0.001, "\(row.0)")
        }

        // With Monday's failure: the page as on Monday names it in plain words; Monday has no marks, so the DfE
        // has every day the failed send carried, and it is listed as without effect.
        let monday = try standin.attsync(["history", "--html", page, "--date", "2026-11-30", "--school", "100000"])
        #expect(monday.status == 0, "\(monday.stderr)")
        let mondayText = try PageStructure(try String(contentsOfFile: page, encoding: .utf8)).text
        #expect(mondayText.contains("attsync could not reach the DfE's sign-in service (not received by the DfE)"))
        #expect(mondayText.contains("Earlier problems, without effect now: the DfE has every day they carried"))
        #expect(!mondayText.contains("Problems"), "no open problem")

        // Rendered by headless Chromium where it is installed: the screenshot is written and is a PNG.
        let png = workspace.file("status.png")
        let weekPage = workspace.file("week.html")
        #expect(try standin.attsync(["history", "--html", weekPage, "--week", "--date", "2026-11-27"]).status == 0)
        let shot = try runProcess(repositoryRoot + "/scripts/screenshot-status-page", [weekPage, png, "1280,3000"])
        if shot.status == 77 { return }  // no Chromium on this machine
        #expect(shot.status == 0, "\(shot.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 20_000)
        if let keep = ProcessInfo.processInfo.environment["ATTSYNC_SCREENSHOT_DIR"] {
            try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
            for (from, to) in [(weekPage, "status-page.html"), (png, "status-page.png")] {
                try? FileManager.default.removeItem(atPath: keep + "/" + to)
                try FileManager.default.copyItem(atPath: from, toPath: keep + "/" + to)
            }
        }
    }
}

/// The temporary name `AtomicFile` writes beside a file.
enum AtomicFileName {
    static func temporary(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).").path
    }
}

/// An HTML page read as XML: which elements and attributes it has, its sections' ids, and its text.
struct PageStructure {
    var elements: [String: Int] = [:]
    var attributes: [String: Int] = [:]
    var sections: [String] = []
    var text = ""

    init(_ page: String) throws {
        // The doctype is HTML's, not XML's; the rest must parse as XML.
        let xml = page.replacingOccurrences(of: "<!DOCTYPE html>", with: "")
        let delegate = Delegate()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        guard parser.parse() else {
            throw FixtureError(message: "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)")
        }
        elements = delegate.elements
        attributes = delegate.attributes
        sections = delegate.sections
        text = delegate.text
    }

    final class Delegate: NSObject, XMLParserDelegate {
        var elements: [String: Int] = [:]
        var attributes: [String: Int] = [:]
        var sections: [String] = []
        var text = ""
        var inStyle = false

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String]
        ) {
            elements[name, default: 0] += 1
            for key in attributes.keys { self.attributes[key, default: 0] += 1 }
            if name == "section", let id = attributes["id"] { sections.append(id) }
            inStyle = name == "style"
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "style" { inStyle = false }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if !inStyle { text += string.trimmingCharacters(in: .newlines) }
        }
    }
}

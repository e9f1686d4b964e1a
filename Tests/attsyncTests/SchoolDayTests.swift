import Foundation
import TestSupport
import Testing

/// Issue 11 end to end, as a secondary school's data manager would meet it: the sample secondary school
/// with Year 8's PM register left untaken on Thu 26 Nov 2026 (and, as generated, Year 7's PM register of
/// Wed 18 Nov), and Fri 20 Nov an INSET day the configuration does not list.
@Suite struct SchoolDayTests {
    static let schools = oneSchoolText(name: "Sample Secondary")

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
                "attsync: ⚠ Sample Secondary (URN 100000): Year 8 PM register not taken, Thu 26 Nov 2026 (169 pupils): it will be sent with no marks; take the register in the MIS and the next run re-sends it"
            ))
        #expect(lines.contains { $0.contains("Year 7 PM register not taken, Wed 18 Nov 2026 (167 pupils)") })
        #expect(lines.contains { $0.contains("No registers taken on Fri 20 Nov 2026") })
        // Sent unchanged the next night: nothing goes out, and the register is still reported.
        let again = try standin.attsync(["send", "--date", "2026-11-27", "--quiet"])
        #expect(again.status == 0 && again.stderr.contains("Year 8 PM register not taken"))
        #expect(standin.requests(to: "/attendances").count == 1)
        let show = try standin.attsync(["history", "show", "1"])
        #expect(show.stdout.contains("Year 8 PM register not taken, Thu 26 Nov 2026"), "recorded with the submission")
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

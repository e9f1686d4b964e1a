import Foundation
import TestSupport
import Testing

/// The bad-input cases of docs/reliability.md that concern the configuration and the MIS copy: each
/// gets its exit code, a message naming the problem, nothing on stdout and nothing created.
@Suite struct BadInputTests {
    func expectFailure(
        _ workspace: Workspace, _ status: Int32, _ fragments: [String], arguments: [String] = ["preview", "--date", "2026-11-27"],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let result = try workspace.run(arguments)
        #expect(result.status == status, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(result.stderr.contains(fragment), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        }
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(
            !FileManager.default.fileExists(atPath: workspace.file("state")), "no state directory is created",
            sourceLocation: sourceLocation)
    }

    @Test func aMissingSourceExits66AndIsNotCreated() throws {
        let workspace = try Workspace(generator: nil)
        defer { workspace.remove() }
        try expectFailure(workspace, 66, ["mis.sqlite", "does not exist"])
        #expect(!FileManager.default.fileExists(atPath: workspace.file("mis.sqlite")))
    }

    @Test func aFileThatIsNotADatabaseExits65() throws {
        let workspace = try Workspace(generator: nil)
        defer { workspace.remove() }
        try workspace.directory.write("mis.sqlite", String(repeating: "this is not a database\n", count: 100))
        try expectFailure(workspace, 65, ["not an SQLite database"])
    }

    @Test func anEmptyOrTruncatedCopyExits75() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let size = try FileManager.default.attributesOfItem(atPath: workspace.file("mis.sqlite"))[.size] as! Int
        truncate(workspace.file("mis.sqlite"), off_t(size / 3))
        try expectFailure(workspace, 75, ["damaged or truncated"])
        truncate(workspace.file("mis.sqlite"), 0)
        try expectFailure(workspace, 75, ["empty (0 bytes)"])
    }

    @Test func missingTablesAndColumnsAreNamed() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.python(
            """
            db = sqlite3.connect('mis.sqlite')
            db.execute('ALTER TABLE enrolments RENAME COLUMN end_date TO leaving_date')
            db.execute('DROP TABLE attendance_marks')
            db.commit()
            """)
        try expectFailure(workspace, 65, ["table attendance_marks", "column enrolments.end_date", "source.views"])
    }

    @Test func aBrokenViewIsNamedAndAWorkingViewMapsAnotherLayout() throws {
        let broken =
            #"[{ "urn": "100000", "source": { "path": "mis.sqlite", "views": { "enrolments": "SELECT nonsense FROM main.enrolments" } } }]"#
        let workspace = try Workspace(configuration: Workspace.configuration(schools: broken))
        defer { workspace.remove() }
        try expectFailure(workspace, 78, ["source.views.enrolments", "no such column: nonsense"])

        try workspace.directory.write("config.json", Workspace.configuration())
        let canonical = try workspace.run(["preview", "--date", "2026-11-27", "--json"])
        #expect(canonical.status == 0)
        try workspace.python(
            """
            db = sqlite3.connect('mis.sqlite')
            db.execute('ALTER TABLE attendance_marks RENAME TO roll_call')
            db.execute('ALTER TABLE roll_call RENAME COLUMN session TO period')
            db.execute("UPDATE roll_call SET period = CASE period WHEN 'AM' THEN 'M' ELSE 'A' END")
            db.commit()
            """)
        let view = "SELECT pupil_id, date, CASE period WHEN 'M' THEN 'AM' ELSE 'PM' END AS session, code FROM roll_call"
        let mapped = #"[{ "urn": "100000", "source": { "path": "mis.sqlite", "views": { "attendance_marks": "\#(view)" } } }]"#
        try workspace.directory.write("config.json", Workspace.configuration(schools: mapped))
        let viaView = try workspace.run(["preview", "--date", "2026-11-27", "--json"])
        #expect(viaView.status == 0, "\(viaView.stderr)")
        #expect(viaView.stdout == canonical.stdout)
    }

    @Test func invalidRowsExit65WithCountsAndNoPupilIdentifiers() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.python(
            """
            db = sqlite3.connect('mis.sqlite')
            db.execute("UPDATE attendance_marks SET session = 'am' WHERE rowid IN (SELECT rowid FROM attendance_marks WHERE date = '2026-11-26' AND session = 'AM' LIMIT 4)")
            db.execute("INSERT INTO attendance_marks VALUES ('P-SECRET-1', '2026-11-31', 'AM', '/')")
            db.commit()
            """)
        try expectFailure(
            workspace, 65,
            [
                "4 attendance_marks rows with a session other than AM or PM", "'am'",
                "1 attendance_marks row with a date that is not a real YYYY-MM-DD date", "'2026-11-31'", "fix them at source",
            ])
        let result = try workspace.run(["preview", "--date", "2026-11-27"])
        #expect(!result.stderr.contains("P-SECRET") && !result.stderr.contains("P0"))
    }

    @Test func nullKeysThroughAViewAreInvalidRowsNotACrash() throws {
        let marks =
            "SELECT CASE WHEN rowid % 97 = 0 THEN NULL ELSE pupil_id END AS pupil_id, date, CASE WHEN rowid % 89 = 0 THEN NULL ELSE session END AS session, code FROM main.attendance_marks"
        let enrolments =
            "SELECT CASE WHEN rowid = 3 THEN NULL ELSE pupil_id END AS pupil_id, year_group, start_date, end_date FROM main.enrolments"
        let schools =
            #"[{ "urn": "100000", "source": { "path": "mis.sqlite", "views": { "attendance_marks": "\#(marks)", "enrolments": "\#(enrolments)" } } }]"#
        let workspace = try Workspace(configuration: Workspace.configuration(schools: schools))
        defer { workspace.remove() }
        try expectFailure(workspace, 65, ["rows without a pupil_id", "session other than AM or PM", "1 enrolments row without a pupil_id"])
    }

    @Test func aSchoolThatCannotBePreviewedDoesNotHideTheOthers() throws {
        let schools =
            #"[{ "urn": "100001", "source": { "path": "missing.sqlite" } }, { "urn": "100000", "source": { "path": "mis.sqlite" } }]"#
        let workspace = try Workspace(configuration: Workspace.configuration(schools: schools))
        defer { workspace.remove() }
        let result = try workspace.run(["preview", "--date", "2026-11-27"])
        #expect(result.status == 66 && result.stdout.contains("URN 100000: run date"))
        // In the words of send's failures: what happened, then what next and the details for IT.
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "attsync: ✗ URN 100001: cannot show the figures: attsync could not find or open the school's MIS copy")
        #expect(lines.dropFirst().first == "    What it means: while this lasts, send sends nothing for this school")
        #expect(lines.contains { $0.hasPrefix("    For IT: the MIS copy ") && $0.contains("missing.sqlite does not exist") })
    }

    @Test func anUnknownCodeExits65WithHowToMapItOrIsSkipped() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.python(
            """
            db = sqlite3.connect('mis.sqlite')
            db.execute("UPDATE attendance_marks SET code = 'ZZ9' WHERE rowid IN (SELECT rowid FROM attendance_marks WHERE date = '2026-11-26' LIMIT 3)")
            db.commit()
            """)
        try expectFailure(workspace, 65, ["\"ZZ9\": 3 marks on Thu 26 Nov 2026", "codes", "\"skip\""])
        try workspace.directory.write(
            "config.json",
            Workspace.configuration(extra: #""codes": {"map": {"I02": "I", "X01": "X", "V01": "V"}, "unknown": "skip"}"#)
                .replacingOccurrences(of: #""codes": { "map": { "I02": "I", "X01": "X", "V01": "V" } },"#, with: ""))
        let skipped = try workspace.run(["preview", "--date", "2026-11-27", "--detail"])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        let skippedLines = skipped.stdout.split(separator: "\n").filter { $0.contains("skipped in") }
        let total = skippedLines.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }.reduce(0, +)
        #expect(skippedLines.allSatisfy { $0.contains("\"ZZ9\"") } && total == 3, "\(skippedLines)")
    }

    @Test func configurationProblemsExit78NamingTheProblem() throws {
        let workspace = try Workspace(generator: nil)
        defer { workspace.remove() }
        try workspace.directory.write("config.json", "{\n  \"schools\": [,]\n}\n")
        try expectFailure(workspace, 78, ["config.json:2:15: invalid JSON"])
        try workspace.directory.write("config.json", Workspace.configuration(extra: #""timeZone": "Mars/Olympus""#))
        try expectFailure(workspace, 78, ["timeZone: unknown time zone"])
        try FileManager.default.removeItem(atPath: workspace.file("config.json"))
        try expectFailure(workspace, 78, ["config.json", "no such file"])
    }
}

import Foundation
import TestSupport
import Testing

@Suite struct PreviewCommandTests {
    @Test func jsonIsTheExactBodyByteIdenticalAcrossRunsAndValidAgainstTheSchema() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let first = try workspace.run(["preview", "--date", "2026-11-27", "--json"])
        let second = try workspace.run(["preview", "--date", "2026-11-27", "--json"])
        #expect(first.status == 0 && first.stderr.isEmpty)
        #expect(first.stdout == second.stdout)
        #expect(first.stdout.hasPrefix(#"{"urn":100000,"totalNoOfPupils":"#) && first.stdout.hasSuffix("]}\n"))
        try Data(first.stdout.utf8).write(to: URL(fileURLWithPath: workspace.file("body.json")))
        let validation = try runProcess(
            "/usr/bin/env", ["python3", repositoryRoot + "/scripts/validate-body.py", workspace.file("body.json")])
        #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
    }

    @Test(arguments: [
        ["--seed", "11", "--pupils", "300", "--phase", "secondary"],
        ["--seed", "12", "--pupils", "90", "--from", "2024-06-03", "--to", "2024-10-11"],
    ])
    func bodiesOfOtherSchoolsValidateToo(generator: [String]) throws {
        let workspace = try Workspace(generator: generator)
        defer { workspace.remove() }
        let date = generator.contains("2024-10-11") ? "2024-09-06" : "2026-11-27"
        let result = try workspace.run(["preview", "--date", date, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let validation = try runProcess(
            "/usr/bin/env", ["python3", repositoryRoot + "/scripts/validate-body.py"], stdin: result.stdout)
        #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
    }

    @Test func tableMatchesTheGoldenFileAndDryRunPrintsTheSame() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let preview = try workspace.run(["preview", "--date", "2026-11-27"])
        #expect(preview.status == 0)
        try expectGolden(preview.stdout, "preview.txt")
        let dryRun = try workspace.run(["send", "--date", "2026-11-27", "--dry-run"])
        #expect(dryRun.status == 0)
        #expect(dryRun.stdout == preview.stdout)
        let detail = try workspace.run(["preview", "--date", "2026-11-27", "--detail"])
        #expect(detail.status == 0)
        try expectGolden(detail.stdout, "preview-detail.txt")
    }

    @Test func aRunDateWithoutMarksInTheWindowSendsNothing() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let result = try workspace.run(["preview", "--date", "2027-08-10"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("nothing to send"))
    }

    struct BadCommand: CustomTestStringConvertible, Sendable {
        let arguments: [String]
        let fragment: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test(arguments: [
        BadCommand(arguments: ["preview", "--dat", "2026-11-27"], fragment: "--dat"),
        BadCommand(arguments: ["preview", "--date", "2026-02-30"], fragment: "2026-02-30"),
        BadCommand(arguments: ["preview", "--date", "01/02/2026"], fragment: "01/02/2026"),
        BadCommand(arguments: ["preview", "--json", "--detail"], fragment: "--json and --detail"),
        BadCommand(arguments: ["preview", "--school", "999999"], fragment: "no school with URN 999999"),
        BadCommand(arguments: ["send", "--client-secret", "hunter2"], fragment: "--client-secret"),
    ])
    func commandLineErrorsExit64(_ bad: BadCommand) throws {
        let workspace = try Workspace(generator: nil)
        defer { workspace.remove() }
        let result = try workspace.run(bad.arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(bad.fragment), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func jsonWithSeveralSchoolsNeedsSchool() throws {
        let schools = #"[{ "urn": "100000", "source": { "path": "mis.sqlite" } }, { "urn": "100001", "source": { "path": "mis.sqlite" } }]"#
        let workspace = try Workspace(configuration: Workspace.configuration(schools: schools))
        defer { workspace.remove() }
        let result = try workspace.run(["preview", "--json", "--date", "2026-11-27"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--school"))
        let one = try workspace.run(["preview", "--json", "--date", "2026-11-27", "--school", "100001"])
        #expect(one.status == 0 && one.stdout.hasPrefix(#"{"urn":100001,"#))
        let both = try workspace.run(["preview", "--date", "2026-11-27"])
        #expect(both.status == 0 && both.stdout.contains("URN 100000") && both.stdout.contains("URN 100001"))
    }

    @Test func helpTeachesAndVersionAnswers() throws {
        let workspace = try Workspace(generator: nil)
        defer { workspace.remove() }
        let help = try workspace.run(["--help"], config: false)
        #expect(help.status == 0 && help.stdout.contains("Exit codes") && help.stdout.contains("preview"))
        for command in ["send", "preview"] {
            let result = try workspace.run([command, "--help"], config: false)
            #expect(result.status == 0 && result.stdout.contains("--config"), "\(command)")
        }
        let version = try workspace.run(["--version"], config: false)
        #expect(version.status == 0 && !version.stdout.isEmpty)
    }
}

/// Compares `text` with a golden file beside the tests; `ATTSYNC_UPDATE_GOLDEN=1` rewrites it.
func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/" + name).path
    if ProcessInfo.processInfo.environment["ATTSYNC_UPDATE_GOLDEN"] == "1" {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
    let golden = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(no golden file \(name))"
    #expect(
        text == golden, "differs from Golden/\(name); rerun with ATTSYNC_UPDATE_GOLDEN=1 if the change is intended",
        sourceLocation: sourceLocation)
}

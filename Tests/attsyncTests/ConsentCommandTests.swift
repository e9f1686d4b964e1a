import Foundation
import TestSupport
import Testing

/// Consent in a trust: one person's name never consents for several schools by accident, and each
/// school's records stay its own.
@Suite struct ConsentCommandTests: StandInSuite {
    static let twoSchools = #"""
        [{ "urn": "100000", "name": "Sample Primary", "source": { "path": "mis.sqlite" } },
         { "urn": "100001", "name": "Second School", "source": { "path": "mis2.sqlite" } }]
        """#

    @Test func inATrustConsentNeedsASchoolOrAllSchools() throws {
        let workspace = try Workspace(configuration: Workspace.configuration(schools: Self.twoSchools))
        defer { workspace.remove() }
        let bare = try workspace.run(["consent", "give", "--by", "Ann Head"])
        #expect(bare.status == 64 && bare.stderr.contains("--school") && bare.stderr.contains("--all-schools"), "\(bare.stderr)")
        #expect(try workspace.run(["consent", "status"]).stdout.components(separatedBy: "no consent").count == 3, "nothing recorded")
        let both = try workspace.run(["consent", "give", "--by", "Ann Head", "--all-schools", "--school", "100000"])
        #expect(both.status == 64)
        let one = try workspace.run(["consent", "give", "--by", "Ann Head", "--school", "100001"])
        #expect(one.status == 0 && one.stdout.contains("Second School") && !one.stdout.contains("Sample Primary"))
        let all = try workspace.run(["consent", "remove", "--by", "Bob Governor", "--all-schools"])
        #expect(all.status == 0 && all.stdout.contains("Second School") && all.stdout.contains("Sample Primary"))
    }

    @Test func twoSchoolsReadingOneMISCopyAreWarnedAbout() throws {
        let shared = Self.twoSchools.replacingOccurrences(of: "mis2.sqlite", with: "mis.sqlite")
        let workspace = try Workspace(configuration: Workspace.configuration(schools: shared))
        defer { workspace.remove() }
        let result = try workspace.run(["consent", "status"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("warning: Sample Primary (URN 100000) and Second School (URN 100001) all read the MIS copy"))
    }

    @Test func historyShowOfAnotherSchoolsSubmissionSaysWhose() throws {
        let standin = try start(schools: Self.twoSchools)
        defer { standin.workspace.remove() }
        try FileManager.default.copyItem(atPath: standin.workspace.file("mis.sqlite"), toPath: standin.workspace.file("mis2.sqlite"))
        #expect(try send(standin, ["--school", "100000"]).status == 0)
        let other = try standin.attsync(["history", "show", "1", "--school", "100001"])
        #expect(other.status == 64 && other.stderr.contains("submission 1 is of Sample Primary (URN 100000)"), "\(other.stderr)")
    }
}

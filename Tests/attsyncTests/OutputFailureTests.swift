import Foundation
import TestSupport
import Testing

/// A failed write to stdout or stderr (a full disk under a cron log, a closed descriptor, a reader gone)
/// is exit 74 at the end, never a crash, and never stops a send.
@Suite struct OutputFailureTests: StandInSuite {
    /// Runs attsync through the shell so that its descriptors can be redirected.
    func shell(_ standin: StandIn, _ command: String) throws -> (status: Int32, stdout: String, stderr: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["ATTSYNC_CONFIG"] = standin.workspace.file("config.json")
        environment["ATTSYNC_CLIENT_SECRET"] = StandIn.secret
        return try runProcess("/bin/sh", ["-c", "exec '\(Workspace.executable)' \(command)"], environment: environment)
    }

    @Test(arguments: [">/dev/full", ">&-"])
    func previewWithAnUnwritableStdoutExits74(redirect: String) throws {
        let standin = try start(consent: false)
        defer { standin.workspace.remove() }
        let result = try shell(standin, "preview --date 2026-11-27 \(redirect)")
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("writing to standard output failed"))
    }

    @Test func aSendWithStdoutOnAFullDiskStillSendsAndRecordsThenExits74() throws {
        let standin = try start()
        defer { standin.workspace.remove() }
        let result = try shell(standin, "send --date 2026-11-27 >/dev/full")
        #expect(result.status == 74, "\(result.stderr)")
        #expect(standin.requests(to: "/attendances").count == 1)
        let history = try standin.attsync(["history"])
        #expect(history.stdout.contains("✓ accepted"))
    }

    @Test func anErrorWithStderrOnAFullDiskKeepsItsExitCode() throws {
        let standin = try start(consent: false)
        defer { standin.workspace.remove() }
        let result = try shell(standin, "send --date 2026-11-27 2>/dev/full")
        #expect(result.status == 77, "no consent: the error's own code, not a crash")
        let both = try shell(standin, "preview --date 2026-11-27 --school 999999 >/dev/full 2>/dev/full")
        #expect(both.status == 64)
    }
}

import Foundation
import TestSupport
import Testing

/// The state as another user sees it: a database attsync cannot read is an error, never "no submissions
/// yet" or "no consent"; what root creates belongs to the service user who owns the state directory.
@Suite struct StatePermissionTests: StandInSuite {
    /// Runs attsync as `nobody` (the tests run as root in CI).
    func asNobody(_ standin: StandIn, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runProcess(
            "/usr/bin/setpriv",
            ["--reuid=nobody", "--regid=nogroup", "--clear-groups", Workspace.executable] + arguments + [
                "--config", standin.workspace.file("config.json"),
            ], environment: ["PATH": "/usr/bin:/bin"])
    }

    @Test func historyAndConsentStatusByAUserWhoCannotReadTheStateAreErrors() throws {
        guard geteuid() == 0 else { return }  // needs root to become another user
        let standin = try start()
        defer { standin.workspace.remove() }
        chmod(standin.workspace.directory.path, 0o755)
        for arguments in [["history"], ["consent", "status"], ["history", "show", "1"]] {
            let result = try asNobody(standin, arguments)
            #expect(result.status == 77, "\(arguments): \(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("cannot read the state database"), "\(result.stderr)")
            #expect(!result.stdout.contains("No submissions yet") && !result.stdout.contains("no consent"))
        }
    }

    @Test func consentGivenByRootLeavesTheStateToTheDirectoryOwner() throws {
        guard geteuid() == 0 else { return }
        let standin = try start(consent: false)
        defer { standin.workspace.remove() }
        let state = standin.workspace.file("state")
        mkdir(state, 0o700)
        let nobody = getpwnam("nobody")!.pointee
        chown(state, nobody.pw_uid, nobody.pw_gid)
        let given = try standin.attsync(["consent", "give", "--by", "Ann Head"])
        #expect(given.status == 0, "\(given.stderr)")
        for name in ["attsync.sqlite", "attsync.sqlite-wal", "attsync.sqlite-shm"] {
            var status = stat()
            if stat(state + "/" + name, &status) == 0 { #expect(status.st_uid == nobody.pw_uid, "\(name)") }
        }
    }
}

import Foundation
import TestSupport
import Testing

/// What history says must be what the DfE holds: after an outcome that is not known, after the state
/// database failed or vanished, and after SIGTERM.
@Suite struct RecordTruthTests: StandInSuite {
    /// Sets the first morning mark of 27 November to `code`, returning the code it had.
    @discardableResult
    func setFirstMark(_ standin: StandIn, _ code: String) throws -> String {
        try standin.workspace.python(
            """
            c = sqlite3.connect('mis.sqlite')
            row = c.execute("SELECT rowid, code FROM attendance_marks WHERE date = '2026-11-27' AND session = 'AM' ORDER BY rowid LIMIT 1").fetchone()
            open('old-code', 'w').write(row[1])
            c.execute('UPDATE attendance_marks SET code = ? WHERE rowid = ?', ('\(code)', row[0]))
            c.commit()
            """)
        return try String(contentsOfFile: standin.workspace.file("old-code"), encoding: .utf8)
    }

    /// The elements the stand-in holds for 27 November, as JSON text with sorted keys.
    func held(_ standin: StandIn) throws -> String {
        let day = (standin.store()["100000"]?["2026-11-27"] as? [String: Any])?["submissionData"] ?? []
        return String(decoding: try JSONSerialization.data(withJSONObject: day, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Runs attsync in the background, returning the process.
    func launch(_ standin: StandIn, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Workspace.executable)
        process.arguments = arguments + ["--config", standin.workspace.file("config.json")]
        var environment = ProcessInfo.processInfo.environment
        environment["ATTSYNC_CLIENT_SECRET"] = StandIn.secret
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        FileManager.default.createFile(atPath: standin.workspace.file("background.err"), contents: nil)
        process.standardError = FileHandle(forWritingAtPath: standin.workspace.file("background.err"))
        try process.run()
        return process
    }

    /// A stand-in that takes the POST, records it, and answers only after `seconds`; attsync configured to
    /// wait for it.
    func slowStandIn(_ seconds: Double) throws -> StandIn {
        let standin = try start(faults(attendances: [["kind": "holdAnswer", "seconds": seconds]]))
        let path = standin.workspace.file("config.json")
        try standin.workspace.directory.write(
            "config.json",
            try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
                of: #""timeoutSeconds": 2"#, with: #""timeoutSeconds": 60"#))
        return standin
    }

    /// Waits until the stand-in has received the POST (it then holds it for its delay).
    func waitForThePost(_ standin: StandIn) {
        for _ in 0..<400 where standin.requests(to: "/attendances").isEmpty { usleep(25_000) }
    }

    @Test func dataRevertedAfterABodyWhoseOutcomeIsUnknownIsSentAgainWithAFreshKey() throws {
        let lost: [String: Any] = ["kind": "acceptThenReset"]
        let standin = try start(faults(attendances: [["kind": "normal"], lost, lost, lost]))
        defer { standin.workspace.remove() }
        #expect(try send(standin).status == 0, "A accepted")
        let bodyA = try held(standin)
        let original = try setFirstMark(standin, "N")
        let lostRun = try send(standin)
        #expect(lostRun.status == 75, "B taken by the DfE but every answer lost: \(lostRun.stderr)")
        #expect(try held(standin) != bodyA, "the DfE holds B")
        try setFirstMark(standin, original)
        let reverted = try send(standin)
        #expect(
            reverted.status == 0 && reverted.stdout.contains("accepted"), "not \"nothing changed\": \(reverted.stdout) \(reverted.stderr)")
        #expect(try held(standin) == bodyA, "the DfE holds A again")
        let keys = standin.requests(to: "/attendances").compactMap { $0.header("Idempotency-Key") }
        #expect(keys.count == 5 && keys[4] != keys[0], "A's second sending has a key of its own")
    }

    @Test func aStateDatabaseLockedAfterTheDfEAcceptedIsReportedTruthfullyAndReconciled() throws {
        let standin = try slowStandIn(3)
        defer { standin.workspace.remove() }
        let running = try launch(standin, ["send", "--date", "2026-11-27"])
        waitForThePost(standin)
        // Another program holds the state database while the DfE's answer arrives (as a full disk would fail it).
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        locker.arguments = [
            "python3", "-c",
            "import sqlite3, time\nc = sqlite3.connect('\(standin.workspace.file("state/attsync.sqlite"))', isolation_level=None)\nc.execute('BEGIN EXCLUSIVE')\ntime.sleep(9)",
        ]
        try locker.run()
        running.waitUntilExit()
        let stderr = try String(contentsOfFile: standin.workspace.file("background.err"), encoding: .utf8)
        #expect(running.terminationStatus == 74, "\(stderr)")
        #expect(stderr.contains("the DfE accepted submission 1") && !stderr.contains("nothing was sent"), "\(stderr)")
        locker.waitUntilExit()
        let next = try send(standin)
        #expect(next.status == 0 && next.stdout.contains("accepted"), "\(next.stderr)")
        let posts = standin.requests(to: "/attendances")
        #expect(posts.count == 2 && posts[0].header("Idempotency-Key") == posts[1].header("Idempotency-Key"), "same body, same key")
        #expect(try standin.attsync(["history"]).stdout.contains("✓ accepted"))
    }

    @Test func aStateDatabaseDeletedDuringTheRunIsReportedNotTakenForSuccess() throws {
        let standin = try slowStandIn(2)
        defer { standin.workspace.remove() }
        let running = try launch(standin, ["send", "--date", "2026-11-27"])
        waitForThePost(standin)
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: standin.workspace.file("state/attsync.sqlite" + suffix))
        }
        running.waitUntilExit()
        let stderr = try String(contentsOfFile: standin.workspace.file("background.err"), encoding: .utf8)
        #expect(running.terminationStatus == 74, "\(stderr)")
        #expect(stderr.contains("deleted or replaced"), "\(stderr)")
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalDuringTheSendIsRecordedAsInterruptedAndTheNextRunSends(signal: Int32) throws {
        let standin = try slowStandIn(20)
        defer { standin.workspace.remove() }
        let running = try launch(standin, ["send", "--date", "2026-11-27"])
        waitForThePost(standin)
        kill(running.processIdentifier, signal)
        running.waitUntilExit()
        let stderr = try String(contentsOfFile: standin.workspace.file("background.err"), encoding: .utf8)
        let name = signal == SIGTERM ? "SIGTERM" : "SIGINT"
        #expect(running.terminationReason == .exit && running.terminationStatus == 75, "\(stderr)")
        #expect(stderr.contains("stopped by \(name)"), "\(stderr)")
        let show = try standin.attsync(["history", "show", "1"])
        #expect(show.stdout.contains("✗ interrupted") && show.stdout.contains("stopped by \(name)"), "\(show.stdout)")
        let next = try send(standin)
        #expect(next.status == 0 && next.stdout.contains("accepted"), "\(next.stderr)")
    }
}

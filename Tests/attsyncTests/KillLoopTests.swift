import Foundation
import TestSupport
import Testing

/// Repeated kill -9 and SIGTERM at seeded random moments of a send, each followed by a run to the end;
/// after each pair the invariants of docs/reliability.md must hold: nothing left "sending", every day with
/// marks accepted once, and the DfE holding exactly what the MIS copy says now.
@Suite struct KillLoopTests: StandInSuite {
    @Test func killsAtRandomMomentsNeverLoseOrDoubleADay() throws {
        let held: [String: Any] = ["kind": "holdAnswer", "seconds": 0.3]
        let standin = try start(faults(attendances: Array(repeating: held, count: 60)))
        defer { standin.workspace.remove() }
        var random = SeededRandom(state: 42)
        for round in 0..<10 {
            // New figures every round, so that every run has something to send.
            try standin.workspace.python(
                """
                c = sqlite3.connect('mis.sqlite')
                c.execute("UPDATE attendance_marks SET code = CASE code WHEN 'N' THEN 'I' ELSE 'N' END WHERE rowid = (SELECT min(rowid) FROM attendance_marks WHERE date = '2026-11-27' AND session = 'PM')")
                c.commit()
                """)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Workspace.executable)
            process.arguments = ["send", "--date", "2026-11-27", "--quiet", "--config", standin.workspace.file("config.json")]
            var environment = ProcessInfo.processInfo.environment
            environment["ATTSYNC_CLIENT_SECRET"] = StandIn.secret
            process.environment = environment
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            usleep(UInt32.random(in: 0...700_000, using: &random))
            kill(process.processIdentifier, round.isMultiple(of: 2) ? SIGKILL : SIGTERM)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal || [0, 75].contains(process.terminationStatus), "round \(round)")

            let finished = try send(standin)
            #expect(finished.status == 0, "round \(round): \(finished.stderr)")
            let history = try standin.attsync(["history", "--json", "--limit", "1000"])
            let statuses = ((try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]]) ?? []).compactMap {
                $0["status"] as? String
            }
            #expect(!statuses.contains("sending"), "round \(round): \(statuses)")
            let preview = try standin.attsync(["preview", "--json", "--date", "2026-11-27"])
            let body = try JSONSerialization.jsonObject(with: Data(preview.stdout.utf8)) as? [String: Any]
            let elements = (body?["submissionData"] as? [[String: Any]]) ?? []
            let sentDays = Set(elements.compactMap { $0["date"] as? String })
            let heldDays = standin.store()["100000"] ?? [:]
            #expect(Set(heldDays.keys) == sentDays, "round \(round): every day with marks is with the DfE, once")
            for day in sentDays {
                let expected = elements.filter { $0["date"] as? String == day }
                let stored = (heldDays[day] as? [String: Any])?["submissionData"] as? [[String: Any]] ?? []
                #expect(
                    try JSONSerialization.data(withJSONObject: stored, options: .sortedKeys)
                        == JSONSerialization.data(withJSONObject: expected, options: .sortedKeys), "round \(round), \(day)")
            }
        }
    }
}

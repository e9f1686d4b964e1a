import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// Fault matrix row 24: a copy refreshed mid-run gives one consistent snapshot or a clean failure.
@Suite struct SourceSnapshotTests {
    func count(_ source: SourceSnapshot) throws -> SQLValue? {
        try source.connection.scalar("SELECT count(*) || ' ' || max(date) FROM attendance_marks")
    }

    @Test func aCopyReplacedByRenameMidReadIsReadAsTheOldSnapshot() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try generateSchool(at: directory.file("mis.sqlite"), arguments: ["--seed", "1", "--pupils", "30"])
        try generateSchool(at: directory.file("new.sqlite"), arguments: ["--seed", "2", "--pupils", "60", "--to", "2026-11-20"])
        let source = try SourceDatabase(path: directory.file("mis.sqlite"), views: [:])
        let (before, after) = try source.read { snapshot in
            let before = try count(snapshot)
            #expect(rename(directory.file("new.sqlite"), directory.file("mis.sqlite")) == 0)
            let figures = try Aggregator(codes: .init(map: ["I02": "I", "X01": "X", "V01": "V"], unknown: .fail))
                .aggregate(snapshot, days: [Day(iso: "2026-11-27")!], runDate: Day(iso: "2026-11-27")!)
            #expect(figures.days[0].hasMarks, "the old copy has 27 November; the new one stops on the 20th")
            return (before, try count(snapshot))
        }
        #expect(before == after)
        let fresh = try SourceDatabase(path: directory.file("mis.sqlite"), views: [:])
        #expect(try fresh.read { try count($0) } != before, "the next run reads the new copy")
    }

    @Test func aCopyOverwrittenInPlaceMidReadFailsCleanly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try generateSchool(at: directory.file("mis.sqlite"), arguments: ["--seed", "1", "--pupils", "30"])
        try generateSchool(at: directory.file("new.sqlite"), arguments: ["--seed", "2", "--pupils", "60"])
        let source = try SourceDatabase(path: directory.file("mis.sqlite"), views: [:])
        #expect {
            try source.read { snapshot in
                _ = try count(snapshot)
                let bytes = try Data(contentsOf: URL(fileURLWithPath: directory.file("new.sqlite")))
                let handle = try #require(FileHandle(forWritingAtPath: directory.file("mis.sqlite")))
                handle.write(bytes)
                try handle.close()
                return try count(snapshot)
            }
        } throws: { error in
            guard case SourceError.damaged = error else { return false }
            return ExitStatus(for: error) == .temporaryFailure
        }
    }
}

import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// `send` for a trust, `dfe.concurrency` schools at once, against the stand-in answering each POST late.
@Suite struct ConcurrencyTests: StandInSuite {
    static let count = 6

    func trust(concurrency: Int?, faults: [String: Any] = [:]) throws -> StandIn {
        let workspace = try Workspace()
        for index in 0..<Self.count {
            try FileManager.default.copyItem(atPath: workspace.file("mis.sqlite"), toPath: workspace.file("mis-\(index).sqlite"))
        }
        let schools = (0..<Self.count).map {
            #"{ "urn": "\#(100_000 + $0)", "name": "School \#($0)", "source": { "path": "mis-\#($0).sqlite" } }"#
        }
        var settings: [String: Any] = ["knownUrns": NSNull()]
        settings.merge(faults) { $1 }
        let standin = try StandIn(workspace, settings: settings, schools: "[" + schools.joined(separator: ",") + "]")
        if let concurrency {
            let config = try String(contentsOfFile: workspace.file("config.json"), encoding: .utf8)
            try workspace.directory.write(
                "config.json", config.replacingOccurrences(of: #""dfe": {"#, with: #""dfe": { "concurrency": \#(concurrency),"#))
        }
        if (concurrency ?? 1) >= 1 {
            #expect(try standin.attsync(["consent", "give", "--by", "Ann Head", "--all-schools"]).status == 0)
        }
        return standin
    }

    @Test(arguments: [nil, 1, 3])
    func everySchoolIsSentAndRecordedWithOneTokenAndItsLinesTogether(_ concurrency: Int?) throws {
        let delays = Array(repeating: ["kind": "delay", "seconds": 0.2] as [String: Any], count: Self.count)
        let standin = try trust(concurrency: concurrency, faults: self.faults(attendances: delays))
        defer { standin.workspace.remove() }
        let sent = try standin.attsync(["send", "--date", "2026-11-27", "--verbose"])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(standin.requests(to: "/token").count == 1, "one token for the trust")
        #expect(Set(standin.requests(to: "/attendances").compactMap { $0.header("Idempotency-Key") }).count == Self.count)
        let accepted = sent.stdout.split(separator: "\n").filter { $0.hasPrefix("✓") }
        #expect(accepted.count == Self.count, "\(sent.stdout)")
        if concurrency == 1 {
            #expect(accepted.map { String($0.split(separator: " ")[2]) } == (0..<Self.count).map(String.init), "in configuration order")
        }
        // Each school's stderr lines (its data quality note, its submission and POST traces) come together.
        let lines = sent.stderr.split(separator: "\n")
        for index in 0..<Self.count {
            let mine = lines.indices.filter { lines[$0].contains("School \(index) (URN") }
            #expect(!mine.isEmpty)
            let block = lines.indices.filter { lines[$0].hasPrefix("attsync: data quality for School \(index) ") }
            guard let start = block.first, let post = lines[start...].firstIndex(where: { $0.hasPrefix("→ HTTP 201") }) else {
                Issue.record("no block for school \(index):\n\(sent.stderr)")
                continue
            }
            #expect(!lines[start...post].contains { $0.hasPrefix("attsync: data quality for School ") && !$0.contains("School \(index) ") })
        }
        for index in 0..<Self.count {
            let store = try StateStore.open(directory: standin.workspace.file("state"))
            let history = try store.acceptedHistory(urn: String(100_000 + index), timeZone: TimeZone(identifier: "Europe/London")!)
            #expect(history.lastAccepted != nil, "school \(index) recorded as accepted")
        }
    }

    @Test func aConcurrencyOutOfRangeIsAConfigurationError() throws {
        let standin = try trust(concurrency: 0)
        defer { standin.workspace.remove() }
        let result = try standin.attsync(["send", "--date", "2026-11-27"])
        #expect(result.status == 78 && result.stderr.contains("dfe.concurrency"), "\(result.stderr)")
    }
}

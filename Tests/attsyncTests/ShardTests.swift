import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// `send --shard I/N` against the stand-in: N runs, each with its own state directory, send what one
/// unsharded run sends, each school once.
@Suite struct ShardSendTests: StandInSuite {
    static let count = 6

    /// A trust of `count` schools, each with its own copy.
    func trust() throws -> StandIn {
        let workspace = try Workspace()
        for index in 0..<Self.count {
            try FileManager.default.copyItem(atPath: workspace.file("mis.sqlite"), toPath: workspace.file("mis-\(index).sqlite"))
        }
        let schools = (0..<Self.count).map { #"{ "urn": "\#(100_000 + $0)", "source": { "path": "mis-\#($0).sqlite" } }"# }
        return try StandIn(workspace, settings: ["knownUrns": NSNull()], schools: "[" + schools.joined(separator: ",") + "]")
    }

    /// Runs attsync with the configuration file `config` of the workspace.
    func attsync(_ standin: StandIn, _ arguments: [String], config: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try standin.workspace.run(
            arguments + ["--config", standin.workspace.file(config)], config: false,
            environment: ["ATTSYNC_CLIENT_SECRET": StandIn.secret])
    }

    /// URN → body of every POST after the first `after` requests.
    func bodies(_ standin: StandIn, after: Int) -> [(urn: String, body: String)] {
        standin.requests(to: "/attendances").filter { ($0["seq"] as? Int ?? 0) > after }.compactMap { post in
            guard let body = post["body"] as? String,
                let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                let urn = object["urn"] as? Int
            else { return nil }
            return (String(urn), body)
        }
    }

    @Test func theShardsTogetherSendWhatOneRunSendsEachSchoolOnce() throws {
        let standin = try trust()
        defer { standin.workspace.remove() }
        let config = try String(contentsOfFile: standin.workspace.file("config.json"), encoding: .utf8)

        #expect(try standin.attsync(["consent", "give", "--by", "Ann Head", "--all-schools"]).status == 0)
        let whole = try standin.attsync(["send", "--date", "2026-11-27", "--quiet"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let unsharded = bodies(standin, after: 0)
        #expect(unsharded.count == Self.count)
        let seen = standin.requests().count

        let shards = 4
        for index in 0..<shards {
            let name = "config-\(index).json"
            // As on Kubernetes or under systemd: the same configuration, a state directory of the shard's own.
            try standin.workspace.directory.write(
                name, config.replacingOccurrences(of: "{", with: "{ \"stateDirectory\": \"state-\(index)\",", range: config.range(of: "{")))
            #expect(try attsync(standin, ["consent", "give", "--by", "Ann Head", "--all-schools", "--quiet"], config: name).status == 0)
            let sent = try attsync(standin, ["send", "--date", "2026-11-27", "--shard", "\(index)/\(shards)"], config: name)
            #expect(sent.status == 0, "\(sent.stderr)")
            let mine = (0..<Self.count).map { String(100_000 + $0) }.filter { Shard(index: index, count: shards)!.contains(urn: $0) }
            #expect(mine.allSatisfy { sent.stdout.contains("URN \($0):") }, "\(sent.stdout)")
            #expect(sent.stdout.split(separator: "\n").filter { $0.hasPrefix("✓") }.count == mine.count, "\(sent.stdout)")
            if mine.isEmpty { #expect(sent.stderr.contains("no school of the configuration falls in this shard")) }
        }
        let sharded = bodies(standin, after: seen)
        #expect(sharded.map(\.urn).sorted() == unsharded.map(\.urn).sorted(), "every school exactly once")
        #expect(
            Dictionary(uniqueKeysWithValues: sharded.map { ($0.urn, $0.body) })
                == Dictionary(uniqueKeysWithValues: unsharded.map { ($0.urn, $0.body) }))
    }

    @Test func aShardIsCheckedAndCannotBeCombinedWithSchool() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        for bad in ["4/4", "x", "1/0"] {
            let result = try workspace.run(["send", "--shard", bad])
            #expect(result.status == 64 && result.stderr.contains("--shard"), "\(result.stderr)")
        }
        let both = try workspace.run(["send", "--shard", "0/2", "--school", "100000"])
        #expect(both.status == 64 && both.stderr.contains("--shard and --school cannot be combined"))
    }
}

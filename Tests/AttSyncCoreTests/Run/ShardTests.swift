import Testing

@testable import AttSyncCore

/// `send --shard I/N`: every school in exactly one shard, the same one every time.
@Suite struct ShardTests {
    @Test(arguments: ["0/1", "0/4", "3/4", "999/1000", "0007/0010"])
    func aShardIsIndexSlashCount(_ text: String) throws {
        let shard = try #require(Shard(text))
        #expect(shard.index < shard.count)
    }

    @Test(arguments: ["", "1", "4/4", "-1/4", "1/0", "0/1001", "a/4", "1/4/8", " 1/4", "1/ 4", "١/٤", "+1/4", "0x1/4", "00001/2"])
    func anythingElseIsRefused(_ text: String) {
        #expect(Shard(text) == nil)
    }

    @Test func everySchoolFallsInExactlyOneShard() throws {
        let urns = (0..<600).map { String(100_000 + $0 * 1_499) }
        for count in 1...9 {
            let shards = (0..<count).map { Shard(index: $0, count: count)! }
            var sizes = Array(repeating: 0, count: count)
            for urn in urns {
                let holders = shards.filter { $0.contains(urn: urn) }
                #expect(holders.count == 1, "\(urn) in \(holders) of \(count)")
                sizes[holders.first?.index ?? 0] += 1
            }
            // A stable hash spreads a trust evenly enough: no shard holds twice its share.
            #expect(sizes.allSatisfy { $0 > 0 && $0 < 2 * urns.count / count + 10 }, "\(sizes)")
        }
    }

    /// The hash is part of the interface: a scheduler's shards must keep their schools across upgrades. Checked
    /// against Python: int.from_bytes(hashlib.sha256(urn.encode()).digest()[:8], "big") % N.
    @Test func theHashIsStable() {
        #expect((0..<8).map { Shard.index(of: String(100_000 + $0), count: 4) } == [3, 1, 1, 0, 2, 1, 2, 3])
        #expect(Shard.index(of: "100000", count: 1) == 0)
    }
}

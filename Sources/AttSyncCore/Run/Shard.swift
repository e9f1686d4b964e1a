import Crypto

/// `send --shard I/N`: one of N disjoint parts of a trust's schools, chosen by a stable hash of the URN, so
/// that an existing scheduler can run N copies of attsync side by side (a Kubernetes Indexed Job with
/// `JOB_COMPLETION_INDEX`, N systemd template units), each with its own state directory.
///
/// Every school falls in exactly one shard, whatever N, and always the same one for the same N: the hash is
/// SHA-256 of the URN's digits, not Swift's `Hasher` (which changes from one process to the next). Adding a
/// school moves no other school. `I` counts from 0, as `JOB_COMPLETION_INDEX` does.
package struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 0 ..< count.
    package let index: Int
    package let count: Int

    /// The most shards a trust is split into: more than any trust has schools, few enough to type.
    package static let maximumCount = 1000

    /// - Returns: nil unless `0 <= index < count <= maximumCount`.
    package init?(index: Int, count: Int) {
        guard count >= 1, count <= Self.maximumCount, index >= 0, index < count else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (decimal digits only, `0 <= I < N`).
    package init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCIIDigit) }),
            let index = Int(parts[0]), let count = Int(parts[1])
        else { return nil }
        self.init(index: index, count: count)
    }

    package var description: String { "\(index)/\(count)" }

    /// The shard, of `count`, that `urn` belongs to: the first eight bytes of SHA-256 of its digits, big-endian,
    /// modulo `count`.
    package static func index(of urn: String, count: Int) -> Int {
        let prefix = SHA256.hash(data: Array(urn.utf8)).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(prefix % UInt64(count))
    }

    /// Whether the school with `urn` is sent by this shard.
    package func contains(urn: String) -> Bool { Self.index(of: urn, count: count) == index }
}

extension Character {
    /// 0 to 9 only (not other scripts' digits, which `isNumber` accepts).
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

import Foundation

/// One request made while sending, as recorded in the state database: every request that goes on the
/// wire, token or POST, is one attempt.
package struct AttemptRecord: Sendable, Equatable, Codable {
    package enum Kind: String, Sendable, Codable { case token, post }

    package var kind: Kind
    /// 1 for the first request of its kind in this delivery.
    package var number: Int
    package var startedAt: Date
    package var durationSeconds: Double
    package var httpStatus: Int?
    /// What went wrong, in words (a transport error or an OAuth error code); never a secret or a body.
    package var error: String?
    package var retryAfterSeconds: Double?
    /// How long attsync waited before the next attempt.
    package var waitedSeconds: Double?
    /// The start of the DfE's answer to a POST (at most `answerLimit` bytes, as text), for support staff.
    /// Never kept for the token endpoint, whose answer holds the token.
    package var answer: String?

    /// How much of an answer is kept.
    static let answerLimit = 2_048

    /// The first `answerLimit` bytes of `body` as text (invalid UTF-8 replaced), nil when empty.
    static func answerText(_ body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        let text = String(decoding: body.prefix(answerLimit), as: UTF8.self)
        return body.count > answerLimit ? text + "… (\(body.count) bytes in all)" : text
    }
}

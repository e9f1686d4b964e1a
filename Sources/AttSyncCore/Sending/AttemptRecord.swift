import Foundation

/// One request made while sending, as recorded in the state database: every request that goes on the
/// wire, token or POST, is one attempt.
///
/// A row of `attempts`, tied to its submission; `history show ID` lists them. Recorded as each request
/// ends, before any wait, so a crash mid-delivery leaves every request made on record.
package struct AttemptRecord: Sendable, Equatable, Codable {
    /// Which endpoint: the OAuth token endpoint or the DfE submission endpoint.
    package enum Kind: String, Sendable, Codable { case token, post }

    package var kind: Kind
    /// 1 for the first request of its retry loop, not of the delivery:
    /// each token fetch (after a 401, or when the token expires) starts again at 1.
    package var number: Int
    /// When the attempt began (the injected clock), for a POST before any token fetch it needed; stored in UTC.
    package var startedAt: Date
    /// Until the answer or failure, the wait after it excluded; a POST's includes fetching its token when one
    /// was needed. Stored in whole milliseconds.
    package var durationSeconds: Double
    /// nil when no HTTP answer came (a `TransportError`).
    package var httpStatus: Int?
    /// What went wrong, in words (a transport error or an OAuth error code); never a secret or a body.
    package var error: String?
    /// The server's Retry-After, when it sent a usable one.
    package var retryAfterSeconds: Double?
    /// How long attsync waited before the next attempt.
    /// nil when no wait followed: success, a final failure, or an exhausted budget.
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

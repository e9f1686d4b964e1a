import Foundation

/// A consent change.
///
/// A row of `consent_events`, read by `StateStore.readConsentHistory`. (Its `Codable` is unused so far.)
package struct ConsentEvent: Sendable, Equatable, Codable {
    /// `given` opens a consent period, `removed` ends it; the raw values are stored in `consent_events.action`.
    package enum Action: String, Sendable, Codable { case given, removed }
    /// Row id in `consent_events`; the order of changes.
    package var id: Int64
    package var urn: String
    package var action: Action
    /// The person (or "DfE service (HTTP 410)").
    package var by: String
    /// The operating-system account that ran the command ("attsync" for a 410).
    package var osUser: String
    /// When it was recorded (the injected clock); stored in UTC, shown in the configured time zone.
    package var at: Date
}

/// A submission as the history shows it.
///
/// A row of `submissions` without its body (`StateStore.submission(id:)` returns that beside it), with
/// the count of its POST attempts. `history --json` prints it as it is.
package struct SubmissionRecord: Sendable, Equatable, Codable {
    /// Row id in `submissions`; also the number people type in `attsync history show ID`.
    package var id: Int64
    package var urn: String
    /// `YYYY-MM-DD`, kept as stored text: the history shows what was recorded.
    package var runDate: String
    /// The dates the body carried, ascending, `YYYY-MM-DD`.
    package var dates: [String]
    /// The hex digest of the body: its Idempotency-Key.
    package var bodySHA256: String
    /// Sent with `--force` although unchanged since the last accepted submission.
    package var forced: Bool
    package var status: SubmissionStatus
    /// The last HTTP status of its delivery; nil when none came or it is still `sending`.
    package var httpStatus: Int?
    /// The DfE's `submissionRef` when accepted with one.
    package var reference: String?
    /// The DfE's errors: soft ones when ⚠, the reasons of a rejection when ✗.
    package var errors: [DfEError]
    /// Why it failed, why it was interrupted, or a note about an accepted answer.
    package var reason: String?
    /// When the row was written, just before the first request.
    package var createdAt: Date
    /// When its outcome was recorded; nil while `sending`.
    package var finishedAt: Date?
    /// POST attempts only; token requests are listed by `history show` but not counted here.
    package var attemptCount: Int
    /// Data-quality findings of the dates sent (marks not on roll, skipped codes, …), in words.
    package var dataQuality: String?
    /// The kind of failure of a ✗ submission recorded since migration 6; nil otherwise.
    package var failureKind: FailureKind? = nil
}

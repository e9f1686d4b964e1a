/// How a submission ended, as `StateStore.finishSubmission` records it in one transaction: the status and
/// the DfE's answer, the digest of each day it carried when accepted, and the consent removal a 410 brings.
package struct SubmissionOutcome: Sendable, Equatable {
    package var status: SubmissionStatus
    /// The final answer's status; nil when the delivery ended without one.
    package var httpStatus: Int?
    /// The DfE's `submissionRef`, accepted submissions only.
    package var reference: String?
    /// Soft errors of an accepted body, or the errors of a refused one.
    package var errors: [DfEError]
    /// Why it failed, or a note about an accepted answer.
    package var reason: String?
    /// Each date carried → the digest of its content; empty unless accepted.
    package var acceptedDays: [Day: String]
    /// Consent is removed for the school with the outcome (HTTP 410).
    package var removesConsent: Bool
    /// What kind of failure, for the history's plain words; nil unless ✗.
    package var failureKind: FailureKind? = nil

    /// ✓ accepted, or ⚠ accepted with the DfE's warnings; the days of `payload` count as sent.
    package static func accepted(_ acceptance: Acceptance, payload: Payload) -> SubmissionOutcome {
        SubmissionOutcome(
            status: acceptance.errors.isEmpty ? .accepted : .warnings, httpStatus: acceptance.httpStatus,
            reference: acceptance.reference, errors: acceptance.errors, reason: acceptance.note, acceptedDays: payload.dayDigests,
            removesConsent: false)
    }

    /// ✗ rejected or failed, as the error says.
    package static func failed(_ failure: DeliveryFailure) -> SubmissionOutcome {
        SubmissionOutcome(
            status: failure.error.submissionStatus, httpStatus: failure.httpStatus, reference: nil, errors: failure.errors,
            reason: failure.error.description, acceptedDays: [:], removesConsent: failure.error.removesConsent,
            failureKind: failure.error.kind)
    }
}

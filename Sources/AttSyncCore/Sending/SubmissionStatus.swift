/// The outcome of a submission.
///
/// The raw values are stored in `submissions.status` (the schema's CHECK lists them), so they must never
/// change. A submission is `sending` from the row's insert until its outcome is committed.
package enum SubmissionStatus: String, Sendable, Codable {
    /// Recorded, not yet answered (or the run is still going).
    case sending
    /// ✓ accepted.
    case accepted
    /// ⚠ accepted with DfE validation warnings.
    case warnings
    /// ✗ rejected by the DfE.
    case rejected
    /// ✗ failed: no acceptance (network, token, TLS, retired…).
    case failed
    /// ✗ the run stopped before the outcome was known; the next run sends the same days again.
    case interrupted
}

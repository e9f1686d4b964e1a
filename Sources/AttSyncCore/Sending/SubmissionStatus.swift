/// The outcome of a submission.
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

    package var symbol: String {
        switch self {
        case .accepted: return "✓"
        case .warnings: return "⚠"
        case .sending: return "…"
        case .rejected, .failed, .interrupted: return "✗"
        }
    }

    /// The days count as sent.
    package var isAccepted: Bool { self == .accepted || self == .warnings }
}

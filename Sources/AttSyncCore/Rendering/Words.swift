/// Small pieces of wording shared by the renderers and the operations.

/// `2026-11-18 – 2026-11-27`, or one date.
func datesSummary(_ dates: [String]) -> String {
    guard let first = dates.first, let last = dates.last else { return "none" }
    return first == last ? first : "\(first) – \(last)"
}

extension SubmissionStatus {
    /// `✓ accepted`, `⚠ 2 warnings`, `✗ rejected`…, for a submission with `warnings` DfE errors.
    func words(warnings: Int) -> String {
        switch self {
        case .accepted: return "✓ accepted"
        case .warnings: return "⚠ " + counted(warnings, "warning")
        case .sending: return "… sending"
        case .rejected: return "✗ rejected"
        case .failed: return "✗ failed"
        case .interrupted: return "✗ interrupted"
        }
    }
}

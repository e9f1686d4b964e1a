/// What kind of failure ended a delivery, for the plain words of the history and the status page (the
/// technical message, `SendError.description`, is kept for IT beside it).
///
/// The raw values are stored in `submissions.failure_kind`, so they must never change.
package enum FailureKind: String, Sendable, Codable, CaseIterable {
    /// The DfE's sign-in service refused the client id or secret.
    case signInRefused = "sign-in-refused"
    /// The sign-in service answered with something that is not a usable token.
    case signInUnusable = "sign-in-unusable"
    /// The sign-in service could not be reached or kept failing.
    case signInUnreachable = "sign-in-unreachable"
    /// No trusted secure connection (certificate), or an address attsync refuses.
    case insecure
    /// The address answered with a redirect.
    case redirected
    /// The DfE refused a fresh token (HTTP 401 twice).
    case tokenRefused = "token-refused"
    /// The client lacks the role for the attendance API (403).
    case notAllowed = "not-allowed"
    /// The endpoint does not take the request (404/405).
    case wrongAddress = "wrong-address"
    /// The DfE refused the figures themselves (400/422…).
    case refused
    /// The DfE's service is retired (410).
    case retired
    /// The DfE accepted, but attsync could not record it.
    case notRecorded = "not-recorded"
    /// SIGTERM or SIGINT stopped the run before the answer.
    case interrupted
    /// The DfE could not be reached or stayed busy within the retry budget.
    case unreachable
    /// Consent not in force.
    case noConsent = "no-consent"
}

extension SendError {
    /// The kind of this failure.
    package var kind: FailureKind {
        switch self {
        case .noConsent, .consentRemovedByService: return .noConsent
        case .tokenRejected: return .signInRefused
        case .tokenResponseInvalid: return .signInUnusable
        case .tls: return .insecure
        case .redirected: return .redirected
        case .unauthorised: return .tokenRefused
        case .forbidden: return .notAllowed
        case .endpointWrong: return .wrongAddress
        case .rejected: return .refused
        case .retired: return .retired
        case .acceptedButNotRecorded: return .notRecorded
        case .interrupted: return .interrupted
        case .gaveUp(let reason): return reason.hasPrefix(TokenProvider.exhaustedPrefix) ? .signInUnreachable : .unreachable
        }
    }
}

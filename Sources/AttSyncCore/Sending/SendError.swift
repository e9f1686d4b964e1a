/// Why a school's send did not end with the DfE accepting it.
///
/// Each case maps to the answer table of docs/dfe-contract.md §4 (and §1 for the token): its exit code, how
/// the submission is recorded (`submissionStatus`), whether it removes consent and whether every other
/// school of the run would fail the same way (`affectsEverySchool`).
package enum SendError: AttSyncError, Equatable {
    /// Consent has not been given (or was removed) for the school.
    case noConsent(school: String, urn: String)
    /// Consent was removed when the DfE answered 410 (the service is retired) on `on`.
    case consentRemovedByService(school: String, urn: String, on: String)
    /// The token endpoint refused the client (RFC 6749 §5.2): a configuration problem.
    case tokenRejected(status: Int, error: String?, description: String?)
    /// The token endpoint answered 200 with something that is not a usable token.
    /// Not retried within the run (docs/reliability.md, fault 3); exit 75, so the next run tries again.
    case tokenResponseInvalid(reason: String)
    /// TLS failed: the certificate was refused. Never retried.
    /// Also carries `TransportError.refusedURL`, the other failure that is never retried.
    case tls(TransportError)
    /// The server answered with a redirect, which a POST must never follow.
    case redirected(url: String, status: Int, location: String?)
    /// The DfE refused a fresh token too (HTTP 401 twice).
    case unauthorised
    /// The client lacks the role for the endpoint (HTTP 403).
    case forbidden
    /// The endpoint does not take this request (HTTP 404/405): the URL is wrong.
    case endpointWrong(status: Int)
    /// The DfE rejected the submission (HTTP 400/413/415/422 or another 4xx).
    case rejected(status: Int, summary: String)
    /// The service is retired (HTTP 410).
    case retired
    /// The DfE accepted submission `submission` but attsync could not record it.
    case acceptedButNotRecorded(submission: Int64, reference: String?, problem: String)
    /// SIGTERM or SIGINT stopped the delivery before the DfE's answer was known.
    case interrupted(signal: String)
    /// Transient failures outlasted the retry budget.
    /// Also an unexpected status such as 501 or 505, which is not retried but left to the next run.
    case gaveUp(reason: String)

    package var description: String {
        switch self {
        case .noConsent(let school, let urn):
            return
                "no consent to send for \(school): nothing was sent; a person with authority gives it with `attsync consent give --by \"NAME\" --school \(urn)`"
        case .consentRemovedByService(let school, let urn, let on):
            return
                "the DfE answered on \(on) that its attendance service is retired (HTTP 410), so sending stopped for \(school) and nothing was sent; if the DfE opens a service again, point dfe.endpoint at it and give consent again with `attsync consent give --by \"NAME\" --school \(urn)`"
        case .tokenRejected(let status, let error, let description):
            let code = error.map { " \($0)" } ?? ""
            let words = description.map { ": \($0)" } ?? ""
            return
                "the token endpoint refused the client (HTTP \(status)\(code)\(words)); check dfe.token.clientId, the client secret, dfe.token.scope and dfe.token.authMethod"
        case .tokenResponseInvalid(let reason):
            return "the token endpoint's answer is not a usable token: \(reason)"
        case .tls(let error):
            return "\(error); nothing was sent"
        case .redirected(let url, let status, let location):
            return
                "\(url) answered HTTP \(status) redirecting to \(location ?? "(no Location)"); redirects are never followed: check the URL in the configuration"
        case .unauthorised:
            return "the DfE refused a freshly fetched token (HTTP 401 twice); check that the client is registered for the attendance API"
        case .forbidden:
            return "the DfE refused the request (HTTP 403): the client lacks the role for the attendance API"
        case .endpointWrong(let status):
            return "the DfE endpoint does not accept this request (HTTP \(status)); check dfe.endpoint"
        case .rejected(let status, let summary):
            return "the DfE rejected the submission (HTTP \(status)): \(summary)"
        case .retired:
            return "the DfE says the attendance service is retired (HTTP 410): consent was removed and sending has stopped"
        case .acceptedButNotRecorded(let submission, let reference, let problem):
            return
                "the DfE accepted submission \(submission)\(reference.map { " as \($0)" } ?? "") but attsync could not record it (\(problem)); the next run sends the same body with the same Idempotency-Key, which the DfE answers as before, and records it"
        case .interrupted(let signal):
            return "stopped by \(signal) before the DfE's answer was known; the next run sends these days again"
        case .gaveUp(let reason):
            return "\(reason); the days stay pending and the next run sends them"
        }
    }

    /// How the submission is recorded when this error ends its delivery: ✗ rejected when the DfE refused
    /// the body itself, ✗ failed otherwise.
    package var submissionStatus: SubmissionStatus {
        switch self {
        case .rejected: return .rejected
        case .interrupted: return .interrupted
        default: return .failed
        }
    }

    /// The service is retired (HTTP 410): consent is removed for the school in the same transaction that
    /// records the outcome, so no later run sends until a person gives it again.
    package var removesConsent: Bool { self == .retired }

    /// A problem with the DfE service or the client itself, which every other school would meet too.
    /// `SendOperation` stops the run on such an error rather than fail each school in turn; a 410 is
    /// handled per school because it removes that school's consent.
    package var affectsEverySchool: Bool {
        switch self {
        case .tokenRejected, .tls, .redirected, .unauthorised, .forbidden, .endpointWrong: return true
        default: return false
        }
    }

    /// Per docs/dfe-contract.md §4: configuration 78, rejection 65, retired 69, temporary 75, no consent 77.
    package var exitStatus: ExitStatus {
        switch self {
        case .noConsent, .consentRemovedByService: return .noPermission
        case .tokenRejected, .tls, .redirected, .unauthorised, .forbidden, .endpointWrong: return .configuration
        case .tokenResponseInvalid, .gaveUp, .interrupted: return .temporaryFailure
        case .acceptedButNotRecorded: return .ioError
        case .rejected: return .dataError
        case .retired: return .unavailable
        }
    }
}

extension TransportError {
    /// The send error that ends a token fetch or a POST at once: stopped by a signal, or a TLS problem or a
    /// refused URL; nil for a failure worth another attempt (`isRetryable`).
    var endingSendError: SendError? {
        if case .interrupted(_, let signal) = self { return .interrupted(signal: signal) }
        return isRetryable ? nil : .tls(self)
    }
}

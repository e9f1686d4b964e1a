import Foundation

/// What each HTTP status means, for the token endpoint and for the submission: the tables of
/// docs/dfe-contract.md §1 and §4 in one place. Everything that decides "retry or stop" asks here.
///
/// A status is mapped before its body is read: what the body says (errors, a reference, a token) is
/// interpreted by `Submitter` and `TokenProvider` once the answer's kind is known.
enum Contract {
    /// What a token endpoint's answer means (§1; RFC 6749 §5.1–5.2).
    enum TokenAnswer: Equatable {
        /// 200: a token to parse.
        case token
        /// 408, 429, 5xx: transient, retried within `dfe.retry`.
        case transient
        /// 3xx: never followed.
        case redirect
        /// Anything else (400/401 `invalid_client`…): the client is refused, a configuration problem.
        case refused
    }

    /// Only 200 carries a token: RFC 6749 §5.1 answers a token request with 200, so another 2xx is refused.
    static func tokenAnswer(_ status: Int) -> TokenAnswer {
        switch status {
        case 200: return .token
        case 408, 429, 500...599: return .transient
        case 300...399: return .redirect
        default: return .refused
        }
    }

    /// What the DfE's answer to a submission means (§4).
    enum SubmissionAnswer: Equatable {
        /// 2xx: accepted, perhaps with warnings.
        case accepted
        /// 401: drop the token, fetch one new token and repeat once; a second 401 stops.
        case tokenRefused
        /// 408, 409, 429, 500, 502, 503, 504: transient, retried with the same key within `dfe.retry`.
        case transient
        /// 3xx: never followed.
        case redirect
        /// 403: the client lacks the role.
        case forbidden
        /// 404, 405: the endpoint is wrong.
        case endpointWrong
        /// 410: the service is retired; consent is removed for the school.
        case retired
        /// Any other 4xx: rejected, not retried.
        case rejected
        /// Any other status (501, 505…): not retried here; the next run tries again.
        case unexpected
    }

    /// 409 is transient: the DfE is still processing the same Idempotency-Key, and the retry sends the same key.
    static func submissionAnswer(_ status: Int) -> SubmissionAnswer {
        switch status {
        case 200...299: return .accepted
        case 401: return .tokenRefused
        case 408, 409, 429, 500, 502, 503, 504: return .transient
        case 300...399: return .redirect
        case 403: return .forbidden
        case 404, 405: return .endpointWrong
        case 410: return .retired
        case 400...499: return .rejected
        default: return .unexpected
        }
    }
}

extension Contract {
    /// The headers every request to the DfE's API carries (docs/dfe-contract.md §2): the token, JSON, the
    /// client id, a fresh lower-case UUID as session id for each request, and the subscription key when set.
    static func apiHeaders(token: Secret, clientId: String, subscriptionKey: Secret?) -> [(name: String, value: String)] {
        var headers = [
            (name: "Authorization", value: "Bearer \(token.revealed)"),
            (name: "Accept", value: "application/json"),
            (name: "api-client-app-id", value: clientId),
            (name: "api-client-session-id", value: UUID().uuidString.lowercased()),
        ]
        if let subscriptionKey { headers.append((name: "Ocp-Apim-Subscription-Key", value: subscriptionKey.revealed)) }
        return headers
    }
}

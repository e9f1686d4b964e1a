import Foundation

/// POSTs one body to the DfE and interprets the answer by `Contract.submissionAnswer`: retries transient
/// failures within the budget with the same bytes and the same Idempotency-Key, fetches one fresh token
/// after a 401, never follows a redirect.
///
/// The transport side of the send stage: it knows the contract's headers and answers, but not the state
/// database, which it reaches only through the `record` callback. One per run, shared by every school.
package struct Submitter {
    package let endpoint: URL
    package let clientId: String
    /// Resolved from `dfe.subscriptionKey` by `send`; nil when none is configured, and the header is left out.
    package let subscriptionKey: Secret?
    package let transport: any HTTPTransport
    /// Shared with every school of the run, so one token serves them all while it is valid.
    package let tokens: TokenProvider
    package let console: Console

    package init(
        endpoint: URL, clientId: String, subscriptionKey: Secret?, transport: any HTTPTransport, tokens: TokenProvider, console: Console
    ) {
        self.endpoint = endpoint
        self.clientId = clientId
        self.subscriptionKey = subscriptionKey
        self.transport = transport
        self.tokens = tokens
        self.console = console
    }

    /// Delivers `body`.
    /// - Parameter record: called after every request (token or POST), before any wait; a throw stops the
    ///   delivery (the state database must hold every attempt).
    /// - Throws: `DeliveryFailure`, or whatever `record` throws.
    /// - Parameters:
    ///   - body: the payload's exact bytes, resent unchanged on every attempt.
    ///   - idempotencyKey: hex SHA-256 identifying the submission (`StateStore.beginSubmission`), sent quoted.
    ///   - policy: the school's retry budget, shared with any token fetch this delivery needs.
    package func deliver(body: [UInt8], idempotencyKey: String, policy: RetryPolicy, record: (AttemptRecord) throws -> Void) throws
        -> Acceptance
    {
        // One fresh token per delivery: a second 401 means the client itself is refused (docs/dfe-contract.md §4).
        var refreshedAfter401 = false
        let loop = RetryLoop(kind: .post, policy: policy, console: console)
        do {
            return try loop.run(record: record) { attempt -> RetryLoop.Outcome<Acceptance> in
                let token: Secret
                do {
                    token = try tokens.bearer(policy: policy, record: record)
                } catch let error as SendError {
                    // The token's own attempts are already recorded; no POST was made, so this attempt records nothing.
                    throw DeliveryFailure(error: error, httpStatus: nil, errors: [])
                }
                let request = HTTPRequest(
                    method: "POST", url: endpoint, headers: headers(token: token, idempotencyKey: idempotencyKey), body: body)
                console.detail(
                    "POST \(endpoint.absoluteString) (\(body.count) bytes) "
                        + request.redactedHeaders.map { "\($0.name): \($0.value)" }.joined(separator: "; "))
                let response: HTTPResponse
                do throws(TransportError) {
                    response = try transport.send(request)
                } catch {
                    attempt.error = error.description
                    console.detail("→ \(error)")
                    if let ending = error.endingSendError { return .failure(DeliveryFailure(error: ending, httpStatus: nil, errors: [])) }
                    return .transient(error.description)
                }
                attempt.httpStatus = response.status
                attempt.retryAfterSeconds = response.retryAfterSeconds
                attempt.answer = AttemptRecord.answerText(response.body)
                console.detail("→ HTTP \(response.status)")
                switch Contract.submissionAnswer(response.status) {
                case .accepted:
                    return .success(Self.acceptance(response))
                case .tokenRefused where !refreshedAfter401:
                    attempt.error = "token refused (HTTP 401): fetching a new one"
                    refreshedAfter401 = true
                    tokens.invalidate(token)
                    return .again
                case .transient:
                    return .transient("HTTP \(response.status)")
                default:
                    let failure = failure(for: response)
                    attempt.error = failure.error.description
                    return .failure(failure)
                }
            }
        } catch let error as SendError {
            throw DeliveryFailure(error: error, httpStatus: nil, errors: [])
        } catch let exhausted as RetryLoop.Exhausted {
            let asked = exhausted.retryAfterSeconds.map { ", the DfE asked to wait \(secondsText($0)) s" } ?? ""
            throw DeliveryFailure(
                error: .gaveUp(
                    reason:
                        "the DfE did not accept the submission: \(exhausted.reason) after \(counted(exhausted.failures, "attempt"))\(asked)"
                ),
                httpStatus: exhausted.httpStatus, errors: [])
        }
    }

    /// Every header of the contract (docs/dfe-contract.md §2): the API's own, the body's type, and the
    /// Idempotency-Key, the same for every attempt of the same body, across runs.
    private func headers(token: Secret, idempotencyKey: String) -> [(name: String, value: String)] {
        Contract.apiHeaders(token: token, clientId: clientId, subscriptionKey: subscriptionKey) + [
            (name: "Content-Type", value: "application/json"), (name: "Idempotency-Key", value: "\"\(idempotencyKey)\""),
        ]
    }

    /// The reference and soft errors of a 2xx answer, with a note when the answer was empty, not JSON,
    /// had no reference or had fields of the wrong shape (what could be read is kept).
    /// A 2xx is accepted whatever its body says: the DfE has the figures, and refusing that would re-send them.
    static func acceptance(_ response: HTTPResponse) -> Acceptance {
        let answer = DfEAnswer(response.body)
        var notes: [String] = []
        if !answer.isJSON {
            notes.append(
                (response.body.isEmpty ? "the DfE's answer was empty" : "the DfE's answer was not JSON") + ": no submission reference")
        } else if answer.reference == nil {
            notes.append("the DfE's answer had no submission reference")
        }
        if !answer.oddities.isEmpty { notes.append("the DfE's answer was odd: " + answer.oddities.joined(separator: "; ")) }
        return Acceptance(
            httpStatus: response.status, reference: answer.reference, errors: answer.errors,
            note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    /// The error for an answer the contract says not to retry.
    /// Only the first three errors go into the message; all of them are recorded for `history show`.
    private func failure(for response: HTTPResponse) -> DeliveryFailure {
        let errors = DfEAnswer(response.body).errors
        let error: SendError
        switch Contract.submissionAnswer(response.status) {
        case .redirect:
            error = .redirected(url: endpoint.absoluteString, status: response.status, location: response.headers["location"].map(visible))
        case .tokenRefused: error = .unauthorised
        case .forbidden: error = .forbidden
        case .endpointWrong: error = .endpointWrong(status: response.status)
        case .retired: error = .retired
        case .rejected:
            let summary =
                errors.isEmpty
                ? (response.status == 413 ? "the body is too large" : "no reason given")
                : errors.prefix(3).map(\.summary).joined(separator: "; ") + (errors.count > 3 ? "; and \(errors.count - 3) more" : "")
            error = .rejected(status: response.status, summary: summary)
        case .accepted, .transient, .unexpected: error = .gaveUp(reason: "the DfE answered HTTP \(response.status)")
        }
        return DeliveryFailure(error: error, httpStatus: response.status, errors: errors)
    }
}

import Foundation

/// POSTs one body to the DfE and interprets the answer by `Contract.submissionAnswer`: retries transient
/// failures within the budget with the same bytes and the same Idempotency-Key, fetches one fresh token
/// after a 401, never follows a redirect.
package struct Submitter {
    package let endpoint: URL
    package let clientId: String
    package let subscriptionKey: Secret?
    package let transport: any HTTPTransport
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
    package func deliver(body: [UInt8], sha256: String, policy: RetryPolicy, record: (AttemptRecord) throws -> Void) throws -> Acceptance {
        var refreshedAfter401 = false
        let loop = RetryLoop(kind: .post, policy: policy, console: console)
        do {
            return try loop.run(record: record) { attempt -> RetryLoop.Outcome<Acceptance> in
                let token: Secret
                do {
                    token = try tokens.bearer(policy: policy, record: record)
                } catch let error as SendError {
                    throw DeliveryFailure(error: error, httpStatus: nil, errors: [])
                }
                let request = HTTPRequest(method: "POST", url: endpoint, headers: headers(token: token, sha256: sha256), body: body)
                console.detail(
                    "POST \(endpoint.absoluteString) (\(body.count) bytes) "
                        + request.redactedHeaders.map { "\($0.name): \($0.value)" }.joined(separator: "; "))
                let response: HTTPResponse
                do throws(TransportError) {
                    response = try transport.send(request)
                } catch {
                    attempt.error = error.description
                    console.detail("→ \(error)")
                    guard error.isRetryable else { return .failure(DeliveryFailure(error: .tls(error), httpStatus: nil, errors: [])) }
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
                    tokens.invalidate()
                    return .again
                case .transient:
                    return .transient("HTTP \(response.status)")
                default:
                    let failure = failure(for: response)
                    attempt.error = failure.error.description
                    return .failure(failure)
                }
            }
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

    /// Every header of the contract. The session id is new for each request.
    private func headers(token: Secret, sha256: String) -> [(name: String, value: String)] {
        var headers = [
            (name: "Authorization", value: "Bearer \(token.revealed)"),
            (name: "Content-Type", value: "application/json"),
            (name: "Accept", value: "application/json"),
            (name: "api-client-app-id", value: clientId),
            (name: "api-client-session-id", value: UUID().uuidString.lowercased()),
            (name: "Idempotency-Key", value: "\"\(sha256)\""),
        ]
        if let subscriptionKey { headers.append((name: "Ocp-Apim-Subscription-Key", value: subscriptionKey.revealed)) }
        return headers
    }

    /// The reference and soft errors of a 2xx answer, with a note when the answer was empty, not JSON,
    /// had no reference or had fields of the wrong shape (what could be read is kept).
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

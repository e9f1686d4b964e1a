import Foundation

/// One error or warning from the DfE's answer, as the contract gives it.
public struct DfEError: Codable, Sendable, Equatable {
    public var code: String?
    public var title: String?
    public var detail: String?
    public var path: String?

    public init(code: String?, title: String?, detail: String?, path: String?) {
        self.code = code
        self.title = title
        self.detail = detail
        self.path = path
    }

    /// `VAL104 Invalid code (ZZ) at $.submissionData[3]…`
    public var summary: String {
        [code, title, detail.map { "(\($0))" }, path.map { "at \($0)" }].compactMap { $0 }.joined(separator: " ")
    }
}

/// The DfE's answer body, 2xx or 4xx.
private struct Answer: Decodable {
    var submissionRef: String?
    var errors: [DfEError]?
}

/// The DfE's verdict on a submission that got an answer.
public struct Acceptance: Sendable, Equatable {
    public var httpStatus: Int
    public var reference: String?
    /// Soft errors: accepted with warnings.
    public var errors: [DfEError]
    /// Something odd about the answer itself (an empty or non-JSON body).
    public var note: String?
}

/// A failed delivery: why, the last HTTP status and any errors the DfE listed.
public struct DeliveryFailure: Error, Sendable {
    public var error: SendError
    public var httpStatus: Int?
    public var errors: [DfEError]
}

/// POSTs one body to the DfE and interprets the answer as the contract's table says: retries transient
/// failures within the budget with the same bytes and the same Idempotency-Key, fetches one fresh token
/// after a 401, never follows a redirect.
public struct Submitter {
    public let endpoint: URL
    public let clientId: String
    public let subscriptionKey: Secret?
    public let transport: any HTTPTransport
    public let tokens: TokenProvider
    public let console: Console

    public init(
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
    public func deliver(body: [UInt8], sha256: String, policy: RetryPolicy, record: (AttemptRecord) throws -> Void) throws -> Acceptance {
        var number = 0
        var failures = 0
        var repeatedAfter401 = false
        while true {
            let token: Secret
            do {
                token = try tokens.bearer(policy: policy, record: record)
            } catch let error as SendError {
                throw DeliveryFailure(error: error, httpStatus: nil, errors: [])
            }
            number += 1
            let request = HTTPRequest(method: "POST", url: endpoint, headers: headers(token: token, sha256: sha256), body: body)
            console.detail(
                "POST \(endpoint.absoluteString) (\(body.count) bytes) "
                    + request.redactedHeaders.map { "\($0.name): \($0.value)" }.joined(separator: "; "))
            let started = policy.now
            var attempt = AttemptRecord(kind: .post, number: number, startedAt: started, durationSeconds: 0)
            let retryReason: String
            do {
                let response = try transport.send(request)
                attempt.durationSeconds = policy.now.timeIntervalSince(started)
                attempt.httpStatus = response.status
                attempt.retryAfterSeconds = response.retryAfterSeconds
                console.detail("→ HTTP \(response.status) in \(Int(attempt.durationSeconds * 1000)) ms")
                switch response.status {
                case 200...299:
                    try record(attempt)
                    return Self.acceptance(response)
                case 401 where !repeatedAfter401:
                    attempt.error = "token refused (HTTP 401): fetching a new one"
                    try record(attempt)
                    repeatedAfter401 = true
                    tokens.invalidate()
                    continue
                case 408, 409, 429, 500, 502, 503, 504:
                    retryReason = "HTTP \(response.status)"
                default:
                    let failure = failure(for: response)
                    attempt.error = failure.error.description
                    try record(attempt)
                    throw failure
                }
            } catch let error as TransportError {
                attempt.durationSeconds = policy.now.timeIntervalSince(started)
                attempt.error = error.description
                console.detail("→ \(error)")
                guard error.isRetryable else {
                    try record(attempt)
                    throw DeliveryFailure(error: .tls(error), httpStatus: nil, errors: [])
                }
                retryReason = error.description
            }
            failures += 1
            let wait = policy.wait(afterFailures: failures, retryAfter: attempt.retryAfterSeconds)
            attempt.waitedSeconds = wait
            attempt.error = retryReason
            try record(attempt)
            guard let wait else {
                let asked = attempt.retryAfterSeconds.map { ", the DfE asked to wait \($0.formatted()) s" } ?? ""
                throw DeliveryFailure(
                    error: .gaveUp(
                        reason:
                            "the DfE did not accept the submission: \(retryReason) after \(failures) attempt\(failures == 1 ? "" : "s")\(asked)"
                    ),
                    httpStatus: attempt.httpStatus, errors: [])
            }
            console.detail("trying again in \(wait.formatted()) s")
            policy.sleep(wait)
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

    /// The reference and soft errors of a 2xx answer; an empty or non-JSON answer is accepted with a note.
    static func acceptance(_ response: HTTPResponse) -> Acceptance {
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.body)) else {
            let note = response.body.isEmpty ? "the DfE's answer was empty" : "the DfE's answer was not JSON"
            return Acceptance(httpStatus: response.status, reference: nil, errors: [], note: note + ": no submission reference")
        }
        return Acceptance(
            httpStatus: response.status, reference: answer.submissionRef, errors: answer.errors ?? [],
            note: answer.submissionRef == nil ? "the DfE's answer had no submission reference" : nil)
    }

    /// A status the contract says not to retry.
    private func failure(for response: HTTPResponse) -> DeliveryFailure {
        let errors = (try? JSONDecoder().decode(Answer.self, from: Data(response.body)))?.errors ?? []
        let error: SendError
        switch response.status {
        case 300...399: error = .redirected(url: endpoint.absoluteString, status: response.status, location: response.headers["location"])
        case 401: error = .unauthorised
        case 403: error = .forbidden
        case 404, 405: error = .endpointWrong(status: response.status)
        case 410: error = .retired
        case 400...499:
            let summary =
                errors.isEmpty
                ? (response.status == 413 ? "the body is too large" : "no reason given")
                : errors.prefix(3).map(\.summary).joined(separator: "; ") + (errors.count > 3 ? "; and \(errors.count - 3) more" : "")
            error = .rejected(status: response.status, summary: summary)
        default: error = .gaveUp(reason: "the DfE answered HTTP \(response.status)")
        }
        return DeliveryFailure(error: error, httpStatus: response.status, errors: errors)
    }
}

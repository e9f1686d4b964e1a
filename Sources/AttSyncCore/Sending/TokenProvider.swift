import Foundation

/// OAuth 2.0 client credentials (RFC 6749 §4.4): fetches a bearer token once per run, keeps it in memory
/// only, and fetches a new one shortly before it expires or when the DfE refuses it.
public final class TokenProvider {
    private let token: Configuration.Token
    private let secret: Secret
    private let transport: any HTTPTransport
    private let console: Console
    private var cached: (value: Secret, refreshAt: Date)?

    /// How many token requests this provider has made (for `--verbose` and tests).
    public private(set) var requests = 0

    public init(token: Configuration.Token, secret: Secret, transport: any HTTPTransport, console: Console) {
        self.token = token
        self.secret = secret
        self.transport = transport
        self.console = console
    }

    /// Forgets the cached token (after a 401).
    public func invalidate() { cached = nil }

    /// A valid token, fetched when there is none or it is about to expire. Transient failures are retried
    /// within `policy`.
    /// - Parameter record: called once per token request, for the attempts table.
    /// - Throws: `SendError` (`tokenRejected`, `tokenResponseInvalid`, `tls`, `redirected`, `gaveUp`).
    public func bearer(policy: RetryPolicy, record: (AttemptRecord) throws -> Void) throws -> Secret {
        if let cached, policy.now < cached.refreshAt { return cached.value }
        var failures = 0
        while true {
            let started = policy.now
            requests += 1
            var attempt = AttemptRecord(kind: .token, number: failures + 1, startedAt: started, durationSeconds: 0)
            let outcome: Result<HTTPResponse, TransportError>
            do {
                outcome = .success(try transport.send(request()))
            } catch {
                outcome = .failure(error)
            }
            attempt.durationSeconds = policy.now.timeIntervalSince(started)
            let retryable: String
            switch outcome {
            case .failure(let error):
                attempt.error = error.description
                guard error.isRetryable else {
                    try record(attempt)
                    throw SendError.tls(error)
                }
                retryable = error.description
            case .success(let response):
                attempt.httpStatus = response.status
                attempt.retryAfterSeconds = response.retryAfterSeconds
                do {
                    if let reason = try classify(response, started: started) {
                        retryable = reason
                    } else {
                        console.detail("token: HTTP \(response.status), fetched a new access token")
                        try record(attempt)
                        return cached!.value
                    }
                } catch let error as SendError {
                    if case .tokenRejected(_, let code, _) = error { attempt.error = code ?? "refused" }
                    if case .tokenResponseInvalid(let reason) = error { attempt.error = reason }
                    try record(attempt)
                    throw error
                }
                attempt.error = retryable
            }
            failures += 1
            let wait = policy.wait(afterFailures: failures, retryAfter: attempt.retryAfterSeconds)
            attempt.waitedSeconds = wait
            try record(attempt)
            guard let wait else {
                throw SendError.gaveUp(reason: "the token endpoint failed: \(retryable) (\(failures) attempt\(failures == 1 ? "" : "s"))")
            }
            console.detail("token: \(retryable); trying again in \(wait.formatted()) s")
            policy.sleep(wait)
        }
    }

    /// Caches the token from a 200, returns a reason to retry for a transient status, or throws.
    private func classify(_ response: HTTPResponse, started: Date) throws -> String? {
        switch response.status {
        case 200:
            let (value, lifetime) = try Self.parse(response.body)
            let skew = min(30, lifetime / 2)
            cached = (Secret(value), started.addingTimeInterval(lifetime - skew))
            return nil
        case 408, 429, 500...599:
            return "HTTP \(response.status)"
        case 300...399:
            throw SendError.redirected(url: token.url.absoluteString, status: response.status, location: response.headers["location"])
        default:
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
            throw SendError.tokenRejected(
                status: response.status, error: object?["error"] as? String, description: object?["error_description"] as? String)
        }
    }

    /// Strict parsing of a token response: `access_token`, `token_type` bearer, `expires_in` > 0 as a
    /// number or a numeric string. The reasons never quote the token.
    static func parse(_ body: [UInt8]) throws(SendError) -> (token: String, lifetime: Double) {
        struct Response: Decodable {
            var access_token: String?
            var token_type: String?
            var expires_in: Lifetime?
        }
        /// A number, or a string holding one (Azure AD has sent both); `true` is neither.
        struct Lifetime: Decodable {
            var seconds: Double?
            init(from decoder: any Decoder) throws {
                let value = try decoder.singleValueContainer()
                seconds = (try? value.decode(Double.self)) ?? (try? value.decode(String.self)).flatMap(Double.init)
            }
        }
        guard let response = try? JSONDecoder().decode(Response.self, from: Data(body)) else {
            throw .tokenResponseInvalid(reason: "not a JSON object")
        }
        guard let token = response.access_token, !token.isEmpty else { throw .tokenResponseInvalid(reason: "no access_token") }
        guard response.token_type?.lowercased() == "bearer" else { throw .tokenResponseInvalid(reason: "token_type is not Bearer") }
        guard let lifetime = response.expires_in?.seconds, lifetime.isFinite, lifetime > 0 else {
            throw .tokenResponseInvalid(reason: "expires_in is missing or not a positive number")
        }
        return (token, lifetime)
    }

    /// The token request, with the client authenticated as configured.
    private func request() -> HTTPRequest {
        var form = [("grant_type", "client_credentials")]
        if let scope = token.scope { form.append(("scope", scope)) }
        var headers = [(name: "Content-Type", value: "application/x-www-form-urlencoded"), (name: "Accept", value: "application/json")]
        switch token.authMethod {
        case .clientSecretPost:
            form += [("client_id", token.clientId), ("client_secret", secret.revealed)]
        case .clientSecretBasic:
            // RFC 6749 §2.3.1: form-urlencode each part, then Base64 the pair.
            let pair = formEncode(token.clientId) + ":" + formEncode(secret.revealed)
            headers.append((name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString()))
        }
        let body = form.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&")
        return HTTPRequest(method: "POST", url: token.url, headers: headers, body: Array(body.utf8))
    }
}

/// `application/x-www-form-urlencoded`: letters, digits and `*-._` as they are, space as `+`, every other
/// byte of the UTF-8 as `%XX`.
public func formEncode(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        case UInt8(ascii: " "):
            out += "+"
        default:
            out += String(format: "%%%02X", byte)
        }
    }
    return out
}

import Foundation

/// OAuth 2.0 client credentials (RFC 6749 §4.4): fetches a bearer token once per run, keeps it in memory
/// only, and fetches a new one shortly before it expires or when the DfE refuses it.
///
/// docs/dfe-contract.md §1. A class because the cached token is shared state: one provider serves every
/// school of the run, so a trust's run fetches one token, not one per school.
///
/// Safe to share between the workers of a trust's run: one lock covers the cache and the fetch, so while one
/// worker fetches (and retries) the others wait for its token rather than asking for their own, and a token
/// refused by the DfE is renewed once however many workers saw the refusal. Its transport is used only
/// under that lock.
package final class TokenProvider: @unchecked Sendable {
    private let token: Configuration.Token
    /// The client secret, resolved by `send`; it goes into the form or the Basic header and nowhere else.
    private let secret: Secret
    private let transport: any HTTPTransport
    private let console: Console
    /// The token and when to stop using it: `min(30 s, half its lifetime)` before it expires, so it is never
    /// presented at the edge of its validity. Memory only: never written to disk or printed.
    private var cached: (value: Secret, refreshAt: Date)?
    /// Guards `cached`, `unreachable` and `made`, and makes a fetch single-flight.
    private let lock = NSLock()
    private var made = 0
    /// Why a fetch of this run spent its retries without an answer: the sign-in service is the same for every
    /// school, so the schools after it fail at once (and are recorded so) instead of each spending its own
    /// retries on it. The next run asks again.
    private var unreachable: String?

    /// How the reason of an exhausted fetch (`SendError.gaveUp`) begins: `FailureKind` tells the sign-in
    /// service from the DfE's endpoint by it.
    static let exhaustedPrefix = "the token endpoint failed: "

    /// How many token requests this provider has made (for `--verbose` and tests).
    package var requests: Int { lock.withLock { made } }

    package init(token: Configuration.Token, secret: Secret, transport: any HTTPTransport, console: Console) {
        self.token = token
        self.secret = secret
        self.transport = transport
        self.console = console
    }

    /// Forgets the cached token (after a 401).
    package func invalidate() { lock.withLock { cached = nil } }

    /// Forgets the cached token if it is still `token` (the one the DfE refused): a worker that saw the
    /// refusal after another worker renewed it keeps the new one.
    package func invalidate(_ token: Secret) {
        lock.withLock { if cached?.value == token { cached = nil } }
    }

    /// A valid token, fetched when there is none or it is about to expire. Transient failures are retried
    /// within `policy`.
    /// - Parameter record: called once per token request, for the attempts table.
    /// - Throws: `SendError` (`tokenRejected`, `tokenResponseInvalid`, `tls`, `redirected`, `gaveUp`).
    package func bearer(policy: RetryPolicy, record: (AttemptRecord) throws -> Void) throws -> Secret {
        lock.lock()
        defer { lock.unlock() }
        // A cached token costs no request and no attempt record.
        if let cached, policy.now < cached.refreshAt { return cached.value }
        if let unreachable {
            throw SendError.gaveUp(reason: "\(unreachable), for an earlier school of this run; not asked again until the next run")
        }
        let loop = RetryLoop(kind: .token, policy: policy, console: console)
        do {
            return try loop.run(record: record) { attempt -> RetryLoop.Outcome<Secret> in
                made += 1
                // Expiry counts from when the request was sent, not answered: the safe side.
                let started = policy.now
                let response: HTTPResponse
                do throws(TransportError) {
                    response = try transport.send(request())
                } catch {
                    attempt.error = error.description
                    return error.endingSendError.map { .failure($0) } ?? .transient(error.description)
                }
                attempt.httpStatus = response.status
                attempt.retryAfterSeconds = response.retryAfterSeconds
                switch Contract.tokenAnswer(response.status) {
                case .token:
                    do throws(SendError) {
                        let (value, lifetime) = try Self.parse(response.body)
                        let token = Secret(value)
                        cached = (token, started.addingTimeInterval(lifetime - min(30, lifetime / 2)))
                        console.detail("token: HTTP \(response.status), fetched a new access token")
                        return .success(token)
                    } catch {
                        if case .tokenResponseInvalid(let reason) = error { attempt.error = reason }
                        return .failure(error)
                    }
                case .transient:
                    return .transient("HTTP \(response.status)")
                case .redirect:
                    return .failure(
                        SendError.redirected(
                            url: token.url.absoluteString, status: response.status, location: response.headers["location"].map(visible))
                    )
                // RFC 6749 §5.2: the error code (`invalid_client`…) is recorded as the attempt's problem; the body is not.
                case .refused:
                    let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
                    let code = (object?["error"] as? String).map(visible)
                    attempt.error = code ?? "refused"
                    return .failure(
                        SendError.tokenRejected(
                            status: response.status, error: code, description: (object?["error_description"] as? String).map(visible)))
                }
            }
        } catch let exhausted as RetryLoop.Exhausted {
            let reason = Self.exhaustedPrefix + "\(exhausted.reason) (\(counted(exhausted.failures, "attempt")))"
            unreachable = reason
            throw SendError.gaveUp(reason: reason)
        }
    }

    /// Strict parsing of a token response: `access_token`, `token_type` bearer, `expires_in` > 0 as a
    /// number or a numeric string. The reasons never quote the token.
    /// - Throws: `SendError.tokenResponseInvalid` with the reason.
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
        guard isBearerToken(token) else {
            throw .tokenResponseInvalid(reason: "access_token holds characters a bearer token may not (RFC 6750 b64token)")
        }
        guard response.token_type?.lowercased() == "bearer" else { throw .tokenResponseInvalid(reason: "token_type is not Bearer") }
        guard let lifetime = response.expires_in?.seconds, lifetime.isFinite, lifetime > 0 else {
            throw .tokenResponseInvalid(reason: "expires_in is missing or not a positive number")
        }
        return (token, lifetime)
    }

    /// The token request, with the client authenticated as configured.
    /// `client_secret_post` puts the secret in the form body, `client_secret_basic` in the `Authorization`
    /// header; the token request is never traced, even under `--verbose`.
    private func request() -> HTTPRequest {
        var form = [("grant_type", "client_credentials")]
        if let scope = token.scope { form.append(("scope", scope)) }
        var headers = [(name: "Content-Type", value: "application/x-www-form-urlencoded"), (name: "Accept", value: "application/json")]
        switch token.authMethod {
        case .clientSecretPost:
            form += [("client_id", token.clientId), ("client_secret", secret.revealed)]
        case .clientSecretBasic:
            // RFC 6749 §2.3.1: form-urlencode each part, then Base64 the pair. A space goes as %20, not +:
            // Authlib's server decodes + as a plus sign there, while every server tried decodes %20.
            let pair = basicEncode(token.clientId) + ":" + basicEncode(secret.revealed)
            headers.append((name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString()))
        }
        let body = form.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&")
        return HTTPRequest(method: "POST", url: token.url, headers: headers, body: Array(body.utf8))
    }
}

/// `application/x-www-form-urlencoded`: letters, digits and `*-._` as they are, space as `+`, every other
/// byte of the UTF-8 as `%XX`.
///
/// Stricter than RFC 3986's unreserved set (`~` is encoded too), as HTML's form encoding is; the token
/// endpoint decodes either. The form body uses it; `basicEncode` builds on it for the Basic header.
package func formEncode(_ text: String) -> String {
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

/// `formEncode` with a space as `%20`: for the two halves of a Basic credential.
func basicEncode(_ text: String) -> String {
    formEncode(text).replacingOccurrences(of: "+", with: "%20")
}

/// RFC 6750 §2.1 `b64token`: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. Anything else
/// (a line break, a NUL, a space) could add a header or cut the value short in `Authorization`.
func isBearerToken(_ token: String) -> Bool {
    let bytes = Array(token.utf8)
    let body = bytes.prefix { byte in
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            return true
        default: return false
        }
    }
    return !body.isEmpty && bytes.dropFirst(body.count).allSatisfy { $0 == UInt8(ascii: "=") }
}

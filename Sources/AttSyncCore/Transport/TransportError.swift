/// Why a request got no HTTP response.
///
/// Not an `AttSyncError`: the sending layer decides what it means. A retryable one becomes the reason of a
/// transient attempt; the others end the delivery as `SendError.tls`.
package enum TransportError: Error, Equatable, CustomStringConvertible {
    /// The server's certificate was refused (untrusted, expired, another host's) or TLS could not be agreed.
    /// Never retried, never downgraded.
    case tls(host: String, problem: String)
    /// The host name did not resolve.
    case nameNotResolved(host: String)
    /// No connection could be made (refused, unreachable, proxy down).
    case connectionFailed(host: String, detail: String)
    /// No complete answer within the timeout.
    /// `seconds` is the configured whole-request timeout.
    case timedOut(host: String, seconds: Double)
    /// The connection broke after the request may have been received: the outcome is unknown.
    case connectionLost(host: String, detail: String)
    /// The answer was larger than attsync accepts.
    case responseTooLarge(host: String, limit: Int)
    /// The URL is not one attsync may use (plain http to a non-loopback host).
    case refusedURL(url: String)
    /// SIGTERM or SIGINT stopped the transfer; whether the server took the request is not known.
    case interrupted(host: String, signal: String)
    /// Any other libcurl failure.
    /// `code` is libcurl's `CURLcode` number, for searching its documentation.
    case other(host: String, code: Int, detail: String)

    /// Worth another attempt with the same request.
    /// Everything but TLS, a refused URL and an interruption, including a lost connection: the DfE may have taken the body, and
    /// the same Idempotency-Key makes a repeat safe (docs/dfe-contract.md §4).
    package var isRetryable: Bool {
        switch self {
        case .tls, .refusedURL, .interrupted: return false
        default: return true
        }
    }

    package var description: String {
        switch self {
        case .tls(let host, let problem): return "TLS with \(host) failed: \(problem)"
        case .nameNotResolved(let host): return "name not resolved: \(host)"
        case .connectionFailed(let host, let detail): return "cannot connect to \(host): \(detail)"
        case .timedOut(let host, let seconds): return "no answer from \(host) within \(secondsText(seconds)) s"
        case .connectionLost(let host, let detail): return "connection to \(host) lost before the answer: \(detail)"
        case .responseTooLarge(let host, let limit): return "the answer from \(host) exceeded \(limit) bytes"
        case .refusedURL(let url): return "refusing \(url): plain http is allowed to loopback only"
        case .interrupted(let host, let signal): return "stopped by \(signal) while talking to \(host)"
        case .other(let host, let code, let detail): return "request to \(host) failed: \(detail) (libcurl code \(code))"
        }
    }
}

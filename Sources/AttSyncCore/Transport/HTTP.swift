import Foundation

/// One HTTP request. Header values may hold secrets: never print a request, print `redactedHeaders`.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: URL
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, url: URL, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// Headers whose values are credentials.
    static let secretHeaders: Set<String> = ["authorization", "ocp-apim-subscription-key"]

    /// The headers with credentials replaced, for `--verbose`.
    public var redactedHeaders: [(name: String, value: String)] {
        headers.map { (name: $0.name, value: Self.secretHeaders.contains($0.name.lowercased()) ? "<redacted>" : $0.value) }
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// One HTTP response, redirects never followed.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    /// Lower-cased names; a repeated header keeps its last value.
    public var headers: [String: String]
    public var body: [UInt8]
    /// Retry-After in seconds (from a number or an HTTP-date), nil when absent, unreadable or in the past.
    public var retryAfterSeconds: Double?

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], retryAfterSeconds: Double? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Sends one request and returns the response: the seam between sending logic and the network.
/// `CurlTransport` is the real one; tests of retry and token logic script their own.
public protocol HTTPTransport: AnyObject {
    func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse
}

/// Why a request got no HTTP response.
public enum TransportError: Error, Equatable, CustomStringConvertible {
    /// The server's certificate was refused (untrusted, expired, another host's) or TLS could not be agreed.
    /// Never retried, never downgraded.
    case tls(host: String, problem: String)
    /// The host name did not resolve.
    case nameNotResolved(host: String)
    /// No connection could be made (refused, unreachable, proxy down).
    case connectionFailed(host: String, detail: String)
    /// No complete answer within the timeout.
    case timedOut(host: String, seconds: Double)
    /// The connection broke after the request may have been received: the outcome is unknown.
    case connectionLost(host: String, detail: String)
    /// The answer was larger than attsync accepts.
    case responseTooLarge(host: String, limit: Int)
    /// The URL is not one attsync may use (plain http to a non-loopback host).
    case refusedURL(url: String)
    /// Any other libcurl failure.
    case other(host: String, code: Int, detail: String)

    /// Worth another attempt with the same request.
    public var isRetryable: Bool {
        switch self {
        case .tls, .refusedURL: return false
        default: return true
        }
    }

    public var description: String {
        switch self {
        case .tls(let host, let problem): return "TLS with \(host) failed: \(problem)"
        case .nameNotResolved(let host): return "name not resolved: \(host)"
        case .connectionFailed(let host, let detail): return "cannot connect to \(host): \(detail)"
        case .timedOut(let host, let seconds): return "no answer from \(host) within \(seconds.formatted()) s"
        case .connectionLost(let host, let detail): return "connection to \(host) lost before the answer: \(detail)"
        case .responseTooLarge(let host, let limit): return "the answer from \(host) exceeded \(limit) bytes"
        case .refusedURL(let url): return "refusing \(url): plain http is allowed to loopback only"
        case .other(let host, let code, let detail): return "request to \(host) failed: \(detail) (libcurl code \(code))"
        }
    }
}

/// 127.0.0.0/8, ::1 or localhost: the only hosts plain http may reach.
public func isLoopbackHost(_ host: String) -> Bool {
    let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
    if bare == "localhost" || bare == "::1" { return true }
    let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
    return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
}

extension Double {
    /// `2`, `0.5`, `1.25`: seconds for people, without trailing zeros.
    func formatted() -> String {
        self == rounded() ? String(Int(self)) : String(format: "%.3g", self)
    }
}

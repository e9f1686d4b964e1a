import Foundation

/// One HTTP request. Header values may hold secrets: never print a request, print `redactedHeaders`.
///
/// The input of the transport stage: `TokenProvider` and `Submitter` build them, an `HTTPTransport` sends them.
package struct HTTPRequest: Sendable {
    /// `POST` for the token and the submission; `CurlTransport` treats anything else as `GET`.
    package var method: String
    /// https, or http to a loopback address (for tests); `CurlTransport` refuses anything else.
    package var url: URL
    /// In order, names as the contract spells them; may hold credentials (see `secretHeaders`).
    package var headers: [(name: String, value: String)]
    /// The exact bytes to send; empty for a GET.
    package var body: [UInt8]

    package init(method: String, url: URL, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// Headers whose values are credentials.
    /// Lower-cased; compared case-insensitively, as HTTP header names are.
    static let secretHeaders: Set<String> = ["authorization", "ocp-apim-subscription-key"]

    /// The headers with credentials replaced, for `--verbose`.
    package var redactedHeaders: [(name: String, value: String)] {
        headers.map { (name: $0.name, value: Self.secretHeaders.contains($0.name.lowercased()) ? "<redacted>" : $0.value) }
    }

    /// The value of the first header named `name`, compared case-insensitively (the tests use it).
    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// One HTTP response, redirects never followed.
///
/// Only an answer with a status: a failure to get one is a `TransportError` instead.
package struct HTTPResponse: Sendable, Equatable {
    /// The final status: an interim `100 Continue` is never reported (`CurlTransport` disables `Expect`).
    package var status: Int
    /// Lower-cased names; a repeated header keeps its last value.
    package var headers: [String: String]
    /// At most `CurlTransport.responseLimit` bytes.
    package var body: [UInt8]
    /// Retry-After in seconds (from a number or an HTTP-date), nil when absent, unreadable or in the past.
    package var retryAfterSeconds: Double?

    package init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], retryAfterSeconds: Double? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Sends one request and returns the response: the seam between sending logic and the network.
/// `CurlTransport` is the real one; tests of retry and token logic script their own.
///
/// A class protocol because the real transport owns a libcurl handle and its error buffer across
/// requests; one instance serves the whole run, token requests and POSTs alike.
package protocol HTTPTransport: AnyObject {
    /// - Throws: `TransportError` when no HTTP answer came; any status, 4xx and 5xx included, is a response.
    func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse
}

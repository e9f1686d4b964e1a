import Foundation

/// One HTTP request. Header values may hold secrets: never print a request, print `redactedHeaders`.
package struct HTTPRequest: Sendable {
    package var method: String
    package var url: URL
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(method: String, url: URL, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// Headers whose values are credentials.
    static let secretHeaders: Set<String> = ["authorization", "ocp-apim-subscription-key"]

    /// The headers with credentials replaced, for `--verbose`.
    package var redactedHeaders: [(name: String, value: String)] {
        headers.map { (name: $0.name, value: Self.secretHeaders.contains($0.name.lowercased()) ? "<redacted>" : $0.value) }
    }

    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// One HTTP response, redirects never followed.
package struct HTTPResponse: Sendable, Equatable {
    package var status: Int
    /// Lower-cased names; a repeated header keeps its last value.
    package var headers: [String: String]
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
package protocol HTTPTransport: AnyObject {
    func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse
}

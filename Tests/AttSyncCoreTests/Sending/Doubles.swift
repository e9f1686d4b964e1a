import Foundation

@testable import AttSyncCore

/// A clock that only moves when slept on or told to: retry tests take milliseconds.
final class TestClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_795_000_000)
    private(set) var sleeps: [Double] = []

    func now() -> Date { lock.withLock { current } }

    func sleep(seconds: Double) {
        lock.withLock {
            sleeps.append(seconds)
            current = current.addingTimeInterval(seconds)
        }
    }

    func advance(_ seconds: Double) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

/// A transport that answers from a script, per path, and keeps every request.
final class ScriptedTransport: HTTPTransport {
    enum Step {
        case respond(Int, body: String = "", headers: [String: String] = [:], retryAfter: Double? = nil)
        case fail(TransportError)
    }

    private var scripts: [String: [Step]]
    private(set) var requests: [HTTPRequest] = []
    /// What a path answers once its script is used up.
    var fallback: [String: Step]

    init(_ scripts: [String: [Step]] = [:], fallback: [String: Step] = [:]) {
        self.scripts = scripts
        self.fallback = fallback
    }

    func requests(to path: String) -> [HTTPRequest] { requests.filter { $0.url.path == path } }

    func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        requests.append(request)
        let path = request.url.path
        let step: Step
        if var script = scripts[path], !script.isEmpty {
            step = script.removeFirst()
            scripts[path] = script
        } else if let fallback = fallback[path] {
            step = fallback
        } else {
            step = .respond(404)
        }
        switch step {
        case .respond(let status, let body, let headers, let retryAfter):
            return HTTPResponse(status: status, headers: headers, body: Array(body.utf8), retryAfterSeconds: retryAfter)
        case .fail(let error):
            throw error
        }
    }

    static let goodToken = Step.respond(200, body: #"{"token_type":"Bearer","expires_in":3599,"access_token":"tok-1"}"#)
}

enum SendingFixtures {
    static let tokenConfiguration = Configuration.Token(
        url: URL(string: "https://login.example/token")!, clientId: "attsync-client",
        clientSecret: .environment("UNUSED"), scope: "api://attendance/.default", authMethod: .clientSecretPost)

    static let retry = Configuration.Retry(attempts: 4, baseDelaySeconds: 2, maxDelaySeconds: 60, maxElapsedSeconds: 600)

    static func policy(_ clock: TestClock, retry: Configuration.Retry = retry, random: Double = 0.5) -> RetryPolicy {
        RetryPolicy(retry: retry, clock: clock, random: { random })
    }

    static func tokens(
        _ transport: ScriptedTransport, method: Configuration.AuthMethod = .clientSecretPost,
        clientId: String = "attsync-client", secret: String = "s3cret"
    ) -> TokenProvider {
        var configuration = tokenConfiguration
        configuration.authMethod = method
        configuration.clientId = clientId
        return TokenProvider(token: configuration, secret: Secret(secret), transport: transport, console: Console(quiet: true))
    }

    static func submitter(_ transport: ScriptedTransport, subscriptionKey: String? = "sub-key") -> Submitter {
        Submitter(
            endpoint: URL(string: "https://dfe.example/attendance/attendances")!, clientId: "attsync-client",
            subscriptionKey: subscriptionKey.map(Secret.init), transport: transport, tokens: tokens(transport),
            console: Console(quiet: true))
    }
}

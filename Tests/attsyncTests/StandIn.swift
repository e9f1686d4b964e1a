import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// The DfE stand-in (scripts/dfe_standin.py) on a loopback port, serving HTTPS with a certificate from a
/// throwaway CA made for this workspace, and the workspace configured to send to it.
final class StandIn {
    static let clientId = "attsync-test"
    static let secret = "s3cret: + % / = with spaces"
    static let subscriptionKey = "sub-key-7d1f0c"

    let workspace: Workspace
    let process: Process
    let port: Int
    let record: String

    /// Starts the stand-in and rewrites the workspace's configuration to send to it.
    /// - Parameters:
    ///   - settings: keys merged into the stand-in's configuration (faults, tokenLifetimeSeconds, …).
    ///   - certificate: which of make-test-certs.sh's leaf certificates the server presents.
    ///   - configuration: extra top-level keys of attsync's configuration (JSON text).
    ///   - schools: attsync's schools list (JSON text).
    init(
        _ workspace: Workspace, settings: [String: Any] = [:], certificate: String = "server", configuration: String = "",
        schools: String? = nil, http: Bool = false
    ) throws {
        self.workspace = workspace
        let certs = workspace.file("certs")
        if !FileManager.default.fileExists(atPath: certs + "/ca.pem") {
            let made = try runProcess("/bin/bash", [repositoryRoot + "/scripts/make-test-certs.sh", certs])
            guard made.status == 0 else { throw FixtureError(message: "make-test-certs.sh failed: \(made.stderr)") }
        }
        var standin: [String: Any] = [
            "clients": [Self.clientId: Self.secret], "subscriptionKey": Self.subscriptionKey,
            "scope": "api://attendance/.default", "knownUrns": ["100000", "100001"],
        ]
        standin.merge(settings) { $1 }
        try JSONSerialization.data(withJSONObject: standin).write(to: URL(fileURLWithPath: workspace.file("standin.json")))
        record = workspace.file("requests.jsonl")
        (process, port) = try launchServer(
            "dfe_standin.py",
            [
                "--cert", "\(certs)/\(certificate).pem", "--key", "\(certs)/\(certificate).key",
                "--config", workspace.file("standin.json"), "--record", record,
            ] + (http ? ["--http"] : []), portFile: workspace.file("standin.port"))
        try FileManager.default.createDirectory(atPath: workspace.file("secrets"), withIntermediateDirectories: true)
        try workspace.directory.write("secrets/subscription-key", Self.subscriptionKey + "\n", mode: 0o600)
        let base = "\(http ? "http" : "https")://localhost:\(port)"
        let dfe = dfeText(
            base: base, clientId: Self.clientId, secretVariable: "ATTSYNC_CLIENT_SECRET", scope: "api://attendance/.default",
            more: """
                "subscriptionKey": { "file": "secrets/subscription-key" }, "caBundle": "certs/ca.pem", "timeoutSeconds": 2,
                "retry": { "attempts": 3, "baseDelaySeconds": 0.01, "maxDelaySeconds": 0.05, "maxElapsedSeconds": 20 }
                """)
        try workspace.directory.write(
            "config.json",
            configurationText(
                extra: configuration, codes: sampleCodesText, dfe: dfe, schools: schools ?? oneSchoolText(name: "Sample Primary")))
    }

    deinit { stop() }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Every request received so far (the record file, one JSON object a line).
    func requests() -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: record, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    func requests(to path: String) -> [[String: Any]] { requests().filter { $0["path"] as? String == path } }

    /// The figures the stand-in holds: URN → date → elements.
    func store() -> [String: [String: Any]] {
        let data = (try? Data(contentsOf: URL(fileURLWithPath: record + ".store.json"))) ?? Data()
        return ((try? JSONSerialization.jsonObject(with: data)) as? [String: [String: Any]]) ?? [:]
    }

    /// Runs attsync in the workspace with the client secret in its environment.
    func attsync(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try workspace.run(arguments, environment: ["ATTSYNC_CLIENT_SECRET": Self.secret])
    }
}

extension Dictionary where Key == String, Value == Any {
    /// A header of a recorded request, by case-insensitive name.
    func header(_ name: String) -> String? {
        (self["headers"] as? [String: String])?.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// Starts one of the Python test servers of scripts/ (the stand-in, the Authlib server) and waits for the
/// port it writes to `portFile` once it listens.
func launchServer(_ script: String, _ arguments: [String], portFile: String) throws -> (Process, Int) {
    try? FileManager.default.removeItem(atPath: portFile)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", repositoryRoot + "/scripts/" + script] + arguments + ["--port-file", portFile]
    process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
    process.standardError = FileHandle(forWritingAtPath: "/dev/null")
    try process.run()
    for _ in 0..<400 {
        if let port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap({ Int($0) }) { return (process, port) }
        usleep(25_000)
    }
    process.terminate()
    throw FixtureError(message: "scripts/\(script) did not start (scripts/install-deps installs what it needs)")
}

/// What the suites that run attsync against the stand-in share.
protocol StandInSuite {}

extension StandInSuite {
    /// A workspace with a stand-in and consent given.
    func start(
        _ settings: [String: Any] = [:], configuration: String = "", schools: String? = nil, http: Bool = false,
        consent: Bool = true
    ) throws -> StandIn {
        let standin = try StandIn(try Workspace(), settings: settings, configuration: configuration, schools: schools, http: http)
        if consent {
            let given = try standin.attsync(["consent", "give", "--by", "Ann Head", "--all-schools"])
            #expect(given.status == 0, "\(given.stderr)")
        }
        return standin
    }

    func faults(token: [[String: Any]] = [], attendances: [[String: Any]] = []) -> [String: Any] {
        ["faults": ["token": token, "attendances": attendances]]
    }

    func send(_ standin: StandIn, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        try standin.attsync(["send", "--date", "2026-11-27"] + extra)
    }

    /// The days the state database records as accepted.
    func acceptedDays(_ standin: StandIn) throws -> Int {
        let store = try StateStore.open(directory: standin.workspace.file("state"))
        return try store.acceptedHistory(urn: "100000", timeZone: TimeZone(identifier: "Europe/London")!).acceptedDigests.count
    }
}

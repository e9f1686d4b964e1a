import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

/// attsync against a real OAuth 2.0 authorization server from PyPI (Authlib, started by
/// scripts/oauth_interop_server.py over TLS), not only against the stand-in written beside it. The POST
/// still goes to the stand-in, which refuses Authlib's token (401 twice, exit 78): what is checked is that
/// the token fetch itself succeeds with each client authentication method and a secret full of
/// characters that need encoding (spaces, `+`, `%`, `:`, `/`, `=`).
@Suite struct OAuthInteropTests: StandInSuite {
    /// The Authlib server, serving the stand-in's client and secret with the workspace's certificates.
    final class Authlib {
        let process: Process
        let port: Int

        init(_ workspace: Workspace) throws {
            let certs = workspace.file("certs")
            let config = workspace.file("authlib.json")
            try JSONSerialization.data(withJSONObject: [
                "clients": [StandIn.clientId: StandIn.secret], "scope": "api://attendance/.default",
            ])
            .write(to: URL(fileURLWithPath: config))
            (process, port) = try launchServer(
                "oauth_interop_server.py",
                ["--cert", certs + "/server.pem", "--key", certs + "/server.key", "--config", config],
                portFile: workspace.file("authlib.port"))
        }

        deinit {
            process.terminate()
            process.waitUntilExit()
        }
    }

    @Test(arguments: ["client_secret_post", "client_secret_basic"])
    func aTokenIsFetchedFromAuthlibWithEachClientAuthenticationMethod(method: String) throws {
        let standin = try start()
        defer { standin.workspace.remove() }
        let authlib = try Authlib(standin.workspace)
        let path = standin.workspace.file("config.json")
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "localhost:\(standin.port)/token", with: "localhost:\(authlib.port)/token")
            .replacingOccurrences(of: #""clientId""#, with: #""authMethod": "\#(method)", "clientId""#)
        try standin.workspace.directory.write("config.json", text)
        let result = try send(standin)
        #expect(result.status == 78 && result.stderr.contains("refused a freshly fetched token"), "\(result.stderr)")
        let show = try standin.attsync(["history", "show", "1", "--json"])
        let detail = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
        let tokens = (detail?["attempts"] as? [[String: Any]])?.filter { $0["kind"] as? String == "token" } ?? []
        #expect(tokens.count == 2 && tokens.allSatisfy { $0["httpStatus"] as? Int == 200 }, "\(tokens)")
        #expect(!show.stdout.contains(StandIn.secret))
    }
}

import Foundation
import TestSupport
import Testing

@testable import AttSyncCore

@Suite struct ConfigurationTests {
    func load(_ text: String, mode: Int = 0o644) throws -> Configuration {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        return try Configuration.load(path: directory.write("config.json", text, mode: mode))
    }

    func error(_ text: String, mode: Int = 0o644) -> ConfigurationError? {
        do {
            _ = try load(text, mode: mode)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func defaultsAreFilledInAndRelativePathsResolvedAgainstTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("etc/config.json", configurationJSON(source: "data/mis.sqlite"))
        let configuration = try Configuration.load(path: path)
        #expect(configuration.timeZone.identifier == "Europe/London")
        #expect(configuration.stateDirectory == directory.path + "/etc/state")
        #expect(configuration.schools[0].source.path == directory.path + "/etc/data/mis.sqlite")
        #expect(configuration.window == .init(schoolDays: 8, nonSchoolDays: [], catchUpSchoolDays: 20))
        #expect(configuration.codes == .init(map: [:], unknown: .fail))
        #expect(configuration.dfe.retry == Configuration.Defaults.retry)
        #expect(configuration.dfe.token.authMethod == .clientSecretPost)
        #expect(configuration.dfe.token.scope == "api://attendance/.default")
        #expect(configuration.dfe.subscriptionKey == nil && configuration.dfe.caBundle == nil)
        #expect(configuration.dfe.timeoutSeconds == 30)
    }

    @Test func theExampleConfigurationLoads() throws {
        let text = try String(contentsOfFile: repositoryRoot + "/config.example.json", encoding: .utf8)
        let configuration = try load(text)
        #expect(configuration.schools.count >= 1)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let key: String
        let fragment: String
        var testDescription: String { name }
    }

    static let invalidCases: [Case] = [
        Case(name: "unknown top-level key", text: configurationJSON(extra: #""schols": []"#), key: "schols", fragment: "unknown key"),
        Case(
            name: "typo in a nested key", text: configurationJSON(extra: #""window": {"schoolDay": 8}"#),
            key: "window.schoolDay", fragment: "did you mean \"schoolDays\""),
        Case(
            name: "wrong type", text: configurationJSON(extra: #""window": {"schoolDays": "8"}"#),
            key: "window.schoolDays", fragment: "expected a whole number"),
        Case(
            name: "fraction for a whole number", text: configurationJSON(extra: #""window": {"schoolDays": 8.5}"#),
            key: "window.schoolDays", fragment: "expected a whole number"),
        Case(
            name: "zero school days", text: configurationJSON(extra: #""window": {"schoolDays": 0}"#),
            key: "window.schoolDays", fragment: "from 1"),
        Case(
            name: "negative catch-up", text: configurationJSON(extra: #""window": {"catchUpSchoolDays": -1}"#),
            key: "window.catchUpSchoolDays", fragment: "from 0"),
        Case(
            name: "malformed non-school day", text: configurationJSON(extra: #""window": {"nonSchoolDays": ["2026-12-21", "21/12/2026"]}"#),
            key: "window.nonSchoolDays[1]", fragment: "YYYY-MM-DD"),
        Case(
            name: "unknown time zone", text: configurationJSON(extra: #""timeZone": "Europe/Londn""#),
            key: "timeZone", fragment: "unknown time zone"),
        Case(name: "unsupported version", text: configurationJSON(extra: #""version": 2"#), key: "version", fragment: "unsupported"),
        Case(
            name: "map to a code that is not national", text: configurationJSON(extra: #""codes": {"map": {"X01": "ZZ"}}"#),
            key: "codes.map.X01", fragment: "not a national attendance code"),
        Case(
            name: "bad unknown-code policy", text: configurationJSON(extra: #""codes": {"unknown": "ignore"}"#),
            key: "codes.unknown", fragment: "\"fail\" or \"skip\""),
        Case(
            name: "URN of five digits", text: configurationJSON(schools: #"[{"urn": "12345", "source": {"path": "a"}}]"#),
            key: "schools[0].urn", fragment: "exactly six digits"),
        Case(
            name: "URN with letters", text: configurationJSON(schools: #"[{"urn": "10000A", "source": {"path": "a"}}]"#),
            key: "schools[0].urn", fragment: "exactly six digits"),
        Case(
            name: "duplicate URNs",
            text: configurationJSON(schools: #"[{"urn": "100000", "source": {"path": "a"}}, {"urn": "100000", "source": {"path": "b"}}]"#),
            key: "schools[1].urn", fragment: "duplicate URN"),
        Case(name: "no schools", text: configurationJSON(schools: "[]"), key: "schools", fragment: "at least one"),
        Case(
            name: "URN with a fraction", text: configurationJSON(schools: #"[{"urn": 100000.5, "source": {"path": "a"}}]"#),
            key: "schools[0].urn", fragment: "whole number"),
        Case(
            name: "school without a source path", text: configurationJSON(schools: #"[{"urn": "100000", "source": {}}]"#),
            key: "schools[0].source.path", fragment: "missing"),
        Case(
            name: "unknown view",
            text: configurationJSON(schools: #"[{"urn": "100000", "source": {"path": "a", "views": {"marks": "SELECT 1"}}}]"#),
            key: "schools[0].source.views.marks", fragment: "unknown relation"),
        Case(
            name: "plain http endpoint",
            text: configurationJSON().replacingOccurrences(of: "https://127.0.0.1:9/attendances", with: "http://dfe.example/attendances"),
            key: "dfe.endpoint", fragment: "plain http:// is refused"),
        Case(
            name: "user info in the token URL",
            text: configurationJSON().replacingOccurrences(of: "https://127.0.0.1:9/token", with: "https://user:pass@login.example/token"),
            key: "dfe.token.url", fragment: "user name or password"),
        Case(
            name: "not a URL", text: configurationJSON().replacingOccurrences(of: "https://127.0.0.1:9/token", with: "login.example"),
            key: "dfe.token.url", fragment: "not a URL"),
        Case(
            name: "ftp URL", text: configurationJSON().replacingOccurrences(of: "https://127.0.0.1:9/token", with: "ftp://login.example/t"),
            key: "dfe.token.url", fragment: "not https"),
        Case(
            name: "zero timeout",
            text: configurationJSON().replacingOccurrences(of: #""endpoint""#, with: #""timeoutSeconds": 0, "endpoint""#),
            key: "dfe.timeoutSeconds", fragment: "greater than zero"),
        Case(
            name: "a timeout of more than a day",
            text: configurationJSON().replacingOccurrences(of: #""endpoint""#, with: #""timeoutSeconds": 1e19, "endpoint""#),
            key: "dfe.timeoutSeconds", fragment: "at most 86400"),
        Case(
            name: "a line break in the client id",
            text: configurationJSON().replacingOccurrences(of: #""attsync-client""#, with: #""attsync\r\nX-Evil: 1""#),
            key: "dfe.token.clientId", fragment: "control characters"),
        Case(
            name: "zero attempts",
            text: configurationJSON().replacingOccurrences(of: #""endpoint""#, with: #""retry": {"attempts": 0}, "endpoint""#),
            key: "dfe.retry.attempts", fragment: "at least 1"),
        Case(
            name: "missing CA bundle",
            text: configurationJSON().replacingOccurrences(of: #""endpoint""#, with: #""caBundle": "nope.pem", "endpoint""#),
            key: "dfe.caBundle", fragment: "does not exist"),
        Case(
            name: "bad auth method",
            text: configurationJSON().replacingOccurrences(of: #""clientId""#, with: #""authMethod": "basic", "clientId""#),
            key: "dfe.token.authMethod", fragment: "client_secret_basic"),
        Case(
            name: "secret object with both forms",
            text: configurationJSON().replacingOccurrences(of: #"{ "env": "ATTSYNC_TEST_SECRET" }"#, with: #"{ "env": "A", "file": "b" }"#),
            key: "dfe.token.clientSecret", fragment: "{\"env\": \"NAME\"} or {\"file\": \"PATH\"}"),
        Case(
            name: "missing endpoint",
            text: configurationJSON().replacingOccurrences(of: #""endpoint": "https://127.0.0.1:9/attendances","#, with: ""),
            key: "dfe.endpoint", fragment: "missing"),
    ]

    @Test(arguments: invalidCases)
    func invalidValuesNameTheKeyPath(_ testCase: Case) {
        let found = error(testCase.text)
        guard case .invalid(let key, let message)? = found else {
            Issue.record("expected an invalid-key error, got \(String(describing: found))")
            return
        }
        #expect(key == testCase.key)
        #expect(message.contains(testCase.fragment), "\(message)")
        #expect(ExitStatus(for: found!) == .configuration)
    }

    @Test func anInlineSecretIsRefusedWithHowToMoveIt() {
        let text = configurationJSON().replacingOccurrences(of: #"{ "env": "ATTSYNC_TEST_SECRET" }"#, with: #""hunter2""#)
        let found = error(text)
        #expect(found == .inlineSecret(key: "dfe.token.clientSecret"))
        #expect(found?.description.contains("{\"file\": \"PATH\"}") == true)
        #expect(found?.description.contains("hunter2") == false)
    }

    @Test(arguments: [
        ("", 1, 1, "empty"),
        ("{\n  \"version\": 1,\n  \"schools\": [1,,]\n}", 3, 17, "unexpected character ','"),
        ("{\n  \"version\": 1,\n}", 3, 1, "trailing comma"),
        ("{\"a\": 'x'}", 1, 7, "double quotes"),
        ("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate key"),
        ("{\"a\": 1", 1, 8, "end of file"),
        ("{\"a\": 01}", 1, 8, "expected ',' or '}'"),
        ("{\"endpoint\": 1,\n \"endpoin\\u0074\": 2}", 2, 2, "duplicate key \"endpoint\""),
        ("{\"a\": 1,\n \"b\": 1e400}", 2, 7, "number out of range"),
        ("{\"a\": \"x\\ud800y\"}", 1, 9, "lone surrogate"),
        ("{\"a\": \"x\\udc00\"}", 1, 9, "lone surrogate"),
        ("{\"a\": \"\\ud83d\\ude00\", \"a\": 1}", 1, 23, "duplicate key \"a\""),
        ("\u{FEFF}{\"a\": 1}", 1, 1, "byte-order mark"),
    ])
    func syntaxErrorsGiveLineAndColumn(text: String, line: Int, column: Int, fragment: String) {
        guard case .syntax(_, let foundLine, let foundColumn, let message)? = error(text) else {
            Issue.record("expected a syntax error, got \(String(describing: error(text)))")
            return
        }
        #expect((foundLine, foundColumn) == (line, column))
        #expect(message.contains(fragment), "\(message)")
    }

    @Test func aCABundleThatCannotBeReadSaysWhyNotThatItHoldsNoCertificate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        mkdir(directory.file("ca.pem"), 0o700)  // unreadable as a file, even for root
        let text = configurationJSON().replacingOccurrences(of: #""endpoint""#, with: #""caBundle": "ca.pem", "endpoint""#)
        #expect(throws: ConfigurationError.invalid(key: "dfe.caBundle", message: "cannot read \(directory.file("ca.pem")): Is a directory"))
        {
            try Configuration.load(path: directory.write("config.json", text))
        }
    }

    @Test func invalidUTF8IsASyntaxErrorWithItsPosition() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("config.json")
        try Data(Array("{\n  \"a\": \"caf".utf8) + [0xE9] + Array("\"}".utf8)).write(to: URL(fileURLWithPath: path))
        #expect(
            throws: ConfigurationError.syntax(path: path, line: 2, column: 12, message: "invalid UTF-8 (byte 0xE9); save the file as UTF-8")
        ) {
            try Configuration.load(path: path)
        }
    }

    @Test func missingDirectoryAndFifoAreRefusedWithoutHanging() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: ConfigurationError.self) { try Configuration.load(path: directory.file("missing.json")) }
        #expect(throws: ConfigurationError.unreadable(path: directory.path, reason: "not a regular file")) {
            try Configuration.load(path: directory.path)
        }
        mkfifo(directory.file("fifo"), 0o600)
        #expect(throws: ConfigurationError.unreadable(path: directory.file("fifo"), reason: "not a regular file")) {
            try Configuration.load(path: directory.file("fifo"))
        }
    }

    @Test func aConfigurationWritableByOthersIsRefused() {
        let found = error(configurationJSON(), mode: 0o666)
        guard case .looseConfigPermissions? = found else { Issue.record("got \(String(describing: found))"); return }
        #expect(ExitStatus(for: found!) == .noPermission)
    }

    @Test func httpIsAllowedToLoopbackOnly() throws {
        for host in ["127.0.0.1:8080", "localhost", "[::1]:8443", "127.8.9.10"] {
            let text = configurationJSON().replacingOccurrences(of: "https://127.0.0.1:9/attendances", with: "http://\(host)/attendances")
            #expect(try load(text).dfe.endpoint.absoluteString == "http://\(host)/attendances")
        }
        let remote = configurationJSON().replacingOccurrences(of: "https://127.0.0.1:9/attendances", with: "http://128.0.0.1/attendances")
        #expect(error(remote) != nil)
    }

    @Test func aCABundleMustHoldACertificate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("ca.pem", "not a certificate\n")
        let text = configurationJSON().replacingOccurrences(of: #""endpoint""#, with: #""caBundle": "ca.pem", "endpoint""#)
        #expect(
            throws: ConfigurationError.invalid(
                key: "dfe.caBundle", message: "\(directory.file("ca.pem")) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        ) {
            try Configuration.load(path: directory.write("config.json", text))
        }
    }

    @Test func secretsResolveFromEnvironmentOrAProtectedFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = "dfe.token.clientSecret"
        #expect(try SecretReference.environment("S").resolve(key: key, environment: ["S": " s3cret\n"]).revealed == "s3cret")
        #expect(throws: ConfigurationError.secretEnvironmentMissing(key: key, variable: "S")) {
            try SecretReference.environment("S").resolve(key: key, environment: [:])
        }
        #expect(throws: ConfigurationError.secretEnvironmentMissing(key: key, variable: "S")) {
            try SecretReference.environment("S").resolve(key: key, environment: ["S": ""])
        }
        let good = try directory.write("secret", "file-secret\n", mode: 0o600)
        #expect(try SecretReference.file(good).resolve(key: key, environment: [:]).revealed == "file-secret")
        let loose = try directory.write("loose", "file-secret\n", mode: 0o644)
        #expect(throws: ConfigurationError.looseSecretPermissions(key: key, path: loose, mode: 0o644)) {
            try SecretReference.file(loose).resolve(key: key, environment: [:])
        }
        #expect(ExitStatus(for: ConfigurationError.looseSecretPermissions(key: key, path: loose, mode: 0o644)) == .noPermission)
        let empty = try directory.write("empty", "\n", mode: 0o600)
        #expect(throws: ConfigurationError.secretFileUnreadable(key: key, path: empty, reason: "the file is empty")) {
            try SecretReference.file(empty).resolve(key: key, environment: [:])
        }
        #expect(throws: ConfigurationError.self) {
            try SecretReference.file(directory.file("missing")).resolve(key: key, environment: [:])
        }
        #expect("\(Secret("s3cret"))" == "<redacted>")
    }

    @Test(arguments: [
        ("key\nX-Injected: 1\n", "a line break (only one line is allowed)"), ("a\u{0}b", "a control character (U+0000)"),
        ("a\u{1B}[2Jb", "a control character (U+001B)"),
    ])
    func secretsWithControlCharactersAreRefusedNamingTheFile(value: String, problem: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = "dfe.subscriptionKey"
        let path = try directory.write("key", value, mode: 0o600)
        #expect(throws: ConfigurationError.secretMalformed(key: key, source: "the secret file \(path)", problem: "it holds \(problem)")) {
            try SecretReference.file(path).resolve(key: key, environment: [:])
        }
        #expect(throws: ConfigurationError.secretMalformed(key: key, source: "the environment variable K", problem: "it holds \(problem)"))
        {
            try SecretReference.environment("K").resolve(key: key, environment: ["K": value])
        }
    }

    @Test func aSecretThatIsNotUTF8IsRefusedNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("secret")
        try Data([0x73, 0xFF, 0x65]).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        let found = #expect(throws: ConfigurationError.self) {
            try SecretReference.file(path).resolve(key: "dfe.token.clientSecret", environment: [:])
        }
        #expect(
            found == .secretMalformed(key: "dfe.token.clientSecret", source: "the secret file \(path)", problem: "it is not UTF-8 text"))
        #expect(ExitStatus(for: found!) == .configuration)
    }
}

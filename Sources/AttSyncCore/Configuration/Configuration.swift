import Foundation

/// The configuration file, version 1: every key, its default, and the checks on its value.
///
/// Decoding is strict: unknown keys are errors (a typo must not be silently ignored), and every error
/// names the key path. Relative paths are resolved against the configuration file's directory, passed
/// in `userInfo[.configurationDirectory]`, so cron's working directory never matters.
public struct Configuration: Sendable, Equatable {
    public var version: Int
    public var timeZone: TimeZone
    public var stateDirectory: String
    public var window: Window
    public var codes: Codes
    public var dfe: DfE
    public var schools: [School]

    /// Every default, in one place.
    public enum Defaults {
        public static let version = 1
        public static let timeZone = "Europe/London"
        public static let stateDirectory = "state"
        public static let schoolDays = 8
        public static let catchUpSchoolDays = 20
        public static let unknownCodes = UnknownCodePolicy.fail
        public static let authMethod = AuthMethod.clientSecretPost
        public static let scope = "api://attendance/.default"
        public static let timeoutSeconds = 30.0
        public static let retry = Retry(attempts: 5, baseDelaySeconds: 2, maxDelaySeconds: 60, maxElapsedSeconds: 600)
    }

    /// Which days a run covers.
    public struct Window: Sendable, Equatable {
        /// The run date plus this many minus one school days before it.
        public var schoolDays: Int
        /// Weekdays that are not school days (bank holidays, INSET days, holidays).
        public var nonSchoolDays: Set<Day>
        /// At most this many never-accepted school days before the window are added; 0 turns catch-up off.
        public var catchUpSchoolDays: Int

        public var calendar: SchoolCalendar { SchoolCalendar(nonSchoolDays: nonSchoolDays) }
    }

    /// What to do with a code that is not national on its date, after mapping.
    public enum UnknownCodePolicy: String, Sendable, Equatable, Decodable {
        /// Stop the run (exit 65) listing every unknown code.
        case fail
        /// Leave those marks out and report them.
        case skip
    }

    /// Local sub-codes and the policy for codes that are not national.
    public struct Codes: Sendable, Equatable {
        /// Local code → national code, applied before validation.
        public var map: [String: String]
        public var unknown: UnknownCodePolicy
    }

    /// How the client authenticates to the token endpoint.
    public enum AuthMethod: String, Sendable, Equatable, Decodable {
        case clientSecretPost = "client_secret_post"
        case clientSecretBasic = "client_secret_basic"
    }

    /// The OAuth 2.0 client-credentials token endpoint.
    public struct Token: Sendable, Equatable {
        public var url: URL
        public var clientId: String
        public var clientSecret: SecretReference
        /// nil: no scope parameter.
        public var scope: String?
        public var authMethod: AuthMethod
    }

    /// Retry budget for transient failures.
    public struct Retry: Sendable, Equatable {
        /// Attempts in all, the first included.
        public var attempts: Int
        public var baseDelaySeconds: Double
        public var maxDelaySeconds: Double
        /// No new attempt starts, and no wait is begun, past this many seconds from the first attempt.
        public var maxElapsedSeconds: Double
    }

    /// The DfE service and how to reach it.
    public struct DfE: Sendable, Equatable {
        public var endpoint: URL
        public var token: Token
        public var subscriptionKey: SecretReference?
        /// A PEM file of extra trusted roots.
        public var caBundle: String?
        public var timeoutSeconds: Double
        public var retry: Retry
    }

    /// The MIS copy of one school.
    public struct Source: Sendable, Equatable {
        public var path: String
        /// Canonical relation name → SELECT, created as TEMP views.
        public var views: [String: String]
    }

    public struct School: Sendable, Equatable {
        /// Six-digit Unique Reference Number.
        public var urn: String
        /// For people; may be empty.
        public var name: String
        public var source: Source

        /// `Example Academy (URN 100000)`, or `URN 100000` without a name.
        public var displayName: String { name.isEmpty ? "URN \(urn)" : "\(name) (URN \(urn))" }
    }

    /// The canonical relations a view may define.
    public static let canonicalRelations = ["attendance_marks", "enrolments"]
}

extension CodingUserInfoKey {
    /// The directory relative paths are resolved against (a `String`).
    public static let configurationDirectory = CodingUserInfoKey(rawValue: "attsync.configurationDirectory")!
}

extension Configuration: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try ConfigObject(
            decoder,
            keys: [
                "version", "timeZone", "stateDirectory", "window", "codes", "dfe", "schools",
            ])
        version = try object.integer("version") ?? Defaults.version
        guard version == Defaults.version else {
            throw object.invalid("version", "unsupported version \(version): this attsync reads version \(Defaults.version)")
        }
        let zoneName: String = try object.optional("timeZone") ?? Defaults.timeZone
        guard let zone = TimeZone(identifier: zoneName) else {
            throw object.invalid("timeZone", "unknown time zone \"\(zoneName)\": use an IANA name such as Europe/London")
        }
        timeZone = zone
        stateDirectory = try object.path("stateDirectory") ?? object.resolve(Defaults.stateDirectory)
        window =
            try object.optional("window")
            ?? Window(
                schoolDays: Defaults.schoolDays, nonSchoolDays: [], catchUpSchoolDays: Defaults.catchUpSchoolDays)
        codes = try object.optional("codes") ?? Codes(map: [:], unknown: Defaults.unknownCodes)
        dfe = try object.required("dfe")
        schools = try object.required("schools")
        guard !schools.isEmpty else { throw object.invalid("schools", "at least one school is required") }
        var seen: [String: Int] = [:]
        for (index, school) in schools.enumerated() {
            if let first = seen[school.urn] {
                throw ConfigurationError.invalid(
                    key: object.keyPath("schools") + "[\(index)].urn",
                    message: "duplicate URN \(school.urn) (also schools[\(first)])")
            }
            seen[school.urn] = index
        }
    }
}

extension Configuration.Window: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try ConfigObject(decoder, keys: ["schoolDays", "nonSchoolDays", "catchUpSchoolDays"])
        schoolDays = try object.integer("schoolDays") ?? Configuration.Defaults.schoolDays
        guard (1...366).contains(schoolDays) else {
            throw object.invalid("schoolDays", "must be a whole number from 1 to 366, not \(schoolDays)")
        }
        catchUpSchoolDays = try object.integer("catchUpSchoolDays") ?? Configuration.Defaults.catchUpSchoolDays
        guard (0...366).contains(catchUpSchoolDays) else {
            throw object.invalid("catchUpSchoolDays", "must be a whole number from 0 (off) to 366, not \(catchUpSchoolDays)")
        }
        let texts: [String] = try object.optional("nonSchoolDays") ?? []
        nonSchoolDays = []
        for (index, text) in texts.enumerated() {
            guard let day = Day(iso: text) else {
                throw ConfigurationError.invalid(
                    key: object.keyPath("nonSchoolDays") + "[\(index)]",
                    message: "\"\(text)\" is not a real date in YYYY-MM-DD form")
            }
            nonSchoolDays.insert(day)
        }
    }
}

extension Configuration.Codes: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try ConfigObject(decoder, keys: ["map", "unknown"])
        map = try object.optional("map") ?? [:]
        for (local, national) in map.sorted(by: { $0.key < $1.key }) {
            guard !local.isEmpty else { throw object.invalid("map", "an empty code cannot be mapped") }
            guard Catalogue.isNationalCode(national) else {
                throw ConfigurationError.invalid(
                    key: object.keyPath("map") + "." + local,
                    message:
                        "\"\(national)\" is not a national attendance code; map \(local) to one of the codes in docs/attendance-codes.md")
            }
        }
        let policy: String = try object.optional("unknown") ?? Configuration.Defaults.unknownCodes.rawValue
        guard let parsed = Configuration.UnknownCodePolicy(rawValue: policy) else {
            throw object.invalid("unknown", "must be \"fail\" or \"skip\", not \"\(policy)\"")
        }
        unknown = parsed
    }
}

extension Configuration.Token: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try ConfigObject(decoder, keys: ["url", "clientId", "clientSecret", "scope", "authMethod"])
        url = try object.url("url")
        clientId = try object.required("clientId")
        guard !clientId.isEmpty, !clientId.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true }) else {
            throw object.invalid("clientId", "must not be empty or hold control characters")
        }
        clientSecret = try object.required("clientSecret")
        // An empty scope sends none.
        let scope: String = try object.optional("scope") ?? Configuration.Defaults.scope
        self.scope = scope.isEmpty ? nil : scope
        let method: String = try object.optional("authMethod") ?? Configuration.Defaults.authMethod.rawValue
        guard let parsed = Configuration.AuthMethod(rawValue: method) else {
            throw object.invalid("authMethod", "must be \"client_secret_post\" or \"client_secret_basic\", not \"\(method)\"")
        }
        authMethod = parsed
    }
}

extension Configuration.Retry: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try ConfigObject(decoder, keys: ["attempts", "baseDelaySeconds", "maxDelaySeconds", "maxElapsedSeconds"])
        let defaults = Configuration.Defaults.retry
        attempts = try object.integer("attempts") ?? defaults.attempts
        guard attempts >= 1 else { throw object.invalid("attempts", "must be at least 1, not \(attempts)") }
        baseDelaySeconds = try object.positive("baseDelaySeconds") ?? defaults.baseDelaySeconds
        maxDelaySeconds = try object.positive("maxDelaySeconds") ?? defaults.maxDelaySeconds
        maxElapsedSeconds = try object.positive("maxElapsedSeconds") ?? defaults.maxElapsedSeconds
        guard maxDelaySeconds >= baseDelaySeconds else {
            throw object.invalid("maxDelaySeconds", "must not be less than baseDelaySeconds")
        }
    }
}

extension Configuration.DfE: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try ConfigObject(
            decoder,
            keys: [
                "endpoint", "token", "subscriptionKey", "caBundle", "timeoutSeconds", "retry",
            ])
        endpoint = try object.url("endpoint")
        token = try object.required("token")
        subscriptionKey = try object.optional("subscriptionKey")
        caBundle = try object.path("caBundle")
        if let caBundle {
            let text = (try? String(contentsOfFile: caBundle, encoding: .utf8)) ?? ""
            guard text.contains("-----BEGIN CERTIFICATE-----") else {
                throw object.invalid(
                    "caBundle",
                    FileManager.default.fileExists(atPath: caBundle)
                        ? "\(caBundle) holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
                        : "\(caBundle) does not exist")
            }
        }
        timeoutSeconds = try object.positive("timeoutSeconds") ?? Configuration.Defaults.timeoutSeconds
        retry = try object.optional("retry") ?? Configuration.Defaults.retry
    }
}

extension Configuration.Source: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try ConfigObject(decoder, keys: ["path", "views"])
        guard let path = try object.path("path") else { throw object.missing("path") }
        self.path = path
        views = try object.optional("views") ?? [:]
        for name in views.keys.sorted() where !Configuration.canonicalRelations.contains(name) {
            throw ConfigurationError.invalid(
                key: object.keyPath("views") + "." + name,
                message: "unknown relation; views define \(Configuration.canonicalRelations.joined(separator: " and "))")
        }
    }
}

extension Configuration.School: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try ConfigObject(decoder, keys: ["urn", "name", "source"])
        let urn: String
        if let number = try? object.integer("urn") {
            urn = String(number)
        } else {
            guard let text: String = try object.optional("urn") else { throw object.missing("urn") }
            urn = text
        }
        guard urn.count == 6, urn.allSatisfy({ $0.isASCII && $0.isNumber }), urn.first != "0" else {
            throw object.invalid("urn", "\"\(urn)\" is not a URN: a URN is exactly six digits, 100000 to 999999")
        }
        self.urn = urn
        name = try object.optional("name") ?? ""
        source = try object.required("source")
    }
}

extension SecretReference: Decodable {
    public init(from decoder: any Decoder) throws {
        if (try? decoder.singleValueContainer().decode(String.self)) != nil {
            throw ConfigurationError.inlineSecret(key: ConfigObject.keyPath(decoder.codingPath))
        }
        let object = try ConfigObject(decoder, keys: ["env", "file"])
        let env: String? = try object.optional("env")
        let file = try object.path("file")
        switch (env, file) {
        case (let name?, nil) where !name.isEmpty: self = .environment(name)
        case (nil, let path?): self = .file(path)
        default:
            throw ConfigurationError.invalid(
                key: ConfigObject.keyPath(decoder.codingPath),
                message: "a secret is {\"env\": \"NAME\"} or {\"file\": \"PATH\"}")
        }
    }
}

/// A JSON object of the configuration, read key by key with errors that name the key path.
struct ConfigObject {
    private let container: KeyedDecodingContainer<Key>
    private let codingPath: [any CodingKey]
    private let directory: String

    struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// Opens the object at `decoder` and refuses any key not in `keys`.
    init(_ decoder: any Decoder, keys: [String]) throws {
        codingPath = decoder.codingPath
        directory = decoder.userInfo[.configurationDirectory] as? String ?? FileManager.default.currentDirectoryPath
        do {
            container = try decoder.container(keyedBy: Key.self)
        } catch {
            throw ConfigurationError.invalid(key: Self.keyPath(codingPath), message: "expected an object {…}")
        }
        for key in container.allKeys where !keys.contains(key.stringValue) {
            let suggestion =
                keys.first { editDistance($0.lowercased(), key.stringValue.lowercased()) <= 2 }
                .map { "did you mean \"\($0)\"?" } ?? "known keys: \(keys.joined(separator: ", "))"
            throw ConfigurationError.invalid(key: keyPath(key.stringValue), message: "unknown key; \(suggestion)")
        }
    }

    func keyPath(_ key: String) -> String { Self.keyPath(codingPath + [Key(stringValue: key)]) }

    static func keyPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "(top level)" : text
    }

    func invalid(_ key: String, _ message: String) -> ConfigurationError {
        .invalid(key: keyPath(key), message: message)
    }

    func missing(_ key: String) -> ConfigurationError { invalid(key, "required key is missing") }

    func optional<T: Decodable>(_ key: String) throws -> T? {
        try container.decodeIfPresent(T.self, forKey: Key(stringValue: key))
    }

    func required<T: Decodable>(_ key: String) throws -> T {
        guard let value: T = try optional(key) else { throw missing(key) }
        return value
    }

    /// A whole number (JSONDecoder reports a fraction for an `Int` without saying where).
    func integer(_ key: String) throws -> Int? {
        let found: Double?
        do { found = try optional(key) } catch DecodingError.typeMismatch { throw invalid(key, "expected a whole number") }
        guard let value = found else { return nil }
        guard value.rounded() == value, abs(value) < 1e15 else { throw invalid(key, "expected a whole number, not \(value)") }
        return Int(value)
    }

    /// A number of seconds greater than zero and at most a day.
    func positive(_ key: String) throws -> Double? {
        guard let value: Double = try optional(key) else { return nil }
        guard value > 0, value <= 86_400 else { throw invalid(key, "must be greater than zero and at most 86400 (a day), not \(value)") }
        return value
    }

    /// A file path, resolved against the configuration's directory.
    func path(_ key: String) throws -> String? {
        guard let text: String = try optional(key) else { return nil }
        guard !text.isEmpty else { throw invalid(key, "must not be empty") }
        return resolve(text)
    }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).standardizedFileURL.path
    }

    /// An `https://` URL without user info; `http://` only to a loopback address.
    func url(_ key: String) throws -> URL {
        let text: String = try required(key)
        guard let parts = URLComponents(string: text), let url = parts.url, let scheme = parts.scheme?.lowercased(),
            let host = parts.host, !host.isEmpty
        else { throw invalid(key, "\"\(text)\" is not a URL") }
        guard parts.user == nil, parts.password == nil else {
            throw invalid(key, "user name or password in the URL is refused; credentials belong in dfe.token")
        }
        switch scheme {
        case "https": break
        case "http" where isLoopbackHost(host): break
        case "http": throw invalid(key, "plain http:// is refused (only loopback may use it); use https://")
        default: throw invalid(key, "\"\(scheme)\" is not https://")
        }
        return url
    }

}

/// Levenshtein distance, to suggest the key a typo meant.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
        var current = [i + 1]
        for (j, y) in b.enumerated() {
            current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
        }
        previous = current
    }
    return previous[b.count]
}

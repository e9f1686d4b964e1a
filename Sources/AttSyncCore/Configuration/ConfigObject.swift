import Foundation

/// A JSON object of the configuration, read key by key with errors that name the key path.
///
/// Every `Decodable` init of the configuration model opens one with its allowed keys, so the refusal of
/// unknown keys and the "`dfe.token.url`: …" form of messages (habit 4) live here and nowhere else.
struct ConfigObject {
    private let container: KeyedDecodingContainer<Key>
    /// Where this object sits (`schools[0].source`), to build key paths.
    private let codingPath: [any CodingKey]
    /// The configuration file's directory (`userInfo[.configurationDirectory]`) for relative paths; the
    /// working directory only when decoding without it, as some tests do.
    private let directory: String

    /// Any string key, so that the keys present can be listed and unknown ones refused; synthesised
    /// `CodingKeys` would skip them silently.
    struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// Opens the object at `decoder` and refuses any key not in `keys`.
    /// - Throws: `ConfigurationError.invalid` when the value is not an object, or for the first unknown key,
    ///   suggesting a known key within edit distance 2 (case ignored) or else listing them all.
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

    /// The full path of `key` in this object, for messages: `dfe.retry.attempts`.
    func keyPath(_ key: String) -> String { Self.keyPath(codingPath + [Key(stringValue: key)]) }

    /// `schools[1].source.path`: indices in brackets, `(top level)` for the root.
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

    /// The value of `key`, nil when absent or `null`.
    /// - Throws: `DecodingError` for a value of the wrong type (`Configuration.load` words it), or the
    ///   `ConfigurationError` of a nested object's own init.
    func optional<T: Decodable>(_ key: String) throws -> T? {
        try container.decodeIfPresent(T.self, forKey: Key(stringValue: key))
    }

    /// - Throws: `ConfigurationError` "required key is missing" when absent or `null`, or as `optional`.
    func required<T: Decodable>(_ key: String) throws -> T {
        guard let value: T = try optional(key) else { throw missing(key) }
        return value
    }

    /// A whole number (JSONDecoder reports a fraction for an `Int` without saying where).
    /// Decoded as a Double so that `5.0` passes and `5.5` is refused naming the key. Magnitudes from 10^15 up
    /// are refused too: they are typos, and converting a huge Double to Int would trap.
    func integer(_ key: String) throws -> Int? {
        let found: Double?
        do { found = try optional(key) } catch DecodingError.typeMismatch { throw invalid(key, "expected a whole number") }
        guard let value = found else { return nil }
        guard value.rounded() == value, abs(value) < 1e15 else { throw invalid(key, "expected a whole number, not \(value)") }
        return Int(value)
    }

    /// A list of real `YYYY-MM-DD` dates (empty when absent), each bad one named by its index.
    func days(_ key: String) throws -> Set<Day> {
        let texts: [String] = try optional(key) ?? []
        var days = Set<Day>()
        for (index, text) in texts.enumerated() {
            guard let day = Day(iso: text) else {
                throw ConfigurationError.invalid(
                    key: keyPath(key) + "[\(index)]", message: "\"\(text)\" is not a real date in YYYY-MM-DD form")
            }
            days.insert(day)
        }
        return days
    }

    /// A number of seconds greater than zero and at most a day.
    /// For timeouts and retry delays; a larger value can only be a typo.
    /// - Throws: `ConfigurationError` for zero, a negative number or more than 86400.
    func positive(_ key: String) throws -> Double? {
        guard let value: Double = try optional(key) else { return nil }
        guard value > 0, value <= 86_400 else { throw invalid(key, "must be greater than zero and at most 86400 (a day), not \(value)") }
        return value
    }

    /// A file path, resolved against the configuration's directory.
    /// The file is not checked here but where it is used: the MIS copy when a run opens it, the CA bundle by
    /// `Configuration.load`, a secret file when `send` reads it.
    /// - Throws: `ConfigurationError` for an empty string.
    func path(_ key: String) throws -> String? {
        guard let text: String = try optional(key) else { return nil }
        guard !text.isEmpty else { throw invalid(key, "must not be empty") }
        return resolve(text)
    }

    /// `path` made absolute against the configuration's directory, `.` and `..` folded, so that cron's working
    /// directory never matters. `~` is not expanded.
    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).standardizedFileURL.path
    }

    /// An `https://` URL without user info; `http://` only to a loopback address.
    /// User info is refused because a URL appears in messages and traces, where credentials must never be;
    /// the transport checks the scheme again before every request.
    /// - Throws: `ConfigurationError` naming the key: missing, not a URL, user info, plain http to a
    ///   non-loopback host, or another scheme.
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

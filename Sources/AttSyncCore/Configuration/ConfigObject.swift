import Foundation

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

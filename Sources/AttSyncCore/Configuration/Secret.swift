import Foundation

/// Where a secret lives: never in the configuration itself.
public enum SecretReference: Sendable, Equatable {
    /// An environment variable's name.
    case environment(String)
    /// A file (mode 0600 or stricter), already resolved against the configuration's directory.
    case file(String)

    /// Reads the secret. `key` is the configuration key, for messages.
    ///
    /// - Throws: `ConfigurationError` when the variable is unset or empty, or the file is missing, empty,
    ///   unreadable or readable by group or others.
    public func resolve(key: String, environment: [String: String]) throws(ConfigurationError) -> Secret {
        switch self {
        case .environment(let name):
            let value = (environment[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw .secretEnvironmentMissing(key: key, variable: name) }
            return Secret(value)
        case .file(let path):
            var status = stat()
            guard stat(path, &status) == 0 else {
                throw .secretFileUnreadable(key: key, path: path, reason: String(cString: strerror(errno)))
            }
            guard status.st_mode & S_IFMT == S_IFREG else {
                throw .secretFileUnreadable(key: key, path: path, reason: "not a regular file")
            }
            let mode = Int(status.st_mode & 0o7777)
            guard mode & 0o077 == 0 else { throw .looseSecretPermissions(key: key, path: path, mode: mode) }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .secretFileUnreadable(key: key, path: path, reason: "permission denied")
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw .secretFileUnreadable(key: key, path: path, reason: "the file is empty") }
            return Secret(value)
        }
    }
}

/// A secret's value. It prints as `<redacted>` so that it cannot reach output, logs or errors by accident.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The value, for the one place that must send it.
    public let revealed: String

    public init(_ value: String) { revealed = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

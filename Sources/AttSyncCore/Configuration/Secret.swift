import Foundation

/// Where a secret lives: never in the configuration itself.
///
/// Resolved only by `send` (the client secret and the subscription key), so `preview`, `history` and
/// `consent` run for people who cannot read the secrets.
package enum SecretReference: Sendable, Equatable {
    /// An environment variable's name.
    case environment(String)
    /// A file (mode 0600 or stricter), already resolved against the configuration's directory.
    case file(String)

    /// Reads the secret. `key` is the configuration key, for messages.
    ///
    /// Surrounding whitespace is trimmed, so a secret file may end with a newline. A file's mode is checked
    /// before it is read, so a secret readable by others is refused without being read.
    /// - Throws: `ConfigurationError` when the variable is unset or empty, or the file is missing, empty,
    ///   unreadable or readable by group or others, or the value is not UTF-8 or holds a control character
    ///   (a second line would go out as a header of its own).
    package func resolve(key: String, environment: [String: String]) throws(ConfigurationError) -> Secret {
        switch self {
        case .environment(let name):
            let value = (environment[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw .secretEnvironmentMissing(key: key, variable: name) }
            if let problem = Self.problem(in: value) {
                throw .secretMalformed(key: key, source: "the environment variable \(name)", problem: problem)
            }
            return Secret(value)
        case .file(let path):
            let status: stat
            switch FileCheck.regularFile(path) {
            case .success(let found): status = found
            case .failure(let problem): throw .secretFileUnreadable(key: key, path: path, reason: problem.reason)
            }
            let mode = FileCheck.mode(status)
            guard mode & 0o077 == 0 else { throw .looseSecretPermissions(key: key, path: path, mode: mode) }
            let data: [UInt8]
            switch FileCheck.contents(path) {
            case .success(let bytes): data = bytes
            case .failure(let problem): throw .secretFileUnreadable(key: key, path: path, reason: problem.reason)
            }
            guard let text = String(validating: data, as: UTF8.self) else {
                throw .secretMalformed(key: key, source: "the secret file \(path)", problem: "it is not UTF-8 text")
            }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw .secretFileUnreadable(key: key, path: path, reason: "the file is empty") }
            if let problem = Self.problem(in: value) {
                throw .secretMalformed(key: key, source: "the secret file \(path)", problem: problem)
            }
            return Secret(value)
        }
    }
}

extension SecretReference {
    /// What is wrong with a secret's value (trimmed of surrounding white space), or nil.
    static func problem(in value: String) -> String? {
        guard let bad = value.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) else { return nil }
        let what =
            bad == "\n" || bad == "\r"
            ? "a line break (only one line is allowed)" : "a control character (U+\(String(format: "%04X", bad.value)))"
        return "it holds \(what)"
    }
}

/// A secret's value. It prints as `<redacted>` so that it cannot reach output, logs or errors by accident.
///
/// The bearer token is wrapped as one too, so no secret reaches output through string interpolation.
package struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The value, for the one place that must send it.
    package let revealed: String

    /// Wraps a value read from the environment, a secret file or a token response.
    package init(_ value: String) { revealed = value }

    package var description: String { "<redacted>" }
    package var debugDescription: String { "<redacted>" }
}

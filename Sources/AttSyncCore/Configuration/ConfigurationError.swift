/// A problem with the configuration file or a secret it refers to.
///
/// Messages name the file or the key path and say what to change. Secret values never appear: only the
/// key, the variable name or the file path.
package enum ConfigurationError: AttSyncError, Equatable {
    /// The file could not be read (missing, a directory, a FIFO, no permission).
    case unreadable(path: String, reason: String)
    /// The file is group- or world-writable, so anyone could redirect the data.
    case looseConfigPermissions(path: String, mode: Int)
    /// The file is not valid JSON.
    case syntax(path: String, line: Int, column: Int, message: String)
    /// A key holds a value that is not allowed.
    /// `key` is the full path (`schools[0].source.path`, `(top level)`); `message` says what is wrong.
    case invalid(key: String, message: String)
    /// A secret is written into the file instead of referred to.
    case inlineSecret(key: String)
    /// A secret's environment variable is unset or empty.
    case secretEnvironmentMissing(key: String, variable: String)
    /// A secret file is missing, empty or unreadable.
    case secretFileUnreadable(key: String, path: String, reason: String)
    /// A secret is not UTF-8 or holds a control character.
    case secretMalformed(key: String, source: String, problem: String)
    /// A secret file is readable by group or others.
    case looseSecretPermissions(key: String, path: String, mode: Int)

    package var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read the configuration \(path): \(reason)"
        case .looseConfigPermissions(let path, let mode):
            return "the configuration \(path) is writable by group or others (mode \(octal(mode))): run chmod go-w \(path)"
        case .syntax(let path, let line, let column, let message):
            return "\(path):\(line):\(column): invalid JSON: \(message)"
        case .invalid(let key, let message):
            return "\(key): \(message)"
        case .inlineSecret(let key):
            return
                "\(key): a secret written in the configuration is refused; put it in a file (chmod 600) and write {\"file\": \"PATH\"}, or in an environment variable and write {\"env\": \"NAME\"}"
        case .secretEnvironmentMissing(let key, let variable):
            return "\(key): the environment variable \(variable) is unset or empty"
        case .secretFileUnreadable(let key, let path, let reason):
            return "\(key): cannot read the secret file \(path): \(reason)"
        case .secretMalformed(let key, let source, let problem):
            return "\(key): \(source) cannot be used: \(problem); write the value alone, on one line, as UTF-8"
        case .looseSecretPermissions(let key, let path, let mode):
            return "\(key): the secret file \(path) is readable by group or others (mode \(octal(mode))): run chmod 600 \(path)"
        }
    }

    /// 77 when the fix is a `chmod`, 78 for everything else.
    package var exitStatus: ExitStatus {
        switch self {
        case .looseSecretPermissions, .looseConfigPermissions: return .noPermission
        default: return .configuration
        }
    }
}

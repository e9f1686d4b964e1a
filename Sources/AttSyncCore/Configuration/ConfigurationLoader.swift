import Foundation

extension Configuration {
    /// The path used when neither `--config` nor `$ATTSYNC_CONFIG` is given.
    public static let defaultPath = "/etc/attsync/config.json"

    /// Reads, checks and decodes the configuration file at `path`.
    ///
    /// The file must be a regular file (a FIFO would hang a read) that group and others cannot write.
    /// - Throws: `ConfigurationError`, naming the file, the line and column of a syntax error, or the key path.
    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let reason =
                errno == ENOENT
                ? "no such file (give --config PATH or set ATTSYNC_CONFIG; config.example.json shows every key)"
                : String(cString: strerror(errno))
            throw .unreadable(path: path, reason: reason)
        }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
        let mode = Int(status.st_mode & 0o7777)
        guard mode & 0o022 == 0 else { throw .looseConfigPermissions(path: path, mode: mode) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "permission denied")
        }
        do {
            try JSONSyntax.check(Array(data))
        } catch {
            throw .syntax(path: path, line: error.line, column: error.column, message: error.message)
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        let decoder = JSONDecoder()
        decoder.userInfo[.configurationDirectory] = absolute.deletingLastPathComponent().path
        do {
            return try decoder.decode(Configuration.self, from: data)
        } catch let error as ConfigurationError {
            throw error
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw .invalid(key: "(top level)", message: "\(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> ConfigurationError {
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return .invalid(key: ConfigObject.keyPath(context.codingPath), message: "expected \(kind(of: type))")
        case .dataCorrupted(let context):
            let detail =
                context.debugDescription.contains("does not fit")
                ? "the number is out of range" : context.debugDescription
            return .invalid(key: ConfigObject.keyPath(context.codingPath), message: detail)
        case .keyNotFound(let key, let context):
            return .invalid(key: ConfigObject.keyPath(context.codingPath + [key]), message: "required key is missing")
        @unknown default:
            return .invalid(key: "(top level)", message: "\(error)")
        }
    }

    private static func kind(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is [Any].Type, is [String].Type: return "a list [...]"
        default: return "an object {…}"
        }
    }
}

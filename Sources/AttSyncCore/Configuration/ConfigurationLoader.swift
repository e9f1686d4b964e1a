import Foundation

extension Configuration {
    /// The path used when neither `--config` nor `$ATTSYNC_CONFIG` is given.
    package static let defaultPath = "/etc/attsync/config.json"

    /// Reads, checks and decodes the configuration file at `path`.
    ///
    /// The file must be a regular file (a FIFO would hang a read) that group and others cannot write.
    ///
    /// In order: the file's type and mode, its bytes, a strict syntax check (line and column, duplicate
    /// keys), decoding (key paths, defaults, value checks), then the CA bundle. Secrets are not read here.
    /// - Throws: `ConfigurationError`, naming the file, the line and column of a syntax error, or the key path.
    package static func load(path: String) throws(ConfigurationError) -> Configuration {
        let status: stat
        switch FileCheck.regularFile(path) {
        case .success(let found): status = found
        case .failure(.missing):
            throw .unreadable(
                path: path, reason: "no such file (give --config PATH or set ATTSYNC_CONFIG; config.example.json shows every key)")
        case .failure(let problem): throw .unreadable(path: path, reason: problem.reason)
        }
        let mode = FileCheck.mode(status)
        guard mode & 0o022 == 0 else { throw .looseConfigPermissions(path: path, mode: mode) }
        let data: Data
        switch FileCheck.contents(path) {
        case .success(let bytes): data = Data(bytes)
        case .failure(let problem): throw .unreadable(path: path, reason: problem.reason)
        }
        do {
            try JSONSyntax.check(Array(data))
        } catch {
            throw .syntax(path: path, line: error.line, column: error.column, message: error.message)
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        let decoder = JSONDecoder()
        decoder.userInfo[.configurationDirectory] = absolute.deletingLastPathComponent().path
        let configuration: Configuration
        do {
            configuration = try decoder.decode(Configuration.self, from: data)
        } catch let error as ConfigurationError {
            throw error
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw .invalid(key: "(top level)", message: "\(error)")
        }
        if let caBundle = configuration.dfe.caBundle { try checkCABundle(caBundle) }
        return configuration
    }

    /// `dfe.caBundle` must be a readable file holding at least one PEM certificate.
    /// Checked now rather than left to libcurl, whose failure would come only at the first request and read
    /// like a certificate problem of the server.
    /// - Throws: `ConfigurationError.invalid` at `dfe.caBundle`.
    private static func checkCABundle(_ path: String) throws(ConfigurationError) {
        switch FileCheck.contents(path) {
        case .failure(.missing): throw .invalid(key: "dfe.caBundle", message: "\(path) does not exist")
        case .failure(let problem): throw .invalid(key: "dfe.caBundle", message: "cannot read \(path): \(problem.reason)")
        case .success(let bytes):
            guard String(decoding: bytes, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
                throw .invalid(key: "dfe.caBundle", message: "\(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
            }
        }
    }

    /// A `DecodingError` from `JSONDecoder` in the "key: expected a string" form, with the key path.
    private static func describe(_ error: DecodingError) -> ConfigurationError {
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return .invalid(key: ConfigObject.keyPath(context.codingPath), message: "expected \(kind(of: type))")
        case .dataCorrupted(let context):
            let detail =
                // Foundation's words for a number too large for its Swift type.
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

import Foundation

/// The `stat` checks attsync makes before reading a file it was told about (the configuration, a secret
/// file, the MIS copy): it must exist and be a regular file (a FIFO would hang a read, a directory cannot
/// be read), and its permission bits tell whether others could change or read it.
enum FileCheck {
    /// Why a path is not a readable regular file.
    enum Problem: Error, Equatable {
        case missing
        case notRegular
        case other(String)

        /// In words, for messages: the system's reason ("No such file or directory") or "not a regular file".
        var reason: String {
            switch self {
            case .missing: return String(cString: strerror(ENOENT))
            case .notRegular: return "not a regular file"
            case .other(let reason): return reason
            }
        }
    }

    /// The status of the regular file at `path`, following symbolic links.
    static func regularFile(_ path: String) -> Result<stat, Problem> {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return .failure(errno == ENOENT ? .missing : .other(String(cString: strerror(errno))))
        }
        guard status.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegular) }
        return .success(status)
    }

    /// The permission bits (`0o7777`) of a status.
    static func mode(_ status: stat) -> Int { Int(status.st_mode & 0o7777) }

    /// The whole of a file, or the system's reason it cannot be read ("Permission denied").
    static func contents(_ path: String) -> Result<[UInt8], Problem> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(errno == ENOENT ? .missing : .other(String(cString: strerror(errno)))) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.other(String(cString: strerror(errno))))
            }
            if count == 0 { return .success(bytes) }
            bytes += buffer[..<count]
        }
    }
}

/// `0640`: a mode for messages.
func octal(_ mode: Int) -> String { "0" + String(mode & 0o7777, radix: 8) }

import Foundation

/// The `stat` checks attsync makes before reading a file it was told about (the configuration, a secret
/// file, the MIS copy): it must exist and be a regular file (a FIFO would hang a read, a directory cannot
/// be read), and its permission bits tell whether others could change or read it.
enum FileCheck {
    /// Why a path is not a readable regular file.
    enum Problem: Error, Equatable {
        /// ENOENT: nothing at the path. Callers usually word this one themselves ("give --config PATH", "attsync
        /// never creates it").
        case missing
        /// A directory, FIFO, socket or device.
        case notRegular
        /// Any other failure of `stat`, `open` or `read`, in `strerror`'s words ("Permission denied").
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
    ///
    /// Following links means a symbolic link to a secret is judged by its target's mode, which is the file
    /// actually read. The answer is a snapshot: `contents` may still fail later, and reports its own reason.
    static func regularFile(_ path: String) -> Result<stat, Problem> {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return .failure(errno == ENOENT ? .missing : .other(String(cString: strerror(errno))))
        }
        guard status.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegular) }
        return .success(status)
    }

    /// The name of user `uid`, or `uid 1001` when it has none.
    static func ownerName(_ uid: uid_t) -> String {
        getpwuid(uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "uid \(uid)"
    }

    /// The permission bits (`0o7777`) of a status.
    /// Callers test it against `0o022` (configuration: no group/other write) or `0o077` (secret: owner only).
    static func mode(_ status: stat) -> Int { Int(status.st_mode & 0o7777) }

    /// The whole of a file, or the system's reason it cannot be read ("Permission denied").
    ///
    /// `open`/`read` rather than `Data(contentsOf:)`, so that the reason is `strerror`'s and an interrupted
    /// read is retried. The descriptor is opened `O_CLOEXEC` and closed before returning. The file type is
    /// not checked here: call `regularFile` first, or a FIFO blocks this read.
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

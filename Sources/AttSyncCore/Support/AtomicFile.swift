import Foundation

/// Writes a whole file so that a reader sees the old content or the new, never a part of either: the bytes
/// go to a temporary file in the same directory, are flushed to disk, and the temporary file is renamed over
/// the target (`rename(2)` is atomic within one file system).
///
/// For `send --metrics-file`: Prometheus' node_exporter reads `*.prom` files of its textfile directory at any
/// moment, and must never read half of one. The temporary name starts with a dot and does not end in `.prom`,
/// so the collector ignores it.
package enum AtomicFile {
    /// Why the file could not be written; the target is then as it was before.
    package struct Failure: AttSyncError, Equatable {
        package var path: String
        package var reason: String
        package var description: String { "cannot write \(path): \(reason); the previous file, if any, is unchanged" }
        /// 74, as for any file attsync cannot write.
        package var exitStatus: ExitStatus { .ioError }
    }

    /// `.NAME.PID.tmp` beside `path`: in the same directory (so the rename is atomic), never the final name.
    package static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
    }

    /// Replaces the file at `path` with `bytes`, mode `mode` whatever the umask (a collector running as another
    /// user must be able to read it).
    /// - Parameter write: the `write(2)` to use; tests pass one that fails part-way.
    /// - Throws: `Failure`; the temporary file is removed and `path` is left untouched.
    package static func write(
        _ bytes: [UInt8], to path: String, mode: mode_t = 0o644,
        write: (Int32, UnsafeRawBufferPointer) -> Int = { Glibc.write($0, $1.baseAddress, $1.count) }
    ) throws(Failure) {
        let temporary = temporaryPath(for: path)
        func fail(_ reason: String) -> Failure {
            unlink(temporary)
            return Failure(path: path, reason: reason)
        }
        // O_EXCL and O_NOFOLLOW: never write through a link or into a file someone else prepared under that name.
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        var remaining = bytes[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { write(descriptor, $0) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw fail(reason)
            }
            remaining = remaining.dropFirst(written)
        }
        guard fchmod(descriptor, mode) == 0, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw fail(reason)
        }
        guard close(descriptor) == 0 else { throw fail(String(cString: strerror(errno))) }
        guard rename(temporary, path) == 0 else { throw fail(String(cString: strerror(errno))) }
    }
}

import Foundation

/// The exclusive `flock` on `attsync.lock` that makes runs one at a time. Held until the instance is
/// released; the kernel drops it if the process dies, so a crash never leaves a stale lock.
///
/// Ownership: the instance owns the lock file's descriptor; closing it in `deinit` releases the lock. The
/// file is never deleted: a run that opened it before a deletion could lock it while another locks a new one.
package final class RunLock {
    private let descriptor: Int32

    /// Takes the lock at once or fails.
    /// - Throws: `StateError.locked` when another run holds it, `.cannotWrite` when the file cannot be opened.
    ///   Or `.symbolicLink` when a symbolic link stands where the lock file should be.
    package init(path: String) throws(StateError) {
        // O_CLOEXEC: a child process must not inherit the descriptor and, with it, the lock.
        // O_NOFOLLOW: a symbolic link in its place would create a file wherever it points.
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            if errno == ELOOP { throw .symbolicLink(path: path) }
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        StateStore.giveToDirectoryOwner((path as NSString).deletingLastPathComponent, files: [path])
        // LOCK_NB: a second run exits 75 at once instead of queueing behind the first (docs/operations.md).
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            close(descriptor)
            if error == EWOULDBLOCK { throw .locked(path: path) }
            throw .cannotWrite(path: path, reason: String(cString: strerror(error)))
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}

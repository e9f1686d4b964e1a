import Foundation

/// The exclusive `flock` on `attsync.lock` that makes runs one at a time. Held until the instance is
/// released; the kernel drops it if the process dies, so a crash never leaves a stale lock.
package final class RunLock {
    private let descriptor: Int32

    /// Takes the lock at once or fails.
    /// - Throws: `StateError.locked` when another run holds it, `.cannotWrite` when the file cannot be opened.
    package init(path: String) throws(StateError) {
        // O_NOFOLLOW: a symbolic link in its place would create a file wherever it points.
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            if errno == ELOOP { throw .symbolicLink(path: path) }
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        StateStore.giveToDirectoryOwner((path as NSString).deletingLastPathComponent, files: [path])
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

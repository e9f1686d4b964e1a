/// A problem with the state directory, its lock or its database.
///
/// A state failure stops the whole run, not just one school: nothing may be sent without its record.
package enum StateError: AttSyncError, Equatable {
    /// The state directory cannot be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// The state database cannot be opened, created or written (permissions, disk full).
    case cannotWrite(path: String, reason: String)
    /// Another process holds the state database locked beyond the busy timeout.
    case busy(path: String)
    /// Another attsync run holds the lock.
    case locked(path: String)
    /// The database was written by a newer attsync.
    case newerSchema(path: String, found: Int, known: Int)
    /// A value in the database that attsync cannot read back (edited by hand, or damaged).
    case corrupt(path: String, what: String)
    /// An existing state directory is writable by group or others.
    case looseDirectory(path: String, mode: Int)
    /// A file of the state is a symbolic link.
    case symbolicLink(path: String)
    /// The database exists but this user cannot read it.
    case cannotRead(path: String, reason: String, owner: String?)
    /// The database file was deleted or replaced while this run had it open.
    case replaced(path: String)
    /// No submission with that id.
    case noSuchSubmission(id: Int64)

    package var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason):
            return "cannot create the state directory \(path): \(reason); check stateDirectory and its parent's permissions"
        case .cannotWrite(let path, let reason):
            return "cannot write the state database \(path): \(reason); nothing was sent"
        case .busy(let path):
            return "the state database \(path) is locked by another process; nothing was sent, try again later"
        case .locked(let path):
            return "another attsync run holds \(path); nothing was done, try again later"
        case .newerSchema(let path, let found, let known):
            return "the state database \(path) has schema version \(found), newer than this attsync knows (\(known)); upgrade attsync"
        case .corrupt(let path, let what):
            return "the state database \(path) holds a value attsync cannot read (\(what)); restore it from a backup, or report it"
        case .looseDirectory(let path, let mode):
            return "the state directory \(path) is writable by group or others (mode \(octal(mode))): run chmod 700 \(path)"
        case .symbolicLink(let path):
            return "\(path) is a symbolic link; attsync does not follow links in its state directory: remove it"
        case .cannotRead(let path, let reason, let owner):
            let who = owner.map { "; run attsync as \($0), who owns it (for example sudo -u \($0) attsync …)" } ?? ""
            return "cannot read the state database \(path): \(reason)\(who)"
        case .replaced(let path):
            return
                "the state database \(path) was deleted or replaced while attsync was running; restore it from a backup (its consent records went with it)"
        case .noSuchSubmission(let id):
            return "no submission \(id); `attsync history` lists them"
        }
    }

    /// 73 when the directory cannot be made, 77 when the directory, a link or the file's owner is the problem
    /// (a `chmod`, a removal or another user is the fix), 74 for the database, 75 when another process holds
    /// it, 64 for an unknown id.
    package var exitStatus: ExitStatus {
        switch self {
        case .cannotCreateDirectory: return .cannotCreate
        case .cannotWrite, .newerSchema, .corrupt, .replaced: return .ioError
        case .busy, .locked: return .temporaryFailure
        case .looseDirectory, .symbolicLink, .cannotRead: return .noPermission
        case .noSuchSubmission: return .usage
        }
    }

    /// What went wrong, without the advice of `description` (which assumes nothing was sent): for the
    /// message of a submission the DfE accepted but attsync could not record.
    package var problem: String {
        switch self {
        case .cannotWrite(let path, let reason): return "cannot write the state database \(path): \(reason)"
        case .busy(let path): return "the state database \(path) was locked by another process"
        default: return description
        }
    }
}

/// The process exit codes (sysexits(3)): what cron, systemd and a wrapper script act on.
package enum ExitStatus: Int32, Sendable {
    case success = 0
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case software = 70
    case cannotCreate = 73
    case ioError = 74
    case temporaryFailure = 75
    case noPermission = 77
    case configuration = 78

    /// The exit code for an error reported at the top of a command: the error's own for an
    /// `AttSyncError`, else 70 (a bug: an error attsync did not expect).
    package init(for error: any Error) {
        self = (error as? any AttSyncError)?.exitStatus ?? .software
    }
}

/// An error attsync expects and can explain. Every domain's error adopts it, so each decides its own exit
/// code beside its message and no switch over all domains exists.
///
/// `description` is the message shown to people: short, lower-case, naming the bad value and what to do,
/// never a secret, a token or a pupil identifier.
package protocol AttSyncError: Error, CustomStringConvertible {
    /// The exit code the run ends with when this error stops it.
    var exitStatus: ExitStatus { get }
}

/// The process exit codes (sysexits(3)): what cron, systemd and a wrapper script act on.
///
/// The cases match the exit table of docs/operations.md (§8, "Troubleshoot, by exit code"); keep the two in step. Each domain
/// error picks its case in its own `exitStatus`; `init(for:)` is the one place an error becomes a status.
package enum ExitStatus: Int32, Sendable {
    /// Sent and accepted (✓ or ⚠), nothing to send, or nothing changed since the last accepted submission.
    case success = 0
    /// The command line is wrong: an unknown `--school`, an empty `--by`, consent for several schools without
    /// `--all-schools`, `history show` of an unknown id or of another school's submission.
    case usage = 64
    /// Invalid rows or unknown codes in the MIS copy, a copy that is not a database or lacks canonical
    /// columns, or a body the DfE rejected (HTTP 400, 413, 422…): a person must fix the data; retrying gives the same.
    case dataError = 65
    /// The MIS copy is missing or cannot be opened (permissions, a WAL copy in a folder attsync cannot write).
    case noInput = 66
    /// The DfE answered 410, the service is retired: consent was removed, the schedule should stop.
    case unavailable = 69
    /// A bug: an error attsync did not expect (`Reporter` asks the user to report it).
    case software = 70
    /// The state directory cannot be created.
    case cannotCreate = 73
    /// The state database cannot be written, read back or was written by a newer attsync; or writing to stdout or
    /// stderr failed.
    case ioError = 74
    /// Try again later: network, DfE busy or down, a token that would not come, the MIS copy being refreshed,
    /// truncated or locked, the state database locked, another run holding the lock. The next run sends what is pending.
    case temporaryFailure = 75
    /// `send` only: the run failed for a temporary reason (what would be 75), but a date of a school has waited
    /// `alerts.pendingSchoolDays` school days or more with marks and no acceptance. 75 is treated as success by
    /// cron and by the systemd unit; a failure that lasts (a week-long outage, a typo in a host name) must not be.
    case pendingAlert = 76
    /// No consent for a school; a secret file readable, or the configuration or state directory writable, by
    /// group or others; a symbolic link in the state directory; a state database this user cannot read.
    case noPermission = 77
    /// The configuration is wrong or refused: an invalid key, a broken `source.views` SELECT, the OAuth client
    /// refused, a certificate not trusted, a redirect, HTTP 401 twice, 403, 404 or 405.
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

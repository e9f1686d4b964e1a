/// A problem opening or reading the MIS copy.
///
/// Messages name the copy's path and what to do; never a row's content. The exit codes follow
/// docs/mis-schema.md, "Reading": 66 missing or unopenable, 65 not a database or missing columns, 75 for a
/// copy being written or locked (the next run will do), 78 for a broken view (a configuration fix).
package enum SourceError: AttSyncError, Equatable {
    /// No file at the path (it is never created).
    case missing(path: String)
    /// The file exists but cannot be opened (permissions, a directory, a WAL file that cannot be read).
    case cannotOpen(path: String, reason: String)
    /// The file is not an SQLite database.
    case notADatabase(path: String)
    /// The file is empty, truncated, corrupt or was changed under the read: try again once the copy is whole.
    case damaged(path: String, reason: String)
    /// Another program holds the copy locked beyond the busy timeout.
    case busy(path: String)
    /// A view in `source.views` does not work.
    case brokenView(name: String, message: String)
    /// Canonical tables or columns are missing (each entry names one).
    case missingSchema(path: String, missing: [String])
    /// A program is part-way through writing the copy (a `-wal` or hot `-journal` file beside it) and
    /// attsync cannot read it as it is.
    case unfinishedWrite(path: String, message: String)
    /// A read did not finish within `schools[].source.timeoutSeconds`; `culprit` names the relation
    /// that does not finish, when one was found.
    case tooSlow(path: String, seconds: Double, culprit: String?)
    /// A view of the copy or of `source.views` uses what a read may not (a pragma, ATTACH, an extension).
    case refused(path: String)
    /// SIGTERM or SIGINT stopped the read.
    case interrupted(path: String, signal: String)
    /// SQLite ran out of temporary space or memory.
    case outOfSpace(path: String, message: String)
    /// A statement failed on the data itself (malformed JSON or an overflow inside a view, …).
    case readFailed(path: String, message: String)

    package var description: String {
        switch self {
        case .missing(let path):
            return "the MIS copy \(path) does not exist (check schools[].source.path; attsync never creates it)"
        case .cannotOpen(let path, let reason):
            return "cannot open the MIS copy \(path): \(reason)"
        case .notADatabase(let path):
            return "the MIS copy \(path) is not an SQLite database"
        case .damaged(let path, let reason):
            return "the MIS copy \(path) is \(reason); try again once the copy has been written completely"
        case .busy(let path):
            return "the MIS copy \(path) is locked by another program; try again later"
        case .brokenView(let name, let message):
            return "source.views.\(name) does not work: \(message)"
        case .missingSchema(let path, let missing):
            return
                "the MIS copy \(path) lacks \(missing.joined(separator: ", ")); add them or map the copy's own tables with source.views (see docs/mis-schema.md)"
        case .unfinishedWrite(let path, let message):
            return
                "the MIS copy \(path) is part-way through a write (a -wal or -journal file is beside it: \(message)); try again once the program writing it has finished, or have it write the copy elsewhere and rename it into place"
        case .tooSlow(let path, let seconds, let culprit):
            let which =
                culprit.map { "\($0) does not finish; check it for a recursive or runaway query" }
                ?? "check source.views and the copy's size"
            return
                "reading the MIS copy \(path) did not finish within \(secondsText(seconds)) s: \(which) (schools[].source.timeoutSeconds sets the limit)"
        case .refused(let path):
            return
                "reading the MIS copy \(path) was refused: a view (in source.views or inside the copy) uses a pragma, ATTACH or an extension, which attsync does not allow; read only the copy's tables"
        case .interrupted(let path, let signal):
            return "stopped by \(signal) while reading the MIS copy \(path); nothing was sent"
        case .outOfSpace(let path, let message):
            return "reading the MIS copy \(path) ran out of temporary space or memory (\(message)); free some space and try again"
        case .readFailed(let path, let message):
            return "reading the MIS copy \(path) failed on its data: \(visible(message)); check source.views and the rows they read"
        }
    }

    /// Any other SQLite failure (`readFailed`) is unexpected, so 70: the code that asks for a report.
    package var exitStatus: ExitStatus {
        switch self {
        case .missing, .cannotOpen: return .noInput
        case .notADatabase, .missingSchema: return .dataError
        case .damaged, .busy, .unfinishedWrite, .interrupted, .outOfSpace: return .temporaryFailure
        case .brokenView, .refused: return .configuration
        case .tooSlow(_, _, let culprit): return culprit?.hasPrefix("source.views.") == true ? .configuration : .dataError
        case .readFailed: return .dataError
        }
    }
}

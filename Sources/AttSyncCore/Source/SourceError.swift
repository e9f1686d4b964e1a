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
    /// Any other SQLite failure while reading.
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
        case .readFailed(let path, let message):
            return "reading the MIS copy \(path) failed: \(message)"
        }
    }

    /// Any other SQLite failure (`readFailed`) is unexpected, so 70: the code that asks for a report.
    package var exitStatus: ExitStatus {
        switch self {
        case .missing, .cannotOpen: return .noInput
        case .notADatabase, .missingSchema: return .dataError
        case .damaged, .busy: return .temporaryFailure
        case .brokenView: return .configuration
        case .readFailed: return .software
        }
    }
}

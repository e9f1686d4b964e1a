/// The process exit codes (sysexits), and the one place errors are mapped to them.
public enum ExitStatus: Int32, Sendable {
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

    /// The exit code for an error reported at the top of a command.
    public init(for error: any Error) {
        switch error {
        case is UsageError:
            self = .usage
        case let error as ConfigurationError:
            switch error {
            case .looseSecretPermissions, .looseConfigPermissions: self = .noPermission
            default: self = .configuration
            }
        case let error as SourceError:
            switch error {
            case .missing, .cannotOpen: self = .noInput
            case .notADatabase, .missingSchema: self = .dataError
            case .damaged, .busy: self = .temporaryFailure
            case .brokenView: self = .configuration
            case .readFailed: self = .software
            }
        case is DataError:
            self = .dataError
        case let error as SendError:
            self = error.exitStatus
        case let error as Send.SubmissionFailed:
            self = error.error.exitStatus
        case let error as StateError:
            self = error.exitStatus
        default:
            self = .software
        }
    }
}

/// A command line that names something that does not exist or combines flags that cannot go together.
public enum UsageError: Error, Equatable, CustomStringConvertible {
    /// `--school` names a URN the configuration does not list.
    case unknownSchool(urn: String, known: [String])
    /// The command needs exactly one school and the configuration lists several.
    case oneSchoolRequired(command: String, known: [String])
    /// `--by` was given an empty name.
    case emptyName

    public var description: String {
        switch self {
        case .unknownSchool(let urn, let known):
            return "no school with URN \(urn) in the configuration; it lists \(known.joined(separator: ", "))"
        case .oneSchoolRequired(let command, let known):
            return "\(command) needs one school: add --school with one of \(known.joined(separator: ", "))"
        case .emptyName:
            return "--by needs the name of the person giving or removing consent"
        }
    }
}

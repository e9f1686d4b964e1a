/// A command line that names something that does not exist or combines flags that cannot go together.
package enum UsageError: AttSyncError, Equatable {
    /// `--school` names a URN the configuration does not list.
    case unknownSchool(urn: String, known: [String])
    /// The command needs exactly one school and the configuration lists several.
    case oneSchoolRequired(command: String, known: [String])
    /// `--by` was given an empty name.
    case emptyName

    package var description: String {
        switch self {
        case .unknownSchool(let urn, let known):
            return "no school with URN \(urn) in the configuration; it lists \(known.joined(separator: ", "))"
        case .oneSchoolRequired(let command, let known):
            return "\(command) needs one school: add --school with one of \(known.joined(separator: ", "))"
        case .emptyName:
            return "--by needs the name of the person giving or removing consent"
        }
    }

    package var exitStatus: ExitStatus { .usage }
}

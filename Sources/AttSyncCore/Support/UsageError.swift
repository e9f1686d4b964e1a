/// A command line that names something that does not exist or combines flags that cannot go together.
///
/// Always exit 64: the person (or the cron line) must change the command; nothing was sent.
package enum UsageError: AttSyncError, Equatable {
    /// `--school` names a URN the configuration does not list.
    case unknownSchool(urn: String, known: [String])
    /// The command needs exactly one school and the configuration lists several.
    case oneSchoolRequired(command: String, known: [String])
    /// `--by` was given an empty name.
    case emptyName
    /// A consent change in a configuration of several schools names neither `--school` nor `--all-schools`.
    case consentNeedsSchools(known: [String])
    /// `history show` names a submission of a school that `--school` left out, or that the configuration
    /// does not list.
    case submissionOfAnotherSchool(id: Int64, school: String, configured: Bool)

    package var description: String {
        switch self {
        case .unknownSchool(let urn, let known):
            return "no school with URN \(urn) in the configuration; it lists \(known.joined(separator: ", "))"
        case .oneSchoolRequired(let command, let known):
            return "\(command) needs one school: add --school with one of \(known.joined(separator: ", "))"
        case .emptyName:
            return "--by needs the name of the person giving or removing consent"
        case .consentNeedsSchools(let known):
            return
                "the configuration lists \(known.count) schools: consent is given by each school, so name one with --school (\(known.joined(separator: ", "))), or give --all-schools when the person has authority for every one"
        case .submissionOfAnotherSchool(let id, let school, let configured):
            return configured
                ? "submission \(id) is of \(school), not of the school chosen with --school; leave --school out or name that school"
                : "submission \(id) is of \(school), which this configuration does not list"
        }
    }

    package var exitStatus: ExitStatus { .usage }
}

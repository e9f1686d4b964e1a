/// The one place an error is put into words for people: `attsync: <message>` on stderr, with a request
/// to report it when the error is one attsync did not expect (exit 70). Used by the command layer for
/// an error that stops the command and by the per-school loops for one school's failure.
package enum Reporter {
    /// Reports an error that stops the whole command; returns its exit status.
    @discardableResult
    package static func report(_ error: any Error, on console: Console) -> ExitStatus {
        let status = ExitStatus(for: error)
        console.problem("attsync: " + (status == .software ? "internal error (please report it): \(error)" : "\(error)"))
        return status
    }

    /// Reports one school's failure (the others go on); returns its exit status.
    @discardableResult
    package static func report(_ error: any Error, school: Configuration.School, on console: Console) -> ExitStatus {
        let status = ExitStatus(for: error)
        let text = status == .software ? "internal error (please report it): \(error)" : "\(error)"
        console.problem("attsync: ✗ \(school.displayName): \(text)", urn: school.urn)
        return status
    }
}

extension ExitStatus {
    /// The run's status after one more school: the first failure wins.
    /// With several schools, the exit code is the first failing school's (docs/operations.md, "Schedule").
    package func keepingFirstFailure(_ next: ExitStatus) -> ExitStatus { self == .success ? next : self }
}

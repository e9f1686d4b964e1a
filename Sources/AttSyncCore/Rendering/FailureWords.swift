/// Why a submission did not reach the DfE, in plain words.
enum FailureWords {
    /// One line: `the send of submission 4 failed: …`.
    static func short(_ attempt: DayRecord.Unaccepted) -> String {
        let received = attempt.posts == 0 ? ", not received by the DfE" : ""
        switch attempt.status {
        case .rejected: return "the DfE refused submission \(attempt.submission)"
        case .interrupted: return "submission \(attempt.submission) was interrupted before the DfE answered"
        default: return "submission \(attempt.submission) failed\(received)"
        }
    }
}

/// What a failed send means for a school's figures, said in the cron mail beside the technical message:
/// which of the run's days the DfE already has, which it has older figures of, which it does not have.
struct SendFacts: Sendable {
    /// Days of the body the DfE already holds exactly as they are now.
    var held: [Day]
    /// Days the DfE holds with older figures.
    var older: [Day]
    /// Days the DfE has never accepted.
    var missing: [Day]
    /// POSTs that went out (0: the body never left, so the DfE did not receive it).
    var posts: Int
    /// The body read back, to place the DfE's errors by date, year group, session and code.
    var body: SentBody?

    init(run: SchoolRun, posts: Int) {
        // The run's labels against the last accepted content (`DayChange`); none without a state database.
        let change = { (day: Day) in run.changes?[day] ?? .new }
        held = run.payload.days.filter { change($0) == .unchanged }
        older = run.payload.days.filter { change($0) == .changed }
        missing = run.payload.days.filter { change($0) == .new }
        self.posts = posts
        body = SentBody(run.payload.body)
    }

    /// `not with the DfE: Fri 27 Nov 2026; the DfE has the same figures of Wed 18 – Thu 26 Nov 2026, 6 school
    /// days from other sends`, worded as `history show` words it.
    var meaning: String { HeldDays.words(missing: missing, other: older, same: held, otherAre: "older") }
}

extension SendOperation.SubmissionFailed {
    /// In plain words first (what happened, what it means for the days, who does what next, where the DfE's
    /// errors are), then the technical message for IT with the submission to look up.
    var plainDescription: String {
        let plain = FailureWords.plain(error.kind, status: error.submissionStatus)
        var refused = errors.prefix(10).map { "The DfE refused: \(DfEErrorWords.words($0, in: facts.body))" }
        if errors.count > 10 { refused.append("… and \(errors.count - 10) more (attsync history show \(submission))") }
        return failureText(
            plain.what + (facts.posts == 0 && error.kind != .interrupted ? " (the figures were not received by the DfE)" : ""),
            meaning: facts.meaning, details: refused, next: plain.next,
            forIT: "\(error) (submission \(submission): attsync history show \(submission))")
    }
}

/// The layout of every failure of a school in the cron mail: what happened on the first line, then what it
/// means for the days, any details, what next, and the technical message for IT, each indented under it.
func failureText(_ what: String, meaning: String, details: [String] = [], next: String, forIT: String) -> String {
    let lines = ["What it means: \(meaning)"] + details + ["What next: \(next)", "For IT: \(forIT)"]
    return what + lines.map { "\n    " + $0.replacingOccurrences(of: "\n", with: "\n    ") }.joined()
}

/// A school stopped before anything was sent (no consent, a MIS copy that cannot be read or sent as it is),
/// in the same plain words as a failed delivery (`failureText`), with the error's own exit code.
struct PlainFailure: AttSyncError {
    let error: any AttSyncError
    let text: String
    var description: String { text }
    var exitStatus: ExitStatus { error.exitStatus }

    /// For `send`: what happened, which of the run's days the DfE has from earlier sends and which it has
    /// not, who does what next, and the technical message for IT; `error` itself when it has no plain words
    /// (a state failure, an unexpected one).
    static func nothingSent(_ error: any Error, window: [Day], history: AcceptedHistory) -> any Error {
        guard let known = error as? any AttSyncError, let plain = FailureWords.beforeSending(error) else { return error }
        // The MIS copy was not read (or not whole): whether a missing day had registers, or a held day has
        // changed since, is not known here, so the words claim neither.
        let accepted = history.acceptedDigests
        let missing = window.filter { accepted[$0] == nil }
        let held = window.filter { accepted[$0] != nil }
        var meaning = ["nothing was sent this run"]
        if !missing.isEmpty { meaning.append("the DfE has nothing for \(daysWords(missing))") }
        if !held.isEmpty { meaning.append("it has \(daysWords(held)) as they were sent earlier") }
        return PlainFailure(
            error: known,
            text: failureText("nothing sent: \(plain.what)", meaning: meaning.joined(separator: "; "), next: plain.next, forIT: "\(error)"))
    }

    /// For `preview`: the same words, for figures that cannot be shown.
    static func cannotPreview(_ error: any Error) -> any Error {
        guard let known = error as? any AttSyncError, let plain = FailureWords.beforeSending(error) else { return error }
        return PlainFailure(
            error: known,
            text: failureText(
                "cannot show the figures: \(plain.what)", meaning: "while this lasts, send sends nothing for this school",
                next: plain.next, forIT: "\(error)"))
    }
}

import Foundation

/// `Fri 27 Nov 2026 16:05` in `zone`: a time as attsync writes it for people, the date as everywhere else.
func localDayTime(_ date: Date, _ zone: TimeZone) -> String {
    "\(Day(containing: date, in: zone).longDescription) \(localTime(date, zone).suffix(5))"
}

extension SchoolDayStatus {
    /// ✓ with the DfE, ⚠ changed, ✗ not sent, … waiting, – nothing to send, ? not known (the MIS copy was not read).
    var symbol: String {
        switch state {
        case .withDfE: return "✓"
        case .changed: return "⚠"
        case .notSent(.nextRun), .notSent(.sending): return "…"
        case .notSent(.noMarks), .notSent(.beforeConsent): return "–"
        case .notSent(.notRead): return "?"
        case .notSent: return "✗"
        }
    }

    /// The status in words, the same in `history --days`, `preview` and the status page.
    func words(timeZone: TimeZone) -> String {
        switch state {
        case .withDfE(let accepted, let checked):
            return "with the DfE since \(since(accepted, timeZone))"
                + (checked ? "" : " (the MIS copy was not read: later changes not checked)")
        case .changed(let accepted, let changes, let resend):
            let next: String
            switch resend {
            case .nextRun: next = "will be re-sent"
            case .outsideWindow: next = "outside the window, not re-sent by itself (attsync send --date \(day) re-sends it)"
            case .noConsent: next = "not re-sent: no consent"
            case .noMarksNow: next = "no marks now, so nothing is re-sent"
            }
            return "changed since it was sent (\(changes)) – \(next); the DfE has the figures sent \(since(accepted, timeZone))"
        case .notSent(let why):
            switch why {
            case .noMarks(let schoolDay):
                return schoolDay
                    ? "no registers taken: nothing to send (INSET or closure day? If not, check the registers)"
                    : "no registers: nothing to send"
            case .failed(let attempt, let retried):
                return "not with the DfE: \(FailureWords.short(attempt)); "
                    + (retried ? "the next run tries again" : "no run sends it by itself (attsync send --date \(day) sends it)")
            case .sending(let attempt):
                return "being sent now (submission \(attempt.submission), \(localDayTime(attempt.at, timeZone)))"
            case .nextRun: return "not yet sent: the next run sends it"
            case .noConsent: return "not sent: no consent for this school"
            case .beforeConsent:
                return "not sent: from before consent was given, and no send has covered it (attsync send --date \(day) sends it)"
            case .outsideWindow: return "not sent: outside the window (attsync send --date \(day) sends it)"
            case .notRead: return "not with the DfE (the MIS copy was not read: whether it has marks is not known)"
            }
        }
    }

    /// `Fri 27 Nov 2026 16:05 as SUB-2`, with the warnings of a ⚠ acceptance.
    private func since(_ accepted: DayRecord.Accepted, _ zone: TimeZone) -> String {
        localDayTime(accepted.since.at, zone)
            + (accepted.since.reference.map { " as \(visible($0))" } ?? " (submission \(accepted.since.submission))")
            + (accepted.warnings > 0 ? ", figures accepted with \(counted(accepted.warnings, "warning"))" : "")
    }
}

/// Of the days a submission that was not accepted carried, what the DfE holds now: the same figures (from
/// another send), other figures, or nothing. One rule for `history show` ("what it means") and the status
/// page (a problem still open, or one without effect now).
struct HeldDays {
    /// Held with the figures the submission carried.
    var same: [Day] = []
    /// Held with other figures: older ones, or newer ones sent since.
    var other: [Day] = []
    /// Not held at all.
    var missing: [Day] = []
    /// Whether the failure no longer matters for the figures: the DfE holds every day it carried, each with
    /// its figures or with figures accepted after it.
    var withoutEffect = false

    /// - Parameters:
    ///   - body: the submission's body read back; nil when it cannot be, and then no day counts as the same.
    ///   - days: the state's record of each date the submission carried.
    init(_ record: SubmissionRecord, body: SentBody?, days: [Day: DayRecord]) {
        var laterOnly = true
        // Each accepted body read once, however many of the days it holds.
        var bodies: [Int64: SentBody?] = [:]
        for day in record.dates.compactMap(Day.init(iso:)) {
            guard let accepted = days[day]?.accepted else {
                missing.append(day)
                continue
            }
            if bodies[accepted.submission] == nil { bodies[accepted.submission] = SentBody(accepted.body) }
            if let body, let held = bodies[accepted.submission] ?? nil, held.elements(on: day) == body.elements(on: day) {
                same.append(day)
            } else {
                other.append(day)
                if accepted.submission < record.id { laterOnly = false }
            }
        }
        withoutEffect = missing.isEmpty && laterOnly
    }

    /// `not with the DfE: Fri 27 Nov 2026; the DfE has other figures of …; the DfE has the same figures of …`.
    var words: String { Self.words(missing: missing, other: other, same: same, otherAre: "other") }

    /// The one wording of what the DfE holds of some days, for `history show` and the cron mail of a failed send.
    /// - Parameter otherAre: what `other` days hold: "older" (figures corrected since) or "other".
    static func words(missing: [Day], other: [Day], same: [Day], otherAre: String) -> String {
        var parts: [String] = []
        if !missing.isEmpty { parts.append("not with the DfE: \(daysWords(missing))") }
        let held = [
            other.isEmpty ? nil : "\(otherAre) figures of \(daysWords(other))",
            same.isEmpty ? nil : "the same figures of \(daysWords(same))",
        ].compactMap { $0 }
        if !held.isEmpty { parts.append("the DfE has " + held.joined(separator: " and ") + " from other sends") }
        return parts.isEmpty ? "these figures are not with the DfE" : parts.joined(separator: "; ")
    }
}

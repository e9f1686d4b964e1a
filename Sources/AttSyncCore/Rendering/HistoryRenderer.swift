import Foundation

/// The human and JSON forms of the history: the table of submissions and one submission in full.
enum HistoryRenderer {
    /// The table of submissions, newest first, with the hint to `history show`.
    /// - Parameter schools: URN → the school's name for people; a URN not configured is shown as `URN 100001`.
    static func list(_ records: [SubmissionRecord], schools: [String: String], timeZone: TimeZone) -> String {
        guard !records.isEmpty else { return "No submissions yet.\n" }
        var table = TextTable(["id", "when", "school", "school days", "status", "DfE reference", "attempts", "reason"], numeric: [0, 6])
        for record in records {
            table.add([
                String(record.id), localDayTime(record.createdAt, timeZone), schools[record.urn] ?? "URN \(record.urn)",
                daysWords(record.dates), FailureWords.status(record), record.reference.map(visible) ?? "-", String(record.attemptCount),
                reason(record),
            ])
        }
        return table.render()
            + "attempts: deliveries of the figures to the DfE. `attsync history show ID` gives the details, with a part for IT.\n"
    }

    /// One submission in full: in plain words first (what happened, what it means for the days it carried,
    /// who does what next, the DfE's warnings or errors placed by date, year group, session and code), then a
    /// part for IT (HTTP statuses, the body's SHA-256, every attempt, the DfE's raw answers, the exact body).
    /// - Parameters:
    ///   - school: the school's name for people.
    ///   - days: the state's record of each date the submission carried, to say which are with the DfE now.
    static func show(
        _ record: SubmissionRecord, body: [UInt8], attempts: [AttemptRecord], school: String, days: [Day: DayRecord],
        timeZone zone: TimeZone
    ) -> String {
        let sent = SentBody(body)
        var out = "Submission \(record.id) of \(school): \(FailureWords.status(record))\n"
        var facts: [(String, String)] = [
            ("school days", daysWords(record.dates)), ("run date", Day(iso: record.runDate)?.longDescription ?? record.runDate),
            ("recorded", localDayTime(record.createdAt, zone)),
        ]
        switch record.status {
        case .accepted, .warnings:
            facts.append(("finished", record.finishedAt.map { localDayTime($0, zone) } ?? "-"))
            facts.append(
                ("what it means", "the DfE accepted these figures" + (record.status == .warnings ? "; its warnings are below" : "")))
        case .sending:
            facts.append(("what it means", "being sent now, or a run stopped before recording the DfE's answer"))
        case .rejected, .failed, .interrupted:
            let plain = FailureWords.plain(record.failureKind, status: record.status)
            facts.append(("what happened", plain.what + (record.attemptCount == 0 ? " (not received by the DfE)" : "")))
            let held = HeldDays(record, body: sent, days: days)
            facts.append(("what it means", held.words))
            facts.append(("what next", held.withoutEffect ? "nothing: the DfE has every day this submission carried" : plain.next))
        }
        facts.append(("DfE reference", record.reference.map(visible) ?? "-"))
        facts.append(("attempts", "\(record.attemptCount) (deliveries of the figures to the DfE; sign-in requests are listed for IT)"))
        if let quality = record.dataQuality {
            // Long: wrapped under its heading.
            let hanging = String(repeating: " ", count: 17)
            facts.append(("data quality", String(wrap(quality, indent: hanging, width: 120).dropFirst(17).dropLast())))
        }
        for (name, value) in facts { out += "  \(name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(value)\n" }
        if !record.errors.isEmpty {
            out +=
                record.status == .warnings
                ? "\nDfE warnings (\(record.errors.count)) – figures accepted:\n" : "\nWhat the DfE refused (\(record.errors.count)):\n"
            for error in record.errors { out += "  \(DfEErrorWords.words(error, in: sent))\n" }
        }
        out += "\nFor IT:\n"
        var technical: [(String, String)] = [
            ("HTTP status", record.httpStatus.map(String.init) ?? "-"),
            ("body SHA-256", record.bodySHA256 + (record.forced ? " (sent with --force)" : "")),
            ("body", "\(counted(body.count, "byte")), \(counted(sent?.elements.count ?? 0, "row"))"),
        ]
        if let reason = record.reason { technical.append(("reason", reason)) }
        for (name, value) in technical { out += "  \(name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(value)\n" }
        out += "\nAttempts (token: the DfE's sign-in service; post: delivery of the figures):\n"
        var table = TextTable(["kind", "#", "started", "ms", "HTTP", "Retry-After", "waited", "problem"], numeric: [1, 3, 4])
        for attempt in attempts {
            table.add([
                attempt.kind.rawValue, String(attempt.number), localTime(attempt.startedAt, zone),
                String(Int(attempt.durationSeconds * 1000)),
                attempt.httpStatus.map(String.init) ?? "-", attempt.retryAfterSeconds.map { "\(secondsText($0)) s" } ?? "-",
                attempt.waitedSeconds.map { "\(secondsText($0)) s" } ?? "-", attempt.error ?? "",
            ])
        }
        out += attempts.isEmpty ? "  none (nothing went on the wire)\n" : table.render(indent: "  ")
        let answers = attempts.filter { $0.answer != nil }
        if !answers.isEmpty {
            out += "\nThe DfE's answers (for IT, as received):\n"
            for attempt in answers { out += "  to POST #\(attempt.number): \(visible(attempt.answer ?? ""))\n" }
        }
        if !record.errors.isEmpty {
            out += "\nDfE \(record.status == .warnings ? "warnings" : "errors") as received (\(record.errors.count)):\n"
            for error in record.errors {
                out += "  \(error.code ?? "?") \(error.title ?? "")\(error.detail.map { ": \($0)" } ?? "")\n"
                if let path = error.path { out += "      at \(path)\n" }
            }
        }
        return out + "\nBody sent (\(counted(body.count, "byte"))):\n" + String(decoding: body, as: UTF8.self)
    }

    /// The JSON of `history show --json`.
    static func showJSON(_ record: SubmissionRecord, body: [UInt8], attempts: [AttemptRecord]) -> String {
        struct Detail: Encodable {
            let submission: SubmissionRecord
            let attempts: [AttemptRecord]
            let body: String
        }
        return json(Detail(submission: record, attempts: attempts, body: String(decoding: body, as: UTF8.self)))
    }

    /// Pretty, sorted JSON with ISO 8601 times.
    /// Times are encoded to the second (`.iso8601`), unlike the milliseconds stored. An encoding failure gives
    /// `null`, which cannot happen for these plain types.
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// The reason in plain words: why it failed, that the figures were accepted with warnings, or a note
    /// about the answer.
    static func reason(_ record: SubmissionRecord) -> String {
        switch record.status {
        case .warnings:
            return "figures accepted; the DfE asks to check \(counted(record.errors.count, "thing")) (history show \(record.id) says where)"
        case .rejected, .failed, .interrupted: return FailureWords.plain(record.failureKind, status: record.status).what
        case .accepted, .sending: return record.reason ?? ""
        }
    }
}

extension HistoryRenderer {
    /// `history --days`: each school day of one school, ✓ with the DfE since when, ⚠ changed since it was sent,
    /// or not sent and why; then the registers not taken among them.
    static func days(_ days: SchoolDays, school: Configuration.School, asOf: Day, timeZone: TimeZone) -> String {
        var out = "\(school.displayName): the last \(counted(days.statuses.count, "school day")), as on \(asOf.longDescription)\n"
        var table = TextTable(["school day", "", "DfE"])
        for status in days.statuses.reversed() {
            table.add([status.day.longDescription, status.symbol, status.words(timeZone: timeZone)])
        }
        out += table.render(indent: "  ")
        for gap in days.gaps { out += "  ⚠ \(gap.words)\n" }
        if let problem = days.problem {
            out += "  The MIS copy could not be read, so changes since sending are not checked: \(problem)\n"
        }
        return out
    }
}

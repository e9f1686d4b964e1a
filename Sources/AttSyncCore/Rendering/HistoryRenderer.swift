import Foundation

/// The human and JSON forms of the history: the table of submissions and one submission in full.
enum HistoryRenderer {
    /// The table of submissions, newest first, with the hint to `history show`.
    static func list(_ records: [SubmissionRecord], timeZone: TimeZone) -> String {
        guard !records.isEmpty else { return "No submissions yet.\n" }
        var table = TextTable(
            ["id", "when", "school", "dates", "status", "HTTP", "DfE reference", "attempts", "reason"], numeric: [0, 5, 7])
        for record in records {
            table.add([
                String(record.id), localTime(record.createdAt, timeZone), record.urn,
                "\(datesSummary(record.dates)) (\(record.dates.count))", statusWords(record),
                record.httpStatus.map(String.init) ?? "-", record.reference ?? "-", String(record.attemptCount), reason(record),
            ])
        }
        return table.render() + "`attsync history show ID` gives every attempt, the DfE's errors and the exact body.\n"
    }

    /// One submission in full: every attempt, every DfE error with its path, and the exact body.
    /// - Parameter school: the school's name for people.
    static func show(
        _ record: SubmissionRecord, body: [UInt8], attempts: [AttemptRecord], school: String, timeZone zone: TimeZone
    ) -> String {
        var out = "Submission \(record.id): \(statusWords(record))\n"
        var facts: [(String, String)] = [
            ("school", school), ("run date", record.runDate),
            ("dates", "\(datesSummary(record.dates)) (\(record.dates.count)): \(record.dates.joined(separator: ", "))"),
            ("recorded", localTime(record.createdAt, zone)), ("finished", record.finishedAt.map { localTime($0, zone) } ?? "-"),
            ("HTTP status", record.httpStatus.map(String.init) ?? "-"), ("DfE reference", record.reference ?? "-"),
            ("body SHA-256", record.bodySHA256 + (record.forced ? " (sent with --force)" : "")),
        ]
        if let reason = record.reason { facts.append(("reason", reason)) }
        if let quality = record.dataQuality { facts.append(("data quality", quality)) }
        for (name, value) in facts { out += "  \(name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(value)\n" }
        out += "\nAttempts:\n"
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
            out += "\nDfE errors (\(record.errors.count)):\n"
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

    /// `✓ accepted`, `⚠ 2 warnings`, `✗ rejected`…
    static func statusWords(_ record: SubmissionRecord) -> String { record.status.words(warnings: record.errors.count) }

    /// The reason in words: why it failed, the first warning, or a note about the answer.
    static func reason(_ record: SubmissionRecord) -> String {
        if record.status == .warnings, let first = record.errors.first { return first.summary }
        return record.reason ?? ""
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

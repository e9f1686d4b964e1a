import Foundation

/// `attsync history` and `attsync history show ID`: every send, with ✓ ⚠ ✗ and the reason in words.
public enum History {
    /// Prints the newest `limit` submissions of the schools of `context`, as a table or JSON.
    public static func list(_ context: Context, limit: Int, json: Bool) throws {
        let records =
            try StateStore.openExisting(directory: context.configuration.stateDirectory)?
            .submissions(urns: context.schools.map(\.urn), limit: limit) ?? []
        if json {
            context.console.result(encode(records) + "\n")
            return
        }
        guard !records.isEmpty else {
            context.console.result("No submissions yet.\n")
            return
        }
        let zone = context.configuration.timeZone
        var table = TextTable(
            ["id", "when", "school", "dates", "status", "HTTP", "DfE reference", "attempts", "reason"], numeric: [0, 5, 7])
        for record in records {
            table.add([
                String(record.id), localTime(record.createdAt, zone), record.urn,
                "\(datesSummary(record.dates)) (\(record.dates.count))", statusWords(record),
                record.httpStatus.map(String.init) ?? "-", record.reference ?? "-", String(record.attemptCount), reason(record),
            ])
        }
        context.console.result(table.render() + "`attsync history show ID` gives every attempt, the DfE's errors and the exact body.\n")
    }

    /// Prints one submission in full: every attempt, every DfE error with its path, and the exact body.
    public static func show(_ context: Context, id: Int64, json: Bool) throws {
        guard let store = try StateStore.openExisting(directory: context.configuration.stateDirectory) else {
            throw StateError.noSuchSubmission(id: id)
        }
        let (record, body, attempts) = try store.submission(id: id)
        guard context.schools.contains(where: { $0.urn == record.urn }) else { throw StateError.noSuchSubmission(id: id) }
        if json {
            struct Detail: Encodable {
                let submission: SubmissionRecord
                let attempts: [AttemptRecord]
                let body: String
            }
            let detail = Detail(submission: record, attempts: attempts, body: String(decoding: body, as: UTF8.self))
            context.console.result(encode(detail) + "\n")
            return
        }
        let zone = context.configuration.timeZone
        var out = "Submission \(record.id): \(statusWords(record))\n"
        let school = context.schools.first { $0.urn == record.urn }?.displayName ?? "URN \(record.urn)"
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
                attempt.httpStatus.map(String.init) ?? "-", attempt.retryAfterSeconds.map { "\($0.formatted()) s" } ?? "-",
                attempt.waitedSeconds.map { "\($0.formatted()) s" } ?? "-", attempt.error ?? "",
            ])
        }
        out += attempts.isEmpty ? "  none (nothing went on the wire)\n" : table.render(indent: "  ")
        if !record.errors.isEmpty {
            out += "\nDfE errors (\(record.errors.count)):\n"
            for error in record.errors {
                out += "  \(error.code ?? "?") \(error.title ?? "")\(error.detail.map { ": \($0)" } ?? "")\n"
                if let path = error.path { out += "      at \(path)\n" }
            }
        }
        out += "\nBody sent (\(counted(body.count, "byte"))):\n" + String(decoding: body, as: UTF8.self)
        context.console.result(out)
    }

    /// `✓ accepted`, `⚠ 2 warnings`, `✗ rejected`…
    static func statusWords(_ record: SubmissionRecord) -> String {
        switch record.status {
        case .accepted: return "✓ accepted"
        case .warnings: return "⚠ " + counted(record.errors.count, "warning")
        case .sending: return "… sending"
        case .rejected: return "✗ rejected"
        case .failed: return "✗ failed"
        case .interrupted: return "✗ interrupted"
        }
    }

    /// The reason in words: why it failed, the first warning, or a note about the answer.
    static func reason(_ record: SubmissionRecord) -> String {
        if record.status == .warnings, let first = record.errors.first { return first.summary }
        return record.reason ?? ""
    }

    private static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}

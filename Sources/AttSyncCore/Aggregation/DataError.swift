/// Source data that cannot be sent as it is. Messages give counts and examples (dates, sessions, codes,
/// year groups), never pupil identifiers.
///
/// Always exit 65, and nothing is sent for the school (`send` says so in its plain words): a person must fix
/// the copy or the configuration, and running again without that gives the same answer.
package enum DataError: AttSyncError, Equatable {
    /// Rows that break the rules of docs/mis-schema.md, grouped by problem.
    case invalidRows([Problem])
    /// Codes that are not national on their date after `codes.map`, under `codes.unknown: "fail"`.
    case unknownCodes([UnknownCode])

    /// One kind of invalid row.
    package struct Problem: Equatable, Sendable {
        /// What is wrong, e.g. "attendance_marks rows with a session other than AM or PM".
        package var what: String
        /// Rows with this problem (for ties, enrolment rows; `what` then says how many pupils).
        package var count: Int
        /// A few offending rows, described without pupil identifiers.
        /// At most `Aggregator.exampleCount`.
        package var examples: [String]
    }

    /// One unknown code with where it was seen.
    package struct UnknownCode: Equatable, Sendable {
        /// As recorded in the copy, before mapping.
        package var code: String
        /// The national code `codes.map` turned it into, when it was mapped.
        package var mappedTo: String?
        /// Marks with this code, over every date of the run.
        package var count: Int
        /// The dates it was seen on, each once; the message shows the first five.
        package var days: [Day]
    }

    /// How many unknown codes a message lists before "and N more codes".
    static let listLimit = 10

    package var description: String {
        switch self {
        case .invalidRows(let problems):
            let total = problems.reduce(0) { $0 + $1.count }
            let lines = problems.map { problem in
                // `what` is written for many ("attendance_marks rows with …").
                let what = problem.count == 1 ? problem.what.replacing(" rows ", with: " row ", maxReplacements: 1) : problem.what
                return "  \(problem.count.grouped) \(what), e.g. \(visible(problem.examples.joined(separator: "; ")))"
            }
            return "the MIS copy has \(total) invalid row\(total == 1 ? "; fix it" : "s; fix them") at source:\n"
                + lines.joined(separator: "\n")
        case .unknownCodes(let codes):
            var lines = codes.prefix(Self.listLimit).map { code in
                let shown =
                    code.days.prefix(5).map(\.longDescription).joined(separator: ", ")
                    + (code.days.count > 5 ? " and \(code.days.count - 5) more dates" : "")
                let mapped = code.mappedTo.map { " (mapped to \"\($0)\", which is not in force then)" } ?? ""
                return "  \"\(visible(code.code))\"\(mapped): \(counted(code.count, "mark")) on \(shown)"
            }
            if codes.count > Self.listLimit {
                let rest = codes.dropFirst(Self.listLimit)
                lines.append("  and \(counted(rest.count, "more code")) (\(counted(rest.reduce(0) { $0 + $1.count }, "mark")))")
            }
            let example = codes.first.map { "\"\(visible($0.code))\": \"…\"" } ?? ""
            return "unknown attendance codes:\n" + lines.joined(separator: "\n")
                + "\nmap each to its national code in the configuration (\"codes\": {\"map\": {\(example)}}, with the national code in place of …), correct the marks in the MIS, or set \"codes\": {\"unknown\": \"skip\"} to leave such marks out"
        }
    }

    package var exitStatus: ExitStatus { .dataError }
}

import Foundation

/// The human form of a `SchoolRun`: what `preview` and `send --dry-run` print.
///
/// In school terms first: a line per school day (roll, attendance rate per session, missing marks, whether
/// the DfE has it), then per day the registers of the whole school and each year group (present, late,
/// authorised and unauthorised absence…). `--detail` adds each code in its national wording and the
/// accounting of marks read; `-v` adds what IT checks (rows, bytes, SHA-256).
package enum PreviewRenderer {
    /// Everything about one school's run.
    /// - Parameters:
    ///   - detail: `--detail`: the codes of each date and the data-quality accounting.
    ///   - verbose: `-v`: the body's rows, bytes and SHA-256.
    ///   - statuses: each date as it stands with the DfE (`SchoolRun.dayStatuses`).
    package static func render(
        _ run: SchoolRun, statuses: [Day: SchoolDayStatus], timeZone: TimeZone, detail: Bool, verbose: Bool = false
    ) -> String {
        func label(_ day: DayFigures) -> String {
            guard let status = statuses[day.day] else { return "" }
            return "\(status.symbol) \(status.words(timeZone: timeZone))"
        }
        var out =
            "\(run.school.displayName): run date \(run.runDate.longDescription), "
            + "\(run.figures.totalOnRollOnRunDate.grouped) pupils on roll\n"
        for gap in run.registerGaps { out += "  ⚠ \(gap.words)\n" }
        let catchUp = Set(run.catchUp)
        var table = TextTable(
            ["school day", "on roll", "attendance\nAM", "attendance\nPM", "missing\nmarks", "DfE"], numeric: [1, 2, 3, 4])
        for day in run.figures.days {
            let registers = RegisterCounts(day)
            var row = [day.day.longDescription + (catchUp.contains(day.day) ? " (catch-up)" : "")]
            if day.hasMarks {
                row += [day.totalOnRoll.grouped, percent(registers.tally(.am).rate), percent(registers.tally(.pm).rate)]
                row.append((registers.tally(.am).missing + registers.tally(.pm).missing).grouped)
            } else {
                row += [day.totalOnRoll.grouped, "-", "-", "-"]
            }
            row.append(label(day))
            table.add(row)
        }
        out += table.render(indent: "  ")
        let decision = run.decision(force: false)
        if decision == .nothingToSend {
            out += "  No marks on any of these dates: nothing to send.\n"
        } else {
            if case .unchanged(let since) = decision {
                out +=
                    "  Nothing to send: the DfE already has \(daysWords(run.payload.days)) as they are now "
                    + "(submission \(since); send --force sends them again).\n"
            } else {
                let consent = run.history?.consent.isInForce == true ? "" : ", once consent is given"
                out += "  Would send to the DfE\(consent): \(daysWords(run.payload.days)).\n"
            }
            if verbose {
                out +=
                    "  For IT: \(counted(run.payload.elementCount, "row")), \(counted(run.payload.body.count, "byte")), "
                    + "SHA-256 \(run.payload.sha256)\n"
            }
        }
        let notes = run.qualityNotes(all: detail)
        if !notes.isEmpty {
            out += "  Data quality:\n" + notes.map { "    " + $0 + "\n" }.joined()
        }
        let days = run.figures.days.filter(\.hasMarks)
        guard !days.isEmpty else { return out }
        out += "\n" + wrap(SchoolSummary.legend, indent: "  ")
        for day in days {
            out += "\n  \(day.day.longDescription) · \(label(day))\n"
            out += SchoolSummary.table(RegisterCounts(day)).render(indent: "    ")
            if detail { out += "\n" + renderDetail(day) }
        }
        return out
    }

    /// One date under `--detail`: each code in its national wording, and the session's accounting (rule 8), so
    /// a difference between marks read and marks counted can be traced to its cause.
    private static func renderDetail(_ day: DayFigures) -> String {
        var out = ""
        let codeSet = Catalogue.codeSet(on: day.day)
        var codes = TextTable(["code", "AM", "PM"], numeric: [1, 2])
        for category in [AttendanceCategory.present, .approvedEducationalActivity, .authorisedAbsence, .unauthorisedAbsence, .notCounted] {
            for code in codeSet.codes where code.category == category {
                let am = day.am.counts.values.reduce(0) { $0 + ($1[code.code] ?? 0) }
                let pm = day.pm.counts.values.reduce(0) { $0 + ($1[code.code] ?? 0) }
                if am + pm > 0 { codes.add([code.wording, am.grouped, pm.grouped]) }
            }
        }
        out += codes.render(indent: "    ")
        var quality = TextTable(
            ["session", "marks read", "counted", "not on roll", "skipped", "wrong session", "duplicates", "unmarked"],
            numeric: [1, 2, 3, 4, 5, 6, 7])
        for session in Session.allCases {
            let figures = day[session]
            quality.add(
                [session.rawValue]
                    + [
                        figures.read, figures.counted, figures.notOnRoll, figures.skippedTotal, figures.wrongSession,
                        figures.duplicates, day.unmarked(session),
                    ].map(\.grouped))
        }
        out += "\n" + quality.render(indent: "    ")
        for session in Session.allCases where !day[session].skipped.isEmpty {
            let codes = day[session].skipped.sorted { $0.key < $1.key }.map { "\"\(visible($0.key))\" \($0.value)" }
            out += "    skipped in \(session.rawValue): \(codes.joined(separator: ", "))\n"
        }
        if day.overlappingEnrolments > 0 {
            out +=
                "    \(day.overlappingEnrolments) pupils have enrolments in two year groups covering this date; the latest start date was used\n"
        }
        return out
    }
}

/// `text` broken into lines of at most `width` characters, each starting with `indent`.
func wrap(_ text: String, indent: String, width: Int = 100) -> String {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
        if !line.isEmpty && line.count + 1 + word.count > width - indent.count {
            lines.append(line)
            line = ""
        }
        line += (line.isEmpty ? "" : " ") + word
    }
    if !line.isEmpty { lines.append(line) }
    return lines.map { indent + $0 + "\n" }.joined()
}

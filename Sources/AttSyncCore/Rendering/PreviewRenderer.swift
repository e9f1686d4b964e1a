/// The human form of a `SchoolRun`: what `preview` and `send --dry-run` print.
///
/// Counts are shown as the aggregation made them: the "AM marks" and "PM marks" columns are the marks
/// counted in a year group, i.e. what would be sent; marks left out appear only in the data-quality lines.
package enum PreviewRenderer {
    /// A table per school: each date of the run with its counts; with `detail`, per-code and
    /// per-year-group tables and the data-quality report of every date.
    package static func render(_ run: SchoolRun, detail: Bool) -> String {
        var out =
            "\(run.school.displayName): run date \(run.runDate.longDescription), "
            + "\(run.figures.totalOnRollOnRunDate.grouped) pupils on roll\n"
        let labelled = run.changes != nil
        var table = TextTable(
            ["date", "on roll", "AM marks", "PM marks", "unmarked AM", "unmarked PM"] + (labelled ? ["since last accepted"] : []),
            numeric: [1, 2, 3, 4, 5])
        let catchUp = Set(run.catchUp)
        for day in run.figures.days {
            var row = [day.day.longDescription + (catchUp.contains(day.day) ? " (catch-up)" : "")]
            if day.hasMarks {
                row += [day.totalOnRoll, day.am.counted, day.pm.counted, day.unmarked(.am), day.unmarked(.pm)].map(\.grouped)
                if let change = run.changes?[day.day] { row.append(change.rawValue) }
            } else {
                row += [day.totalOnRoll.grouped, "-", "-", "-", "-"] + (labelled ? ["no marks: not sent"] : [])
            }
            table.add(row)
        }
        out += table.render(indent: "  ")
        if run.figures.days.contains(where: { !$0.hasMarks }) {
            out += "  Dates without marks (-) are not sent.\n"
        }
        let decision = run.decision(force: false)
        if decision == .nothingToSend {
            out += "  No marks on any of these dates: nothing to send.\n"
        } else {
            out +=
                "  Would send \(counted(run.payload.days.count, "date")), \(counted(run.payload.elementCount, "row")), "
                + "\(counted(run.payload.body.count, "byte")), SHA-256 \(run.payload.sha256.prefix(12))…\n"
            if case .unchanged(let since) = decision {
                out += "  Nothing changed since submission \(since): send will not send it again (--force sends it).\n"
            }
        }
        let notes = run.qualityNotes
        if detail {
            for day in run.figures.days where day.hasMarks { out += "\n" + renderDetail(day) }
        } else if !notes.isEmpty {
            out += "  Data quality: " + notes.joined(separator: "; ") + " (--detail shows where)\n"
        }
        return out
    }

    /// One date under `--detail`: counts per code, per year group, and the session's accounting (rule 8), so
    /// a difference between marks read and marks counted can be traced to its cause.
    private static func renderDetail(_ day: DayFigures) -> String {
        var out = "  \(day.day.longDescription)\n"
        let codeSet = Catalogue.codeSet(on: day.day)
        var codes = TextTable(["code", "meaning", "AM", "PM"], numeric: [2, 3])
        for code in codeSet.codes {
            let am = day.am.counts.values.reduce(0) { $0 + ($1[code.code] ?? 0) }
            let pm = day.pm.counts.values.reduce(0) { $0 + ($1[code.code] ?? 0) }
            if am + pm > 0 { codes.add([code.code, code.meaning, am.grouped, pm.grouped]) }
        }
        out += codes.render(indent: "    ")
        var groups = TextTable(
            ["year group", "on roll", "AM marks", "PM marks", "unmarked AM", "unmarked PM"], numeric: [1, 2, 3, 4, 5])
        for yearGroup in Catalogue.yearGroups {
            guard let onRoll = day.onRoll[yearGroup], onRoll > 0 else { continue }
            let counted = Session.allCases.map { day[$0].counts[yearGroup]?.values.reduce(0, +) ?? 0 }
            let unmarked = Session.allCases.map { max(0, onRoll - (day[$0].markedOnRoll[yearGroup] ?? 0)) }
            groups.add([yearGroup, onRoll.grouped] + (counted + unmarked).map(\.grouped))
        }
        out += "\n" + groups.render(indent: "    ")
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
            let codes = day[session].skipped.sorted { $0.key < $1.key }.map { "\"\($0.key)\" \($0.value)" }
            out += "    skipped in \(session.rawValue): \(codes.joined(separator: ", "))\n"
        }
        if day.overlappingEnrolments > 0 {
            out +=
                "    \(day.overlappingEnrolments) pupils have enrolments in two year groups covering this date; the latest start date was used\n"
        }
        return out
    }
}

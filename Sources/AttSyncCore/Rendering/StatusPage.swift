import Foundation

/// The office's status page and the head's weekly page: one self-contained HTML file (`history --html`),
/// readable without JavaScript, with no external assets, printable.
///
/// Everything that came from outside attsync (school names, the DfE's references and reasons, codes) is
/// escaped with `html(_:)`; the page is also well-formed XML, so its structure can be checked by a parser.
enum StatusPage {
    /// One school's part of the page.
    struct School {
        var school: Configuration.School
        var consent: ConsentHistory
        /// The last school days, as they stand with the DfE.
        var days: SchoolDays
        /// The figures the DfE holds for each date it accepted (from the latest accepted body carrying it).
        var accepted: [Day: (registers: RegisterCounts, reference: String?)]
        /// Failed, refused or interrupted submissions among the recent ones, newest first.
        var failures: [SubmissionRecord]
        /// Of `failures`, those without effect now (`HeldDays.withoutEffect`).
        var resolved: Set<Int64> = []
        /// The school's last `send` run when it stopped before anything was sent (no consent, a MIS copy that
        /// could not be read, marks that cannot be sent): it made no submission, so `failures` cannot show it.
        var stoppedRun: RunRecord?
        /// The days of the week for `--week` (Monday to Friday up to the day), and of the week before.
        var week: (this: [Day], last: [Day])?
    }

    /// The whole page.
    /// - Parameters:
    ///   - asOf: the day the page is written as on.
    ///   - written: when, for the footer.
    static func render(_ schools: [School], asOf: Day, written: Date, timeZone: TimeZone) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en-GB" xmlns="http://www.w3.org/1999/xhtml">
            <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>Attendance sent to the DfE – \(html(asOf.longDescription))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header><h1>Attendance sent to the DfE</h1>
            <p>As on \(html(asOf.longDescription)); written \(html(localDayTime(written, timeZone))) by attsync \(html(attsyncVersion)).
            ✓ with the DfE · ⚠ changed since it was sent · … waiting for the next run · ✗ not with the DfE · – nothing to send · ? not known (the MIS copy could not be read).</p></header>

            """
        for school in schools { out += section(school, timeZone: timeZone) }
        for school in schools { if let week = school.week { out += weekly(school, week: week, timeZone: timeZone) } }
        return out + "</body>\n</html>\n"
    }

    /// One school: consent, the days, problems, the chart and the figures per day.
    private static func section(_ page: School, timeZone: TimeZone) -> String {
        let school = page.school
        var out = "<section class=\"school\" id=\"school-\(html(school.urn))\">\n"
        out +=
            "<h2>\(html(school.name.isEmpty ? "URN \(school.urn)" : school.name)) <span class=\"urn\">URN \(html(school.urn))</span></h2>\n"
        out += consent(page.consent, timeZone: timeZone)
        out +=
            "<h3>Has it reached the DfE?</h3>\n<table class=\"days\">\n<thead><tr><th>School day</th><th></th><th>DfE</th></tr></thead>\n<tbody>\n"
        for status in page.days.statuses.reversed() {
            out +=
                "<tr class=\"\(cssClass(status))\"><td>\(html(status.day.longDescription))</td><td class=\"mark\">\(html(status.symbol))</td>"
                + "<td>\(html(status.words(timeZone: timeZone)))</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
        if let problem = page.days.problem {
            out += "<p class=\"warn\">The MIS copy could not be read, so changes since sending are not checked: \(html(problem))</p>\n"
        }
        if !page.days.gaps.isEmpty {
            out += "<ul class=\"gaps\">\n" + page.days.gaps.map { "<li>⚠ \(html($0.words))</li>\n" }.joined() + "</ul>\n"
        }
        // Open problems first; one without effect now is listed apart, so it is not taken for a problem still
        // to solve.
        let stopped = page.stoppedRun.map { [stoppedItem($0, timeZone: timeZone)] } ?? []
        for (heading, items, records) in [
            ("Problems", stopped, page.failures.filter { !page.resolved.contains($0.id) }),
            (
                "Earlier problems, without effect now: the DfE has every day they carried", [],
                page.failures.filter { page.resolved.contains($0.id) }
            ),
        ] where !items.isEmpty || !records.isEmpty {
            out += "<h3>\(heading)</h3>\n<ul class=\"failures\">\n" + items.joined()
            for record in records {
                let plain = FailureWords.plain(record.failureKind, status: record.status)
                let next = page.resolved.contains(record.id) ? "" : " Next: \(html(plain.next))."
                out +=
                    "<li><strong>\(html(localDayTime(record.createdAt, timeZone))), \(html(daysWords(record.dates)))</strong>: "
                    + "\(html(plain.what))\(record.attemptCount == 0 ? " (not received by the DfE)" : "").\(next) "
                    + "<span class=\"it\">For IT: attsync history show \(record.id)</span></li>\n"
            }
            out += "</ul>\n"
        }
        let rates = page.accepted.keys.sorted().compactMap { day in page.accepted[day]?.registers.tally().rate.map { (day, $0) } }
        out += "<h3>Daily attendance rate (figures the DfE accepted)</h3>\n" + chart(rates, school: school)
        let shown = page.days.statuses.map(\.day).reversed().filter { page.accepted[$0] != nil }
        if !shown.isEmpty {
            out += "<h3>The figures the DfE has, per school day</h3>\n"
            out += "<p class=\"legend\">\(html(SchoolSummary.legend))</p>\n"
            for day in shown {
                guard let (registers, reference) = page.accepted[day] else { continue }
                let rates = Session.allCases.map { "\($0.rawValue) \(percent(registers.tally($0).rate))" }.joined(separator: ", ")
                out += "<details><summary>\(html(day.longDescription)) – attendance \(html(rates))"
                out += (reference.map { " (\(html($0)))" } ?? "") + "</summary>\n" + table(registers) + "</details>\n"
            }
        }
        return out + "</section>\n"
    }

    /// Who gave consent and when, and what it covers (`ConsentStatement`).
    private static func consent(_ history: ConsentHistory, timeZone: TimeZone) -> String {
        if let current = history.inForce {
            return "<p class=\"consent ok\">Consent given by \(html(current.by)) on \(html(localDayTime(current.at, timeZone))): "
                + "counts only, per year group, session and code; no names or pupil identifiers.</p>\n"
        }
        return "<p class=\"consent no\">No consent: nothing is sent for this school.</p>\n"
    }

    /// The school-language summary of one date, as `preview` shows it.
    static func table(_ registers: RegisterCounts) -> String {
        var out = "<table class=\"summary\">\n<thead><tr>"
        out += SchoolSummary.headers.map {
            "<th>\(html($0.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)))</th>"
        }
        .joined()
        out += "</tr></thead>\n"
        for session in Session.allCases {
            out += "<tbody>\n<tr class=\"session\"><th colspan=\"\(SchoolSummary.headers.count)\">\(session.rawValue)</th></tr>\n"
            let rows =
                [("whole school", registers.tally(session))]
                + registers.yearGroups.map { (yearGroupName($0), registers.tally(session, yearGroup: $0)) }
            for (name, tally) in rows {
                out += "<tr><th>\(html(name))</th>" + SchoolSummary.cells(tally).map { "<td>\(html($0))</td>" }.joined() + "</tr>\n"
            }
            out += "</tbody>\n"
        }
        return out + "</table>\n"
    }

    /// A small line chart of the daily attendance rate, inline SVG with a title per point (no script).
    static func chart(_ rates: [(Day, Double)], school: Configuration.School) -> String {
        guard !rates.isEmpty else { return "<p>No figures accepted yet.</p>\n" }
        let width = 640.0
        let height = 160.0
        let left = 48.0
        let right = 12.0
        let top = 10.0
        let bottom = 28.0
        let low = max(0, (floor(rates.map(\.1).min()! * 100) - 1) / 100)
        let high = 1.0
        func x(_ index: Int) -> Double {
            rates.count == 1 ? left + (width - left - right) / 2 : left + Double(index) * (width - left - right) / Double(rates.count - 1)
        }
        func y(_ rate: Double) -> Double { top + (high - rate) / max(high - low, 0.0001) * (height - top - bottom) }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        let points = rates.enumerated().map { "\(number(x($0.offset))),\(number(y($0.element.1)))" }.joined(separator: " ")
        let name = html(school.displayName)
        var out = "<figure class=\"chart\">\n"
        out +=
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" aria-labelledby=\"chart-\(html(school.urn))\">\n"
        out += "<title id=\"chart-\(html(school.urn))\">Daily attendance rate of \(name), \(html(daysWords(rates.map(\.0))))</title>\n"
        for rate in [low, (low + high) / 2, high] {
            out +=
                "<line class=\"grid\" x1=\"\(number(left))\" y1=\"\(number(y(rate)))\" x2=\"\(number(width - right))\" y2=\"\(number(y(rate)))\" />"
                + "<text class=\"axis\" x=\"\(number(left - 4))\" y=\"\(number(y(rate) + 4))\" text-anchor=\"end\">\(percent(rate))</text>\n"
        }
        out += "<polyline class=\"rate\" points=\"\(points)\" />\n"
        for (index, (day, rate)) in rates.enumerated() {
            out +=
                "<circle class=\"point\" cx=\"\(number(x(index)))\" cy=\"\(number(y(rate)))\" r=\"3\"><title>\(html(day.longDescription)): \(percent(rate))</title></circle>\n"
        }
        let first = rates.first!.0
        let last = rates.last!.0
        out +=
            "<text class=\"axis\" x=\"\(number(x(0)))\" y=\"\(number(height - 8))\" text-anchor=\"start\">\(html(first.longDescription))</text>\n"
        if rates.count > 1 {
            out +=
                "<text class=\"axis\" x=\"\(number(x(rates.count - 1)))\" y=\"\(number(height - 8))\" text-anchor=\"end\">\(html(last.longDescription))</text>\n"
        }
        out += "</svg>\n"
        let average = rates.map(\.1).reduce(0, +) / Double(rates.count)
        out +=
            "<figcaption>Sent: \(html(daysWords(rates.map(\.0)))); lowest \(percent(rates.map(\.1).min())), "
            + "highest \(percent(rates.map(\.1).max())), average of the days \(percent(average)).</figcaption>\n"
        return out + "</figure>\n"
    }

    /// A run stopped before sending, from the words `send` recorded: what happened and what next.
    private static func stoppedItem(_ run: RunRecord, timeZone: TimeZone) -> String {
        let lines = (run.problem ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let next = lines.first { $0.hasPrefix("What next: ") }.map { " Next: \(html(String($0.dropFirst("What next: ".count))))." } ?? ""
        let runDate = Day(iso: run.runDate)?.longDescription ?? run.runDate
        return "<li><strong>\(html(localDayTime(run.finishedAt, timeZone))), the run for \(html(runDate))</strong>: "
            + "\(html(lines.first ?? "the run failed")).\(next) <span class=\"it\">For IT: attsync status</span></li>\n"
    }

    /// The head's week: rate by year group with the change on last week, registers not taken, the DfE's status.
    private static func weekly(_ page: School, week: (this: [Day], last: [Day]), timeZone: TimeZone) -> String {
        let school = page.school
        var out = "<section class=\"week\" id=\"week-\(html(school.urn))\">\n"
        out += "<h2>Week of \(html(daysWords(week.this))) – \(html(school.displayName))</h2>\n"
        func tally(_ days: [Day], _ yearGroup: String?) -> AttendanceTally {
            days.compactMap { page.accepted[$0]?.registers }.reduce(AttendanceTally()) { sum, registers in
                guard let yearGroup else { return sum + registers.tally() }
                return registers.yearGroups.contains(yearGroup) ? sum + registers.tally(yearGroup: yearGroup) : sum
            }
        }
        let groups = Catalogue.yearGroups.filter { group in
            week.this.contains { page.accepted[$0]?.registers.yearGroups.contains(group) ?? false }
        }
        // Each week's rate is over the days whose figures the DfE accepted: the heading names them.
        func sent(_ days: [Day]) -> String {
            let sent = days.filter { page.accepted[$0] != nil }
            return sent.isEmpty ? "no days sent" : html(daysWords(sent))
        }
        out += "<table class=\"weekly\">\n<thead><tr><th>Year group</th><th>Attendance this week (\(sent(week.this)))</th>"
        out += "<th>Last week (\(sent(week.last)))</th><th>Change</th>"
        out += "<th>Authorised absence (sessions)</th><th>Unauthorised absence (sessions)</th></tr></thead>\n<tbody>\n"
        for (name, group) in [("Whole school", String?.none)] + groups.map({ (yearGroupName($0), Optional($0)) }) {
            let now = tally(week.this, group)
            let before = tally(week.last, group)
            let change =
                now.rate.flatMap { rate in
                    before.rate.map { old -> String in
                        // From the rates as printed, so the column adds up for a reader who checks it.
                        let printed = { (rate: Double) in Double(percent(rate).dropLast()) ?? rate * 100 }
                        let points = ((printed(rate) - printed(old)) * 10).rounded() / 10
                        return points == 0 ? "0.0 pts" : String(format: "%+.1f pts", points)
                    }
                } ?? "-"
            out +=
                "<tr><th>\(html(name))</th><td>\(percent(now.rate))</td><td>\(percent(before.rate))</td><td>\(html(change.replacingOccurrences(of: "-", with: "−")))</td>"
                + "<td>\(now.authorised.grouped)</td><td>\(now.unauthorised.grouped + (now.lateAfterClose > 0 ? " + \(now.lateAfterClose.grouped) late after close" : ""))</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
        let sent = week.this.filter { page.accepted[$0] != nil }
        if sent.count < week.this.count {
            out += "<p class=\"note\">Rates are of the days the DfE has: \(html(daysWords(sent))).</p>\n"
        }
        let gaps = page.days.gaps.filter { week.this.contains($0.day) }
        out += "<h3>Registers not taken</h3>\n"
        if !gaps.isEmpty {
            out += "<ul class=\"gaps\">\n" + gaps.map { "<li>\(html($0.words))</li>\n" }.joined() + "</ul>\n"
        } else {
            out += page.days.problem == nil ? "<p>None.</p>\n" : "<p>Not known: the MIS copy could not be read.</p>\n"
        }
        out += "<h3>With the DfE?</h3>\n<ul class=\"dfe\">\n"
        for status in page.days.statuses where week.this.contains(status.day) {
            out +=
                "<li class=\"\(cssClass(status))\">\(html(status.day.longDescription)): \(html(status.symbol)) \(html(status.words(timeZone: timeZone)))</li>\n"
        }
        return out + "</ul>\n</section>\n"
    }

    private static func cssClass(_ status: SchoolDayStatus) -> String {
        switch status.state {
        case .withDfE: return "ok"
        case .changed: return "changed"
        case .notSent(.noMarks), .notSent(.beforeConsent): return "none"
        case .notSent(.nextRun), .notSent(.sending): return "waiting"
        case .notSent: return "failed"
        }
    }

    /// Print-friendly, no external fonts or images.
    private static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:1.5rem;color:#1b1b1b;max-width:70rem}
        h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.3rem;border-bottom:2px solid #1d70b8;padding-bottom:.2rem;margin-top:2rem}
        h3{font-size:1.05rem;margin:1.2rem 0 .4rem}.urn{font-weight:normal;color:#505a5f;font-size:1rem}
        table{border-collapse:collapse;margin:.3rem 0}th,td{padding:.2rem .5rem;text-align:left;vertical-align:top}
        table.days td,table.weekly td,table.weekly th{border-bottom:1px solid #ddd}
        table.summary td{text-align:right;font-variant-numeric:tabular-nums}table.summary th{font-size:.85rem}
        table.summary tr.session th{background:#f3f2f1;text-align:left}td.mark{text-align:center}
        tr.ok td.mark,li.ok{color:#00703c}tr.changed td.mark,li.changed{color:#b45f06}tr.failed td.mark,li.failed{color:#d4351c}
        tr.failed td{background:#fdf0ee}.consent.ok{color:#00703c}.consent.no,.warn{color:#d4351c}
        ul.gaps li{color:#b45f06}table.weekly td{white-space:nowrap}.it{color:#505a5f;font-size:.85rem}.legend,.note,figcaption{color:#505a5f;font-size:.9rem}
        svg .grid{stroke:#ddd;stroke-width:1}svg .rate{fill:none;stroke:#1d70b8;stroke-width:2}svg .point{fill:#1d70b8}
        svg .axis{font-size:11px;fill:#505a5f}details{margin:.2rem 0}summary{cursor:pointer}
        @media print{body{margin:0;max-width:none}section.week{page-break-before:always}details>*{display:block}
        section.school{page-break-after:always}a{color:inherit}}
        """
}

/// Text made safe for HTML and XML, in content and in quoted attributes.
func html(_ text: String) -> String {
    var out = ""
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            // Control characters are not allowed in XML 1.0 and mean nothing on a page.
            if character.unicodeScalars.allSatisfy({ $0.value >= 0x20 || $0 == "\n" || $0 == "\t" }) {
                out.append(character)
            } else {
                out += visible(String(character))
            }
        }
    }
    return out
}

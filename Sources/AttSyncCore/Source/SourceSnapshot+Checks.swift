/// What `attsync check` asks of a MIS copy beyond what a run reads: whether the read by date can use an
/// index, and which codes the copy holds.

/// How SQLite would read `attendance_marks` for a range of dates (`EXPLAIN QUERY PLAN`).
package struct DateIndexPlan: Sendable, Equatable {
    /// Each line of the plan, as SQLite words it (`SEARCH attendance_marks USING INDEX attendance_marks_by_date
    /// (date>? AND date<?)`, `SCAN roll_call`).
    package var lines: [String]

    /// The tables read from end to end: any of them makes every run read the whole table.
    package var scannedTables: [String] {
        lines.compactMap { line in
            guard line.hasPrefix("SCAN ") else { return nil }
            // SQLite before 3.36 wrote `SCAN TABLE name`.
            var rest = line.dropFirst("SCAN ".count)
            if rest.hasPrefix("TABLE ") { rest = rest.dropFirst("TABLE ".count) }
            let name = rest.prefix { $0 != " " }
            // A constant row, a subquery or a table-valued function is not a table of the copy.
            guard !name.isEmpty, !["CONSTANT", "json_each", "SUBQUERY"].contains(String(name)) else { return nil }
            return String(name)
        }
    }

    /// The index the plan uses, when it uses one.
    package var index: String? {
        for line in lines {
            for marker in ["USING COVERING INDEX ", "USING INDEX "] {
                if let range = line.range(of: marker) {
                    return String(line[range.upperBound...].prefix { $0 != " " })
                }
            }
        }
        return nil
    }

    /// The index is used and no table is scanned.
    package var isUsable: Bool { index != nil && scannedTables.isEmpty }
}

extension SourceSnapshot {
    /// The plan of the read every run makes (`Aggregator.daysWithMarks`: a range of dates).
    /// - Throws: `SQLiteError`.
    package func dateIndexPlan() throws -> DateIndexPlan {
        var lines: [String] = []
        try connection.query(
            "EXPLAIN QUERY PLAN SELECT DISTINCT date FROM attendance_marks WHERE date >= ?1 AND date < ?2",
            [.text("2000-01-01"), .text("2000-01-02")]
        ) { row in if let detail = row.text(3) { lines.append(detail) } }
        return DateIndexPlan(lines: lines)
    }

    /// The number of marks per date and code as recorded (before `codes.map`), of the dates `[from, through]`.
    /// Rows with a date that is not a real `YYYY-MM-DD` are left out: the run reports those as invalid rows.
    /// - Throws: `SQLiteError`.
    package func marksByDateAndCode(from: Day, through: Day) throws -> [(day: Day, code: String, count: Int)] {
        var rows: [(day: Day, code: String, count: Int)] = []
        try connection.query(
            """
            SELECT date, code, count(*) FROM attendance_marks
            WHERE date >= ?1 AND date <= ?2 AND code IS NOT NULL GROUP BY date, code ORDER BY date, code
            """,
            [.text(from.description), .text(through.description)]
        ) { row in
            guard let day = row.text(0).flatMap(Day.init(iso:)), let code = row.text(1) else { return }
            rows.append((day, code, row.int(2)))
        }
        return rows
    }
}

/// Rule 6 of docs/mis-schema.md: rows that cannot be counted. Each check is one query that yields
/// (problem, count, example) rows; examples describe rows by dates, sessions, codes and year groups, never
/// by pupil identifier.
extension Aggregator {
    /// Enrolment rows that cannot be placed in time or in a national year group (the whole table).
    /// Each row is reported under its first problem only, in the order of the CASE.
    /// - Throws: `SQLiteError`.
    func invalidEnrolments(_ db: SQLiteConnection) throws -> [DataError.Problem] {
        try problems(
            db,
            """
            SELECT problem AS what, count(*) OVER (PARTITION BY problem) AS total,
                   'year_group ' || quote(year_group) || ', start ' || quote(start_date) || ', end ' || quote(end_date) AS example
            FROM (
                SELECT year_group, start_date, end_date, CASE
                    WHEN pupil_id IS NULL OR pupil_id = '' THEN 'enrolments rows without a pupil_id'
                    WHEN year_group IS NULL OR year_group NOT IN (SELECT value FROM json_each(?1))
                        THEN 'enrolments rows with a year group not in the national list'
                    WHEN typeof(start_date) != 'text' OR date(start_date, '+0 days') IS NOT start_date
                        THEN 'enrolments rows with a start_date that is not a real YYYY-MM-DD date'
                    WHEN end_date IS NOT NULL AND (typeof(end_date) != 'text' OR date(end_date, '+0 days') IS NOT end_date)
                        THEN 'enrolments rows with an end_date that is not a real YYYY-MM-DD date'
                    WHEN end_date < start_date THEN 'enrolments rows with an end_date before their start_date'
                END AS problem
                FROM enrolments)
            WHERE problem IS NOT NULL
            """, [.text(jsonArray(Catalogue.yearGroups))])
    }

    /// Marks whose date is not a real `YYYY-MM-DD` date, anywhere in the table: such a mark could belong
    /// to any day, so no day can be trusted.
    /// Each distinct date is checked in Swift by `Day(iso:)`, the same test as `--date` and
    /// `window.nonSchoolDays`; a date stored as a number is invalid too. With `indexed` the distinct dates are
    /// walked one index seek each (`MarksTable.distinctDatesSQL`) and only the bad ones counted, which costs
    /// the same for five years of history as for one; otherwise every mark's date is grouped.
    /// - Throws: `SQLiteError`.
    func invalidMarkDates(_ db: SQLiteConnection, indexed: Bool) throws -> [DataError.Problem] {
        var bad: [(value: SQLValue, count: Int)] = []
        if indexed {
            // In index order, as GROUP BY gives them: NULL first (min() passes over it), then the rest.
            if case .integer(let nulls) = try db.scalar("SELECT count(*) FROM attendance_marks WHERE date IS NULL"), nulls > 0 {
                bad.append((.null, Int(nulls)))
            }
            var values: [SQLValue] = []
            try db.query(MarksTable.distinctDatesSQL(ranged: false)) { row in
                let value = row.value(0)
                if case .text(let text) = value, Day(iso: text) != nil { return }
                values.append(value)
            }
            for value in values {
                if case .integer(let count) = try db.scalar("SELECT count(*) FROM attendance_marks WHERE date = ?1", [value]) {
                    bad.append((value, Int(count)))
                }
            }
        } else {
            try db.query("SELECT date, count(*) FROM attendance_marks GROUP BY date") { row in
                let value = row.value(0)
                if case .text(let text) = value, Day(iso: text) != nil { return }
                bad.append((value, row.int(1)))
            }
        }
        guard !bad.isEmpty else { return [] }
        var examples: [String] = []
        for (value, _) in bad.prefix(Self.exampleCount) {
            // `date = NULL` matches nothing, so a NULL date needs its own condition.
            let condition = value == .null ? "date IS NULL" : "date = ?1"
            try db.query(
                "SELECT quote(date), quote(session), quote(code) FROM attendance_marks WHERE \(condition) LIMIT 1",
                value == .null ? [] : [value]
            ) { row in
                examples.append("date \(row.text(0) ?? "") session \(row.text(1) ?? "") code \(row.text(2) ?? "")")
            }
        }
        return [
            .init(
                what: "attendance_marks rows with a date that is not a real YYYY-MM-DD date",
                count: bad.reduce(0) { $0 + $1.count }, examples: examples)
        ]
    }

    /// Marks on the run's dates with a bad session, no code or no pupil.
    /// Only the run's dates are checked: a bad session or code on another day does not stop today's send.
    /// - Parameter daysJSON: the run's dates as a JSON array of `YYYY-MM-DD` text.
    /// - Throws: `SQLiteError`.
    func invalidMarks(_ db: SQLiteConnection, _ daysJSON: SQLValue) throws -> [DataError.Problem] {
        try problems(
            db,
            """
            SELECT problem AS what, count(*) OVER (PARTITION BY problem) AS total,
                   'date ' || quote(date) || ' session ' || quote(session) || ' code ' || quote(code) AS example
            FROM (
                SELECT date, session, code, CASE
                    WHEN session IS NULL OR session NOT IN ('AM', 'PM')
                        THEN 'attendance_marks rows with a session other than AM or PM'
                    WHEN code IS NULL OR trim(code) = '' THEN 'attendance_marks rows without a code'
                    WHEN pupil_id IS NULL OR pupil_id = '' THEN 'attendance_marks rows without a pupil_id'
                END AS problem
                FROM attendance_marks
                WHERE date IN (SELECT value FROM json_each(?1)))
            WHERE problem IS NOT NULL
            """, [daysJSON])
    }

    /// Enrolments that tie for a pupil's latest on some date of the run: the same start date in different
    /// year groups (rule 1). Counted as rows and pupils, however many dates each tie covers.
    /// Needs `temp.attsync_covering`, so `stage` calls it after filling that table.
    /// - Throws: `SQLiteError`.
    func enrolmentTies(_ db: SQLiteConnection) throws -> [DataError.Problem] {
        try problems(
            db,
            """
            WITH latest AS (
                SELECT day, pupil_id, max(start_date) AS start_date FROM temp.attsync_covering
                GROUP BY day, pupil_id HAVING count(*) > 1),
            tied AS (
                SELECT DISTINCT c.pupil_id, c.start_date, c.year_group
                FROM temp.attsync_covering AS c JOIN latest AS l USING (day, pupil_id, start_date)),
            ties AS (
                SELECT pupil_id, start_date, group_concat(year_group) AS groups, count(*) AS rows FROM tied
                GROUP BY pupil_id, start_date HAVING count(*) > 1),
            pupils AS (SELECT count(DISTINCT pupil_id) AS n FROM ties)
            SELECT 'enrolments rows (of ' || (SELECT n FROM pupils) || CASE (SELECT n FROM pupils) WHEN 1 THEN ' pupil' ELSE ' pupils' END
                       || ') that start the same day as another enrolment of the same pupil in a different year group' AS what,
                   (SELECT sum(rows) FROM ties) AS total,
                   'start ' || start_date || ', year groups ' || groups AS example
            FROM ties
            """)
    }

    /// Sessions of one pupil recorded twice with different codes (duplicates through a view).
    /// Needs `temp.attsync_marks`; the example lists the codes from the copy itself, since the staged table
    /// keeps only one of them.
    /// - Throws: `SQLiteError`.
    func conflictingMarks(_ db: SQLiteConnection) throws -> [DataError.Problem] {
        try problems(
            db,
            """
            SELECT 'sessions marked twice for the same pupil with different codes' AS what, count(*) OVER () AS total,
                   'date ' || day || ' session ' || session || ' codes ' || (
                       SELECT group_concat(DISTINCT quote(a.code)) FROM attendance_marks AS a
                       WHERE a.date = m.day AND a.pupil_id = m.pupil_id AND a.session = m.session) AS example
            FROM temp.attsync_marks AS m WHERE codes > 1
            """)
    }

    /// Runs a query of (problem, count, example) rows and keeps a few examples per problem.
    /// `sql` must yield `what`, `total` and `example` columns, `total` being the same on every row of a problem;
    /// `row_number()` keeps the first `exampleCount` examples of each.
    /// - Throws: `SQLiteError`.
    private func problems(_ db: SQLiteConnection, _ sql: String, _ bindings: [SQLValue] = []) throws -> [DataError.Problem] {
        var found: [DataError.Problem] = []
        let limited = """
            SELECT what, total, example FROM (
                SELECT q.*, row_number() OVER (PARTITION BY q.what) AS rank FROM (\(sql)) AS q)
            WHERE rank <= \(Self.exampleCount)
            """
        try db.query(limited, bindings) { row in
            guard let what = row.text(0) else { return }
            if let index = found.firstIndex(where: { $0.what == what }) {
                found[index].examples.append(row.text(2) ?? "")
            } else {
                found.append(.init(what: what, count: row.int(1), examples: [row.text(2) ?? ""]))
            }
        }
        return found
    }
}

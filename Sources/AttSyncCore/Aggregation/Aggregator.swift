import Foundation

/// Turns the MIS copy into `SchoolFigures` for a set of dates, in SQL, following docs/mis-schema.md.
///
/// SQLite does the row work (validation, on-roll resolution, de-duplication, mapping and `GROUP BY` over
/// the indexed dates); Swift sees only a few hundred grouped rows and applies the code rules by date.
/// Callers run every query of a run inside one `SourceDatabase.read`, so all see one snapshot.
public struct Aggregator {
    public var codes: Configuration.Codes

    /// How many example rows each problem quotes.
    static let exampleCount = 3

    public init(codes: Configuration.Codes) { self.codes = codes }

    /// Aggregates `days` (ascending, without duplicates) and the run date's roll.
    /// - Throws: `DataError` for invalid rows or unknown codes (under `fail`), `SourceError` for read failures.
    public func aggregate(_ source: SourceDatabase, days: [Day], runDate: Day) throws -> SchoolFigures {
        try aggregate(source.connection, days: days, runDate: runDate)
    }

    /// The dates in `[from, end)` with at least one mark (for catch-up), ascending.
    public func daysWithMarks(_ source: SourceDatabase, from: Day, before end: Day) throws -> [Day] {
        var days: [Day] = []
        try source.connection.query(
            "SELECT DISTINCT date FROM attendance_marks WHERE date >= ?1 AND date < ?2 ORDER BY date",
            [.text(from.description), .text(end.description)]
        ) { row in if let day = row.text(0).flatMap(Day.init(iso:)) { days.append(day) } }
        return days
    }

    private func aggregate(_ db: SQLiteConnection, days: [Day], runDate: Day) throws -> SchoolFigures {
        let rollDays = Set(days + [runDate]).sorted()
        let daysJSON = SQLValue.text(jsonArray(days.map(\.description)))
        let rollDaysJSON = SQLValue.text(jsonArray(rollDays.map(\.description)))

        var problems = try invalidEnrolments(db)
        problems += try invalidMarkDates(db)
        problems += try invalidMarks(db, daysJSON)

        try db.execute(
            """
            DROP TABLE IF EXISTS temp.covering;
            DROP TABLE IF EXISTS temp.roll;
            DROP TABLE IF EXISTS temp.marks;
            CREATE TEMP TABLE covering(day TEXT, pupil_id TEXT, year_group TEXT, start_date TEXT);
            CREATE TEMP TABLE roll(day TEXT, pupil_id TEXT, year_group TEXT, PRIMARY KEY (day, pupil_id)) WITHOUT ROWID;
            CREATE TEMP TABLE marks(pupil_id TEXT, day TEXT, session TEXT, code TEXT, copies INTEGER, codes INTEGER,
                                    PRIMARY KEY (day, pupil_id, session)) WITHOUT ROWID;
            """)
        // Rule 1: a pupil is on roll on d when an enrolment covers d, admission to leaving inclusive.
        try db.run(
            """
            INSERT INTO temp.covering
            SELECT d.value, e.pupil_id, e.year_group, e.start_date
            FROM json_each(?1) AS d
            JOIN enrolments AS e ON e.start_date <= d.value AND (e.end_date IS NULL OR e.end_date >= d.value)
            WHERE e.pupil_id IS NOT NULL  -- reported as invalid rows above
            """, [rollDaysJSON])
        // Several covering rows: the latest start_date gives the year group.
        try db.run(
            """
            INSERT INTO temp.roll
            SELECT day, pupil_id, year_group FROM (
                SELECT day, pupil_id, year_group,
                       row_number() OVER (PARTITION BY day, pupil_id ORDER BY start_date DESC, year_group) AS rank
                FROM temp.covering)
            WHERE rank = 1
            """)
        problems += try enrolmentTies(db)
        // Rule 7: duplicates (possible only through a view) are kept once; different codes are a conflict.
        try db.run(
            """
            INSERT INTO temp.marks
            SELECT pupil_id, date, session, min(code), count(*), count(DISTINCT code)
            FROM attendance_marks
            WHERE date IN (SELECT value FROM json_each(?1)) AND pupil_id IS NOT NULL AND session IS NOT NULL
            GROUP BY date, pupil_id, session
            """, [daysJSON])
        problems += try conflictingMarks(db)
        guard problems.isEmpty else { throw DataError.invalidRows(problems) }

        var figures = Dictionary(uniqueKeysWithValues: rollDays.map { ($0, DayFigures(day: $0)) })
        try db.query("SELECT day, year_group, count(*) FROM temp.roll GROUP BY day, year_group") { row in
            guard let day = row.text(0).flatMap(Day.init(iso:)), let yearGroup = row.text(1) else { return }
            figures[day]?.onRoll[yearGroup] = row.int(2)
        }
        try db.query(
            """
            SELECT day, count(*) FROM (
                SELECT day, pupil_id FROM temp.covering GROUP BY day, pupil_id HAVING count(DISTINCT year_group) > 1)
            GROUP BY day
            """
        ) { row in
            guard let day = row.text(0).flatMap(Day.init(iso:)) else { return }
            figures[day]?.overlappingEnrolments = row.int(1)
        }
        try db.query(
            """
            SELECT day, session, sum(copies - 1) FROM temp.marks WHERE copies > 1 GROUP BY day, session
            """
        ) { row in
            guard let day = row.text(0).flatMap(Day.init(iso:)), let session = row.text(1).flatMap(Session.init) else { return }
            figures[day]?[session].duplicates = row.int(2)
        }

        // Rules 2–5, grouped: year group as at the mark's date (NULL: not on roll), code after codes.map.
        var unknown: [String: DataError.UnknownCode] = [:]
        try db.query(
            """
            SELECT m.day, m.session, r.year_group, m.code, coalesce(map.value, m.code), count(*)
            FROM temp.marks AS m
            LEFT JOIN temp.roll AS r ON r.day = m.day AND r.pupil_id = m.pupil_id
            LEFT JOIN json_each(?1) AS map ON map.key = m.code
            GROUP BY m.day, m.session, r.year_group, m.code
            """, [.text(jsonObject(codes.map))]
        ) { row in
            guard let day = row.text(0).flatMap(Day.init(iso:)), let session = row.text(1).flatMap(Session.init),
                let recorded = row.text(3), let national = row.text(4)
            else { return }
            let yearGroup = row.text(2)
            let count = row.int(5)
            var tally = figures[day]?[session] ?? SessionFigures()
            tally.read += count
            if !Catalogue.codeSet(on: day).contains(national) {
                if codes.unknown == .skip {
                    tally.skipped[recorded, default: 0] += count
                    if let yearGroup { tally.markedOnRoll[yearGroup, default: 0] += count }
                } else {
                    var entry =
                        unknown[recorded]
                        ?? DataError.UnknownCode(
                            code: recorded, mappedTo: national == recorded ? nil : national, count: 0, days: [])
                    entry.count += count
                    if entry.days.last != day { entry.days.append(day) }
                    unknown[recorded] = entry
                }
            } else if let yearGroup {
                tally.counted += count
                tally.markedOnRoll[yearGroup, default: 0] += count
                tally.counts[yearGroup, default: [:]][national, default: 0] += count
                if national == Catalogue.presentMark(for: session == .am ? .pm : .am) { tally.wrongSession += count }
            } else {
                tally.notOnRoll += count
            }
            figures[day]?[session] = tally
        }
        guard unknown.isEmpty else {
            throw DataError.unknownCodes(unknown.values.sorted { ($0.count, $1.code) > ($1.count, $0.code) })
        }
        return SchoolFigures(
            days: days.compactMap { figures[$0] }, totalOnRollOnRunDate: figures[runDate]?.totalOnRoll ?? 0)
    }

    // MARK: - Rule 6: invalid rows

    /// Enrolment rows that cannot be placed in time or in a national year group (the whole table).
    private func invalidEnrolments(_ db: SQLiteConnection) throws -> [DataError.Problem] {
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
                    WHEN end_date < start_date THEN 'enrolments rows ending before they start'
                END AS problem
                FROM enrolments)
            WHERE problem IS NOT NULL
            """, [.text(jsonArray(Catalogue.yearGroups))])
    }

    /// Marks whose date is not a real `YYYY-MM-DD` date, anywhere in the table: such a mark could belong
    /// to any day, so no day can be trusted. Reads the distinct dates from the date index.
    private func invalidMarkDates(_ db: SQLiteConnection) throws -> [DataError.Problem] {
        var bad: [(value: SQLValue, count: Int)] = []
        try db.query("SELECT date, count(*) FROM attendance_marks GROUP BY date") { row in
            let value = row.value(0)
            if case .text(let text) = value, Day(iso: text) != nil { return }
            bad.append((value, row.int(1)))
        }
        guard !bad.isEmpty else { return [] }
        var examples: [String] = []
        for (value, _) in bad.prefix(Self.exampleCount) {
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
    private func invalidMarks(_ db: SQLiteConnection, _ daysJSON: SQLValue) throws -> [DataError.Problem] {
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

    /// Pupils whose latest covering enrolments start the same day in different year groups (rule 1).
    private func enrolmentTies(_ db: SQLiteConnection) throws -> [DataError.Problem] {
        try problems(
            db,
            """
            SELECT 'pupils with two enrolments starting the same day in different year groups' AS what,
                   count(*) OVER () AS total,
                   'on ' || day || ': start ' || start_date || ', year groups ' || groups AS example
            FROM (
                SELECT c.day, c.start_date, group_concat(DISTINCT c.year_group) AS groups
                FROM temp.covering AS c
                JOIN (SELECT day, pupil_id, max(start_date) AS latest FROM temp.covering
                      GROUP BY day, pupil_id HAVING count(*) > 1) AS t
                  ON c.day = t.day AND c.pupil_id = t.pupil_id AND c.start_date = t.latest
                GROUP BY c.day, c.pupil_id
                HAVING count(DISTINCT c.year_group) > 1)
            """)
    }

    /// Sessions of one pupil recorded twice with different codes (duplicates through a view).
    private func conflictingMarks(_ db: SQLiteConnection) throws -> [DataError.Problem] {
        try problems(
            db,
            """
            SELECT 'sessions marked twice for the same pupil with different codes' AS what, count(*) OVER () AS total,
                   'date ' || day || ' session ' || session || ' codes ' || (
                       SELECT group_concat(DISTINCT quote(a.code)) FROM attendance_marks AS a
                       WHERE a.date = m.day AND a.pupil_id = m.pupil_id AND a.session = m.session) AS example
            FROM temp.marks AS m WHERE codes > 1
            """)
    }

    /// Runs a query of (problem, count, example) rows and keeps a few examples per problem.
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

/// A JSON array of strings, for binding a list as one parameter (`json_each(?)`).
func jsonArray(_ values: [String]) -> String {
    "[" + values.map(jsonString).joined(separator: ",") + "]"
}

/// A JSON object of strings with sorted keys.
func jsonObject(_ values: [String: String]) -> String {
    "{" + values.sorted { $0.key < $1.key }.map { jsonString($0.key) + ":" + jsonString($0.value) }.joined(separator: ",") + "}"
}

/// A JSON string literal: quotes, backslashes and control characters escaped, nothing else.
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

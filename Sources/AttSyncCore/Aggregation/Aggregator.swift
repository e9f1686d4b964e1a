import Foundation

/// Turns the MIS copy into `SchoolFigures` for a set of dates, in SQL, following docs/mis-schema.md.
///
/// SQLite does the row work (validation, on-roll resolution, de-duplication and `GROUP BY` over the indexed
/// dates); Swift sees only a few hundred grouped rows and applies codes.map and the code rules by date.
/// Where the copy's own table guarantees it (`MarksTable`), the work that cannot find anything is left out:
/// de-duplication under a unique key, a read of every date where a date index can be walked.
/// Every query runs on a `SourceSnapshot`, so all of a run's queries see one state of the copy.
///
/// The third stage of the pipeline (source → figures): it returns plain values, so `Payload` and the
/// renderers never see SQL. It writes only TEMP tables, which SQLite allows on the read-only connection:
/// nothing reaches the copy's file.
package struct Aggregator {
    /// `codes.map` (applied to the grouped codes before validation) and `codes.unknown` (fail or skip).
    package var codes: Configuration.Codes

    /// How many example rows each problem quotes.
    /// Rule 6 of docs/mis-schema.md promises three: enough to find the rows, short enough for a cron mail.
    static let exampleCount = 3

    package init(codes: Configuration.Codes) { self.codes = codes }

    /// Aggregates `days` (ascending, without duplicates) and the run date's roll.
    ///
    /// The run date's roll is read even when the run date has no marks, because `totalNoOfPupils` is the roll
    /// on the run date (docs/dfe-contract.md §2), whatever dates are sent.
    /// - Throws: `DataError` for invalid rows or unknown codes (under `fail`), `SQLiteError` for read failures
    ///   (`SourceDatabase.read` turns them into `SourceError`).
    package func aggregate(_ source: SourceSnapshot, days: [Day], runDate: Day) throws -> SchoolFigures {
        try aggregate(source.connection, days: days, runDate: runDate)
    }

    /// The number of marks on each of `days` that has any.
    /// - Throws: `SQLiteError`.
    package func markCounts(_ source: SourceSnapshot, on days: [Day]) throws -> [Day: Int] {
        guard !days.isEmpty else { return [:] }
        var counts: [Day: Int] = [:]
        try source.connection.query(
            "SELECT date, count(*) FROM attendance_marks WHERE date IN (SELECT value FROM json_each(?1)) GROUP BY date",
            [.text(jsonArray(days.map(\.description)))]
        ) { row in if let day = row.text(0).flatMap(Day.init(iso:)) { counts[day] = row.int(1) } }
        return counts
    }

    /// The dates in `[from, end)` with at least one mark (for catch-up), ascending.
    /// Compares the `date` text, which orders like dates for `YYYY-MM-DD`; malformed dates are dropped here and
    /// reported by `aggregate` as invalid rows. Where the copy's date index allows, one seek per date
    /// (`MarksTable.distinctDatesSQL`), so a consent given years ago costs a few hundred seeks, not a read of
    /// every mark since.
    /// - Throws: `SQLiteError`.
    package func daysWithMarks(_ source: SourceSnapshot, from: Day, before end: Day) throws -> [Day] {
        var days: [Day] = []
        let db = source.connection
        let sql =
            try MarksTable.inspect(db).dateIndexed
            ? MarksTable.distinctDatesSQL(ranged: true)
            : "SELECT DISTINCT date FROM attendance_marks WHERE date >= ?1 AND date < ?2 ORDER BY date"
        try db.query(sql, [.text(from.description), .text(end.description)]) { row in
            if let day = row.text(0).flatMap(Day.init(iso:)) { days.append(day) }
        }
        return days
    }

    func aggregate(_ db: SQLiteConnection, days: [Day], runDate: Day) throws -> SchoolFigures {
        let rollDays = Set(days + [runDate]).sorted()
        let table = try MarksTable.inspect(db)
        // The run's dates go in as one JSON array (`json_each`), never as interpolated text (habit 7).
        let daysJSON = SQLValue.text(jsonArray(days.map(\.description)))

        // Rule 6, then the roll (rules 1 and 7's ties), then the marks. Every check runs before anything is
        // thrown, so one run lists every kind of invalid row at once rather than one per attempt; the list keeps
        // the order enrolments, mark dates, marks, ties, conflicts.
        let enrolmentProblems = try invalidEnrolments(db)
        let dateProblems = try invalidMarkDates(db, indexed: table.dateIndexed)
        try stageRoll(db, rollDays: rollDays)
        let tieProblems = try enrolmentTies(db)
        var figures = try rollFigures(db, rollDays: rollDays)
        var markProblems: [DataError.Problem] = []
        var conflictProblems: [DataError.Problem] = []
        let grouped: [GroupedMarks]
        if table.uniqueMarks {
            // No duplicates can exist: the marks are counted where they lie, in one pass that also notices
            // invalid marks (their examples are read only when there are some).
            grouped = try groupedMarks(db, days: days, indexed: table.dateIndexed)
            if grouped.contains(where: \.invalid) { markProblems = try invalidMarks(db, daysJSON) }
        } else {
            markProblems = try invalidMarks(db, daysJSON)
            try stageMarks(db, daysJSON: daysJSON)
            conflictProblems = try conflictingMarks(db)
            try countDuplicates(db, into: &figures)
            grouped = try groupedStagedMarks(db)
        }
        let problems = enrolmentProblems + dateProblems + markProblems + tieProblems + conflictProblems
        guard problems.isEmpty else { throw DataError.invalidRows(problems) }
        try tally(grouped, into: &figures)
        return SchoolFigures(
            days: days.compactMap { figures[$0] }, totalOnRollOnRunDate: figures[runDate]?.totalOnRoll ?? 0)
    }

    /// Rule 1 for the run's dates, in temporary tables whose names are attsync's own (no MIS table is
    /// shadowed), dropped first so that a second `aggregate` on the same connection starts clean:
    ///
    /// - `attsync_enrolled`: the enrolments that overlap the run's span, with how many such rows the pupil has.
    ///   Every date's roll comes from these, so the history before the span costs one read of the table.
    /// - `attsync_roll`: who is on roll when, one row per pupil and period (`from_day` to `to_day`, both
    ///   inclusive, `to_day` NULL while on roll), in the year group of that period. A pupil with one row in the
    ///   span keeps it whole; a pupil with several gets one row per date of the run, resolved by the latest
    ///   start (rule 1), so a mark finds its year group with one seek on `(pupil_id, from_day)`.
    /// - `attsync_covering`: for pupils with several rows only, every row covering each date, for the ties
    ///   (`enrolmentTies`) and the pupil-days in more than one year group (`rollFigures`).
    /// - Throws: `SQLiteError`.
    private func stageRoll(_ db: SQLiteConnection, rollDays: [Day]) throws {
        try db.execute(
            """
            DROP TABLE IF EXISTS temp.attsync_enrolled;
            DROP TABLE IF EXISTS temp.attsync_covering;
            DROP TABLE IF EXISTS temp.attsync_roll;
            DROP TABLE IF EXISTS temp.attsync_marks;
            CREATE TEMP TABLE attsync_enrolled(pupil_id, year_group, start_date, end_date, rows INTEGER);
            CREATE TEMP TABLE attsync_covering(day TEXT, pupil_id TEXT, year_group TEXT, start_date TEXT);
            CREATE TEMP TABLE attsync_roll(pupil_id TEXT, from_day TEXT, to_day TEXT, year_group TEXT,
                                           PRIMARY KEY (pupil_id, from_day)) WITHOUT ROWID;
            """)
        guard let first = rollDays.first, let last = rollDays.last else { return }
        // Untyped columns keep each value as the copy holds it, so the comparisons below are the copy's own.
        // A row covering any date of the run overlaps [first, last].
        try db.run(
            """
            INSERT INTO temp.attsync_enrolled
            SELECT pupil_id, year_group, start_date, end_date, count(*) OVER (PARTITION BY pupil_id)
            FROM enrolments
            WHERE pupil_id IS NOT NULL  -- reported as invalid rows
              AND start_date <= ?2 AND (end_date IS NULL OR end_date >= ?1)
            """, [.text(first.description), .text(last.description)])
        try db.run(
            "INSERT INTO temp.attsync_roll SELECT pupil_id, start_date, end_date, year_group FROM temp.attsync_enrolled WHERE rows = 1")
        // Rule 1: on roll on d when an enrolment covers d, admission to leaving inclusive.
        try db.run(
            """
            INSERT INTO temp.attsync_covering
            SELECT d.value, e.pupil_id, e.year_group, e.start_date
            FROM json_each(?1) AS d
            JOIN temp.attsync_enrolled AS e ON e.rows > 1 AND e.start_date <= d.value AND (e.end_date IS NULL OR e.end_date >= d.value)
            """, [.text(jsonArray(rollDays.map(\.description)))])
        // Several covering rows: the latest start_date gives the year group.
        try db.run(
            """
            INSERT INTO temp.attsync_roll
            SELECT pupil_id, day, day, year_group FROM (
                SELECT day, pupil_id, year_group,
                       row_number() OVER (PARTITION BY day, pupil_id ORDER BY start_date DESC, year_group) AS rank
                FROM temp.attsync_covering)
            WHERE rank = 1
            """)
    }

    /// Rule 7 where duplicates can exist (a view): the marks of the run's dates with duplicates folded into
    /// `attsync_marks`, counting the copies and the codes that differ after codes.map (I02 mapped to I and I
    /// are one mark).
    /// - Throws: `SQLiteError`.
    private func stageMarks(_ db: SQLiteConnection, daysJSON: SQLValue) throws {
        try db.execute(
            """
            CREATE TEMP TABLE attsync_marks(pupil_id TEXT, day TEXT, session TEXT, code TEXT, copies INTEGER, codes INTEGER,
                                            PRIMARY KEY (day, pupil_id, session)) WITHOUT ROWID;
            """)
        try db.run(
            """
            INSERT INTO temp.attsync_marks
            SELECT a.pupil_id, a.date, a.session, min(a.code), count(*), count(DISTINCT coalesce(map.value, a.code))
            FROM attendance_marks AS a
            LEFT JOIN json_each(?2) AS map ON map.key = a.code
            WHERE a.date IN (SELECT value FROM json_each(?1)) AND a.pupil_id IS NOT NULL AND a.session IS NOT NULL
            GROUP BY a.date, a.pupil_id, a.session
            """, [daysJSON, .text(jsonObject(codes.map))])
    }

    /// Pupils on roll per date and year group (rule 1: each pupil once, in the year group of the latest start)
    /// and pupil-days covered in more than one year group (the preview's "overlapping enrolments"), from the
    /// staged roll.
    /// - Throws: `SQLiteError`.
    private func rollFigures(_ db: SQLiteConnection, rollDays: [Day]) throws -> [Day: DayFigures] {
        var figures = Dictionary(uniqueKeysWithValues: rollDays.map { ($0, DayFigures(day: $0)) })
        // Pupils first grouped by period, which a whole cohort shares, so that each date is matched against a
        // few hundred periods rather than every pupil.
        try db.query(
            """
            WITH periods AS (
                SELECT year_group, from_day, to_day, count(*) AS pupils FROM temp.attsync_roll GROUP BY year_group, from_day, to_day)
            SELECT d.value, p.year_group, sum(p.pupils)
            FROM json_each(?1) AS d
            JOIN periods AS p ON p.from_day <= d.value AND (p.to_day IS NULL OR p.to_day >= d.value)
            GROUP BY d.value, p.year_group
            """, [.text(jsonArray(rollDays.map(\.description)))]
        ) { row in
            guard let day = row.text(0).flatMap(Day.init(iso:)), let yearGroup = row.text(1) else { return }
            figures[day]?.onRoll[yearGroup] = row.int(2)
        }
        try db.query(
            """
            SELECT day, count(*) FROM (
                SELECT day, pupil_id FROM temp.attsync_covering GROUP BY day, pupil_id HAVING count(DISTINCT year_group) > 1)
            GROUP BY day
            """
        ) { row in
            guard let day = row.text(0).flatMap(Day.init(iso:)) else { return }
            figures[day]?.overlappingEnrolments = row.int(1)
        }
        return figures
    }

    /// Rule 7: each extra copy of a pupil's mark for a session, to report; the mark itself is counted once.
    /// - Throws: `SQLiteError`.
    private func countDuplicates(_ db: SQLiteConnection, into figures: inout [Day: DayFigures]) throws {
        try db.query("SELECT day, session, sum(copies - 1) FROM temp.attsync_marks WHERE copies > 1 GROUP BY day, session") { row in
            guard let day = row.text(0).flatMap(Day.init(iso:)), let session = row.text(1).flatMap(Session.init) else { return }
            figures[day]?[session].duplicates = row.int(2)
        }
    }

    /// The marks of one date, session, year group as at that date (nil: not on roll) and code as recorded.
    struct GroupedMarks {
        var day: String?
        var session: String?
        var yearGroup: String?
        /// As SQLite gives it as text (a blob's bytes as they are); nil for NULL.
        var code: String?
        var codeIsBlob: Bool
        var count: Int
        /// The group is of marks rule 6 rejects (bad session, no code, no pupil): the run stops.
        var invalid: Bool
    }

    /// Rules 2 and 3 where the copy has no duplicates: the marks of each of the run's dates grouped by session,
    /// year group as at the mark's date and code as recorded, read once through the date index. Marks rule 6
    /// rejects get groups of their own (`invalid`).
    /// - Throws: `SQLiteError`.
    private func groupedMarks(_ db: SQLiteConnection, days: [Day], indexed: Bool) throws -> [GroupedMarks] {
        // Through the date index, one date at a time: SQLite sorts to group, and a date's marks sort faster
        // alone than mixed with the window's others (about an eighth less for eight dates, more for longer
        // windows). Without the index each date would be a scan of the table: then one scan for all.
        guard indexed else {
            return try grouped(
                db, Self.groupedMarksSQL(dates: "m.date IN (SELECT value FROM json_each(?1))", byDate: true),
                [.text(jsonArray(days.map(\.description)))])
        }
        var groups: [GroupedMarks] = []
        for day in days { groups += try grouped(db, Self.groupedMarksSQL, [.text(day.description)]) }
        return groups
    }

    /// `groupedMarks`' query for one date: a seek in the date index, then a seek in the roll's primary key per
    /// mark (the tests hold both with EXPLAIN QUERY PLAN).
    static let groupedMarksSQL = groupedMarksSQL(dates: "m.date = ?1", byDate: false)

    /// The grouped marks of the dates `dates` selects (an SQL condition on `m.date`), grouped by date too when
    /// it selects several.
    static func groupedMarksSQL(dates: String, byDate: Bool) -> String {
        """
        SELECT m.date, m.session, r.year_group, m.code, count(*),
               CASE WHEN m.session IS NULL OR m.session NOT IN ('AM', 'PM') THEN 1
                    WHEN m.code IS NULL OR trim(m.code) = '' THEN 1
                    WHEN m.pupil_id IS NULL OR m.pupil_id = '' THEN 1
                    ELSE 0 END AS invalid
        FROM attendance_marks AS m
        LEFT JOIN temp.attsync_roll AS r
            ON r.pupil_id = m.pupil_id AND r.from_day <= m.date AND (r.to_day IS NULL OR r.to_day >= m.date)
        WHERE \(dates)
        GROUP BY \(byDate ? "m.date, " : "")m.session, r.year_group, m.code, invalid
        """
    }

    /// Rules 2 and 3 over the de-duplicated marks of `stageMarks`.
    /// - Throws: `SQLiteError`.
    private func groupedStagedMarks(_ db: SQLiteConnection) throws -> [GroupedMarks] {
        try grouped(
            db,
            """
            SELECT m.day, m.session, r.year_group, m.code, count(*), 0
            FROM temp.attsync_marks AS m
            LEFT JOIN temp.attsync_roll AS r
                ON r.pupil_id = m.pupil_id AND r.from_day <= m.day AND (r.to_day IS NULL OR r.to_day >= m.day)
            GROUP BY m.day, m.session, r.year_group, m.code
            """)
    }

    private func grouped(_ db: SQLiteConnection, _ sql: String, _ bindings: [SQLValue] = []) throws -> [GroupedMarks] {
        var groups: [GroupedMarks] = []
        try db.query(sql, bindings) { row in
            // The type first: reading a column as text may convert it.
            let codeIsBlob = row.isBlob(3)
            groups.append(
                GroupedMarks(
                    day: row.text(0), session: row.text(1), yearGroup: row.text(2), code: row.text(3), codeIsBlob: codeIsBlob,
                    count: row.int(4), invalid: row.int(5) != 0))
        }
        return groups
    }

    /// Rules 2–5 over the grouped marks: each (date, session, year group, code) group is counted, left out
    /// as not on roll, skipped or collected as unknown.
    ///
    /// codes.map is applied here, to the few hundred groups, rather than to every mark in SQL: a code is looked
    /// up byte for byte, as SQLite compares text, and as text (a number in the copy is its SQLite text); a blob is
    /// never mapped, as SQLite never found one equal to a text key.
    /// - Throws: `DataError.unknownCodes` under `codes.unknown: "fail"`.
    private func tally(_ groups: [GroupedMarks], into figures: inout [Day: DayFigures]) throws {
        let map = Dictionary(codes.map.map { (Array($0.key.utf8), $0.value) }, uniquingKeysWith: { first, _ in first })
        // Code as recorded → where it was seen; thrown as one error after every group is read (rule 4, "fail").
        var unknown: [String: DataError.UnknownCode] = [:]
        for group in groups {
            guard let day = group.day.flatMap(Day.init(iso:)), let session = group.session.flatMap(Session.init) else { continue }
            guard let recorded = group.code else { continue }
            let national = group.codeIsBlob ? recorded : map[Array(recorded.utf8)] ?? recorded
            let yearGroup = group.yearGroup
            let count = group.count
            // Each group adds to `read`, then to exactly one of counted, not on roll or skipped (rule 8's identity);
            // under "fail" an unknown code adds to none, but the run then stops.
            var tally = figures[day]?[session] ?? SessionFigures()
            tally.read += count
            if !Catalogue.codeSet(on: day).contains(national) {
                if codes.unknown == .skip {
                    // A skipped mark of a pupil on roll still means the register was taken for them: not "unmarked".
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
                // Rule 5: `/` in PM or `\` in AM is counted as recorded, and reported.
                if national == Catalogue.presentMark(for: session == .am ? .pm : .am) { tally.wrongSession += count }
            } else {
                tally.notOnRoll += count
                tally.notOnRollCodes[national, default: 0] += count
            }
            figures[day]?[session] = tally
        }
        guard unknown.isEmpty else {
            // Most frequent first, then by code: the message leads with what matters most.
            throw DataError.unknownCodes(unknown.values.sorted { ($0.count, $1.code) > ($1.count, $0.code) })
        }
    }
}

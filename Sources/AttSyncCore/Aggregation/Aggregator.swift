import Foundation

/// Turns the MIS copy into `SchoolFigures` for a set of dates, in SQL, following docs/mis-schema.md.
///
/// SQLite does the row work (validation, on-roll resolution, de-duplication, mapping and `GROUP BY` over
/// the indexed dates); Swift sees only a few hundred grouped rows and applies the code rules by date.
/// Every query runs on a `SourceSnapshot`, so all of a run's queries see one state of the copy.
///
/// The third stage of the pipeline (source → figures): it returns plain values, so `Payload` and the
/// renderers never see SQL. It writes only TEMP tables, which SQLite allows on the read-only connection:
/// nothing reaches the copy's file.
package struct Aggregator {
    /// `codes.map` (applied in SQL before validation) and `codes.unknown` (fail or skip).
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
    /// reported by `aggregate` as invalid rows.
    /// - Throws: `SQLiteError`.
    package func daysWithMarks(_ source: SourceSnapshot, from: Day, before end: Day) throws -> [Day] {
        var days: [Day] = []
        try source.connection.query(
            "SELECT DISTINCT date FROM attendance_marks WHERE date >= ?1 AND date < ?2 ORDER BY date",
            [.text(from.description), .text(end.description)]
        ) { row in if let day = row.text(0).flatMap(Day.init(iso:)) { days.append(day) } }
        return days
    }

    private func aggregate(_ db: SQLiteConnection, days: [Day], runDate: Day) throws -> SchoolFigures {
        let rollDays = Set(days + [runDate]).sorted()
        try stage(db, days: days, rollDays: rollDays)
        var figures = try rollAndCopies(db, rollDays: rollDays)
        try tallyMarks(db, into: &figures)
        return SchoolFigures(
            days: days.compactMap { figures[$0] }, totalOnRollOnRunDate: figures[runDate]?.totalOnRoll ?? 0)
    }

    /// Checks rule 6 and fills the temporary tables: the pupils covering each date (`attsync_covering`), the
    /// roll with one year group per pupil and date (`attsync_roll`), and the marks of the dates with
    /// duplicates folded (`attsync_marks`). The names are attsync's own so that no MIS table is shadowed.
    ///
    /// Every check runs before anything is thrown, so one run lists every kind of invalid row at once rather
    /// than one per attempt. The tables are dropped first so that a second `aggregate` on the same connection
    /// starts clean.
    /// - Throws: `DataError.invalidRows` with every problem found.
    private func stage(_ db: SQLiteConnection, days: [Day], rollDays: [Day]) throws {
        // The run's dates go in as one JSON array (`json_each`), never as interpolated text (habit 7).
        let daysJSON = SQLValue.text(jsonArray(days.map(\.description)))
        let rollDaysJSON = SQLValue.text(jsonArray(rollDays.map(\.description)))

        var problems = try invalidEnrolments(db)
        problems += try invalidMarkDates(db)
        problems += try invalidMarks(db, daysJSON)

        try db.execute(
            """
            DROP TABLE IF EXISTS temp.attsync_covering;
            DROP TABLE IF EXISTS temp.attsync_roll;
            DROP TABLE IF EXISTS temp.attsync_marks;
            CREATE TEMP TABLE attsync_covering(day TEXT, pupil_id TEXT, year_group TEXT, start_date TEXT);
            CREATE TEMP TABLE attsync_roll(day TEXT, pupil_id TEXT, year_group TEXT, PRIMARY KEY (day, pupil_id)) WITHOUT ROWID;
            CREATE TEMP TABLE attsync_marks(pupil_id TEXT, day TEXT, session TEXT, code TEXT, copies INTEGER, codes INTEGER,
                                    PRIMARY KEY (day, pupil_id, session)) WITHOUT ROWID;
            """)
        // Rule 1: a pupil is on roll on d when an enrolment covers d, admission to leaving inclusive.
        try db.run(
            """
            INSERT INTO temp.attsync_covering
            SELECT d.value, e.pupil_id, e.year_group, e.start_date
            FROM json_each(?1) AS d
            JOIN enrolments AS e ON e.start_date <= d.value AND (e.end_date IS NULL OR e.end_date >= d.value)
            WHERE e.pupil_id IS NOT NULL  -- reported as invalid rows above
            """, [rollDaysJSON])
        // Several covering rows: the latest start_date gives the year group.
        try db.run(
            """
            INSERT INTO temp.attsync_roll
            SELECT day, pupil_id, year_group FROM (
                SELECT day, pupil_id, year_group,
                       row_number() OVER (PARTITION BY day, pupil_id ORDER BY start_date DESC, year_group) AS rank
                FROM temp.attsync_covering)
            WHERE rank = 1
            """)
        problems += try enrolmentTies(db)
        // Rule 7: duplicates (possible only through a view) are kept once; codes that differ after codes.map
        // are a conflict (I02 mapped to I and I are one mark).
        try db.run(
            """
            INSERT INTO temp.attsync_marks
            SELECT a.pupil_id, a.date, a.session, min(a.code), count(*), count(DISTINCT coalesce(map.value, a.code))
            FROM attendance_marks AS a
            LEFT JOIN json_each(?2) AS map ON map.key = a.code
            WHERE a.date IN (SELECT value FROM json_each(?1)) AND a.pupil_id IS NOT NULL AND a.session IS NOT NULL
            GROUP BY a.date, a.pupil_id, a.session
            """, [daysJSON, .text(jsonObject(codes.map))])
        problems += try conflictingMarks(db)
        guard problems.isEmpty else { throw DataError.invalidRows(problems) }
    }

    /// Pupils on roll per date and year group, pupils with overlapping enrolments, and duplicate marks,
    /// from the staged tables.
    private func rollAndCopies(_ db: SQLiteConnection, rollDays: [Day]) throws -> [Day: DayFigures] {

        var figures = Dictionary(uniqueKeysWithValues: rollDays.map { ($0, DayFigures(day: $0)) })
        // Year group → pupils on roll, per date (rule 1: each pupil once, in the year group of the latest start).
        try db.query("SELECT day, year_group, count(*) FROM temp.attsync_roll GROUP BY day, year_group") { row in
            guard let day = row.text(0).flatMap(Day.init(iso:)), let yearGroup = row.text(1) else { return }
            figures[day]?.onRoll[yearGroup] = row.int(2)
        }
        // Pupil-days covered in more than one year group: the preview's "overlapping enrolments" (rule 1).
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
        // Rule 7: each extra copy of a pupil's mark for a session, to report; the mark itself is counted once.
        try db.query(
            """
            SELECT day, session, sum(copies - 1) FROM temp.attsync_marks WHERE copies > 1 GROUP BY day, session
            """
        ) { row in
            guard let day = row.text(0).flatMap(Day.init(iso:)), let session = row.text(1).flatMap(Session.init) else { return }
            figures[day]?[session].duplicates = row.int(2)
        }

        return figures
    }

    /// Rules 2–5 over the grouped marks: each (date, session, year group, code) row is counted, left out
    /// as not on roll, skipped or collected as unknown.
    /// - Throws: `DataError.unknownCodes` under `codes.unknown: "fail"`.
    private func tallyMarks(_ db: SQLiteConnection, into figures: inout [Day: DayFigures]) throws {
        // Rules 2–5, grouped: year group as at the mark's date (NULL: not on roll), code after codes.map.
        // Code as recorded → where it was seen; thrown as one error after every row is read (rule 4, "fail").
        var unknown: [String: DataError.UnknownCode] = [:]
        try db.query(
            """
            SELECT m.day, m.session, r.year_group, m.code, coalesce(map.value, m.code), count(*)
            FROM temp.attsync_marks AS m
            LEFT JOIN temp.attsync_roll AS r ON r.day = m.day AND r.pupil_id = m.pupil_id
            LEFT JOIN json_each(?1) AS map ON map.key = m.code
            GROUP BY m.day, m.session, r.year_group, m.code
            """, [.text(jsonObject(codes.map))]
        ) { row in
            guard let day = row.text(0).flatMap(Day.init(iso:)), let session = row.text(1).flatMap(Session.init),
                let recorded = row.text(3), let national = row.text(4)
            else { return }
            let yearGroup = row.text(2)
            let count = row.int(5)
            // Each row adds to `read`, then to exactly one of counted, not on roll or skipped (rule 8's identity);
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

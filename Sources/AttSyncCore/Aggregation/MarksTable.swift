/// What the copy's own `attendance_marks` table guarantees, so that the aggregation can leave out work the
/// guarantee makes pointless. Each faster plan is taken only when the copy itself vouches for it; a view
/// (`source.views`, or a view inside the copy) vouches for nothing and gets the general plans.
///
/// docs/performance.md: on a secondary with five years of history these two facts take a daily run from a
/// pass over every mark of the history, and a temporary copy of the window's marks, to a few hundred index
/// seeks and one pass over the window's marks.
struct MarksTable: Equatable {
    /// A unique index (the primary key of the canonical schema) on `(pupil_id, date, session)` or a part of
    /// it, BINARY throughout: no pupil has two marks for one session, so rule 7's de-duplication (and its
    /// conflict check) has nothing to find and the marks are counted where they lie.
    var uniqueMarks: Bool
    /// SQLite answers `min(date) … WHERE date > ?` with one seek in an index: the distinct dates of the table
    /// can be walked one seek each (a loose index scan) instead of reading every entry of the index.
    var dateIndexed: Bool

    /// The general plans, which assume nothing.
    static let view = MarksTable(uniqueMarks: false, dateIndexed: false)

    /// The columns rule 7 groups marks by.
    static let keyColumns: Set<String> = ["pupil_id", "date", "session"]

    /// Asks the copy's schema, and SQLite's planner, what `attendance_marks` guarantees.
    /// - Throws: `SQLiteError`.
    static func inspect(_ db: SQLiteConnection) throws -> MarksTable {
        // Only the copy's own table: a TEMP view of the same name (source.views) shadows it, and a view or a
        // virtual table inside the copy promises nothing. SQLite matches names without regard to ASCII case.
        let shadowed = try db.scalar("SELECT count(*) FROM temp.sqlite_schema WHERE lower(name) = 'attendance_marks'")
        let table = try db.scalar(
            """
            SELECT count(*) FROM main.sqlite_schema
            WHERE type = 'table' AND lower(name) = 'attendance_marks' AND sql NOT LIKE 'CREATE VIRTUAL%'
            """)
        guard shadowed == .integer(0), table == .integer(1) else { return .view }
        return MarksTable(uniqueMarks: try hasUniqueKey(db), dateIndexed: try seeksDates(db))
    }

    /// Whether a unique index, whole (not partial), has only key columns among pupil_id, date and session, each
    /// compared as BINARY both by the index and by the column itself (rule 7 groups by the column's
    /// collation: a NOCASE column would make two rows the index tells apart one mark).
    private static func hasUniqueKey(_ db: SQLiteConnection) throws -> Bool {
        for column in keyColumns {
            guard db.declaredCollation(schema: "main", table: "attendance_marks", column: column) == "BINARY" else { return false }
        }
        var indexes: [String] = []
        try db.query(#"SELECT name FROM pragma_index_list('attendance_marks', 'main') WHERE "unique" = 1 AND partial = 0"#) { row in
            if let name = row.text(0) { indexes.append(name) }
        }
        for index in indexes {
            var columns: [(name: String?, collation: String?)] = []
            try db.query("SELECT name, coll FROM pragma_index_xinfo(?1, 'main') WHERE key = 1", [.text(index)]) { row in
                columns.append((row.text(0), row.text(1)))
            }
            // An expression in the key has no name; a key on a subset of the columns is unique on the whole set too.
            let usable =
                !columns.isEmpty
                && columns.allSatisfy { column in
                    column.name.map { keyColumns.contains($0.lowercased()) } == true && column.collation == "BINARY"
                }
            if usable { return true }
        }
        return false
    }

    /// Whether every step of `distinctDatesSQL` is a seek on `date` in an index, as EXPLAIN QUERY PLAN
    /// reports it ("SEARCH attendance_marks USING COVERING INDEX … (date>? AND date<?)"). Without an index
    /// on date (or with a partial one, or one of another collation) SQLite reads a whole index for each step:
    /// its plan then says SEARCH or SCAN without the `date>?` constraint.
    private static func seeksDates(_ db: SQLiteConnection) throws -> Bool {
        var seeks = 0
        var others = 0
        try db.query("EXPLAIN QUERY PLAN " + distinctDatesSQL(ranged: true), [.null, .null]) { row in
            let detail = (row.text(3) ?? "").lowercased()
            guard detail.contains("attendance_marks") else { return }
            if detail.hasPrefix("search") && detail.contains("index") && detail.contains("(date>?") {
                seeks += 1
            } else {
                others += 1
            }
        }
        return seeks > 0 && others == 0
    }

    /// The distinct non-NULL dates of `attendance_marks` in index order, one seek each (a loose index scan):
    /// each step asks for the least date above the last one. `ranged`: only dates in `[?1, ?2)`.
    static func distinctDatesSQL(ranged: Bool) -> String {
        """
        WITH RECURSIVE dates(value) AS (
            SELECT min(date) FROM attendance_marks\(ranged ? " WHERE date >= ?1 AND date < ?2" : "")
            UNION ALL
            SELECT (SELECT min(date) FROM attendance_marks WHERE date > dates.value\(ranged ? " AND date < ?2" : ""))
            FROM dates WHERE dates.value IS NOT NULL)
        SELECT value FROM dates WHERE value IS NOT NULL
        """
    }
}

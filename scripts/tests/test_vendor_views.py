"""The worked example of docs/mis-copy.md: a copy in a vendor's own layout mapped through source.views.

Run: python3 -m unittest discover -s scripts/tests -p 'test_vendor*' -v

Builds the vendor database from scripts/examples/vendor-schema.sql, creates the views of
scripts/examples/vendor-views.json as TEMP views on a read-only connection exactly as attsync does
(`CREATE TEMP VIEW "<name>" AS <select>`, in the order of the names, then `SELECT * ... LIMIT 0`), and
checks that they give the canonical rows written out by hand below. It also checks that the document
shows exactly those two files, that the CSV route (scripts/import-mis-csv) gives the same rows from the
same school's exports, and — when an attsync binary is at hand (ATTSYNC_BIN, or .build/{release,debug}/
attsync) — that `attsync preview --json` sends the same body from the vendor copy as from a canonical one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "scripts/examples/vendor-schema.sql"
VIEWS = ROOT / "scripts/examples/vendor-views.json"
DOC = ROOT / "docs/mis-copy.md"
IMPORT = ROOT / "scripts/import-mis-csv"

# The vendor's rows: (StudentRef, Surname, Forename), (StudentRef, YearDesc, FromDate, ToDate),
# (StudentRef, MarkDate, Period, MarkCode).
STUDENTS = [(101, "Ash", "Ann"), (102, "Birch", "Bob"), (103, "Cedar", "Cy"), (104, "Dale", "Di"), (105, "Elm", "Ed")]
STUDENT_YEARS = [
    (101, "Year 6", "01/09/2025", "31/08/2026"),  # moves up on 1 September: two rows
    (101, "Year 7", "01/09/2026", None),
    (102, "Reception", "03/09/2025", None),
    (103, "Nursery 1", "05/01/2026", "19/11/2026"),  # left on 19 November
    (104, "Year 10", "01/09/2026", ""),  # an empty leaving date, as some exports write it
    (105, "Nursery 2", "01/09/2026", None),
]
REGISTER_MARKS = [
    (101, "2026-11-19", "M", "/"), (101, "2026-11-19", "A", "\\"),
    (102, "2026-11-19", "M", "I"), (102, "2026-11-19", "A", "I"),
    (103, "2026-11-19", "M", "/"), (103, "2026-11-19", "A", "L"),
    (104, "2026-11-19", "M", "/"), (104, "2026-11-19", "A", "\\"),
    (105, "2026-11-19", "M", "M"), (105, "2026-11-19", "A", None),  # register not taken: NULL
    (101, "2026-11-20", "M", "/"), (101, "2026-11-20", "A", None),
    (102, "2026-11-20", "M", "L"), (102, "2026-11-20", "A", ""),  # and an empty mark
    (104, "2026-11-20", "M", "/"), (104, "2026-11-20", "A", "\\"),
    (105, "2026-11-20", "M", "/"), (105, "2026-11-20", "A", "\\"),
]

# What the views must give, written out by hand from the rules of docs/mis-schema.md.
CANONICAL_ENROLMENTS = [
    ("101", "6", "2025-09-01", "2026-08-31"),
    ("101", "7", "2026-09-01", None),
    ("102", "R", "2025-09-03", None),
    ("103", "N1", "2026-01-05", "2026-11-19"),
    ("104", "10", "2026-09-01", None),
    ("105", "N2", "2026-09-01", None),
]
CANONICAL_MARKS = [
    ("101", "2026-11-19", "AM", "/"), ("101", "2026-11-19", "PM", "\\"),
    ("102", "2026-11-19", "AM", "I"), ("102", "2026-11-19", "PM", "I"),
    ("103", "2026-11-19", "AM", "/"), ("103", "2026-11-19", "PM", "L"),
    ("104", "2026-11-19", "AM", "/"), ("104", "2026-11-19", "PM", "\\"),
    ("105", "2026-11-19", "AM", "M"),
    ("101", "2026-11-20", "AM", "/"),
    ("102", "2026-11-20", "AM", "L"),
    ("104", "2026-11-20", "AM", "/"), ("104", "2026-11-20", "PM", "\\"),
    ("105", "2026-11-20", "AM", "/"), ("105", "2026-11-20", "PM", "\\"),
]
CANONICAL_DDL = """
CREATE TABLE enrolments (pupil_id TEXT NOT NULL, year_group TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT);
CREATE TABLE attendance_marks (pupil_id TEXT NOT NULL, date TEXT NOT NULL, session TEXT NOT NULL, code TEXT NOT NULL,
                               PRIMARY KEY (pupil_id, date, session));
CREATE INDEX attendance_marks_by_date ON attendance_marks(date);
"""


def build_vendor_copy(path: Path) -> None:
    con = sqlite3.connect(path)
    con.executescript(SCHEMA.read_text())
    con.executemany("INSERT INTO Student VALUES (?, ?, ?)", STUDENTS)
    con.executemany("INSERT INTO StudentYear VALUES (?, ?, ?, ?)", STUDENT_YEARS)
    con.executemany("INSERT INTO RegisterMark VALUES (?, ?, ?, ?)", REGISTER_MARKS)
    con.commit()
    con.close()


def build_canonical_copy(path: Path) -> None:
    con = sqlite3.connect(path)
    con.executescript(CANONICAL_DDL)
    con.executemany("INSERT INTO enrolments VALUES (?, ?, ?, ?)", CANONICAL_ENROLMENTS)
    con.executemany("INSERT INTO attendance_marks VALUES (?, ?, ?, ?)", CANONICAL_MARKS)
    con.commit()
    con.close()


def open_as_attsync(path: Path, views: dict[str, str]) -> sqlite3.Connection:
    """A read-only connection with `views` created the way attsync's SourceDatabase creates them."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    for name, select in sorted(views.items()):
        con.execute(f'CREATE TEMP VIEW "{name}" AS {select}')
        con.execute(f'SELECT * FROM temp."{name}" LIMIT 0')
    return con


def sort(rows) -> list[tuple]:
    return sorted(rows, key=lambda r: tuple("" if v is None else str(v) for v in r))


def fenced_block_after(marker: str, text: str) -> str:
    """The body of the first fenced code block after `marker` in the document."""
    start = text.index(marker)
    match = re.search(r"```[a-z]*\n(.*?)```", text[start:], re.S)
    assert match, f"no code block after {marker}"
    return match.group(1)


def attsync_binary() -> str | None:
    candidates = [os.environ.get("ATTSYNC_BIN", "")] + [str(ROOT / ".build" / c / "attsync") for c in ("release", "debug")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


class VendorViews(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="vendor-views-"))
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.vendor = self.dir / "acme-copy.sqlite"
        build_vendor_copy(self.vendor)
        self.views = json.loads(VIEWS.read_text())

    def test_the_views_give_the_canonical_rows(self) -> None:
        self.assertEqual(sorted(self.views), ["attendance_marks", "enrolments"])
        con = open_as_attsync(self.vendor, self.views)
        try:
            for relation, columns in [("enrolments", ["pupil_id", "year_group", "start_date", "end_date"]),
                                      ("attendance_marks", ["pupil_id", "date", "session", "code"])]:
                info = [r[1] for r in con.execute("SELECT * FROM pragma_table_info(?)", (relation,))]
                self.assertEqual(info, columns, relation)
            self.assertEqual(sort(con.execute("SELECT pupil_id, year_group, start_date, end_date FROM enrolments")), sort(CANONICAL_ENROLMENTS))
            self.assertEqual(sort(con.execute("SELECT pupil_id, date, session, code FROM attendance_marks")), sort(CANONICAL_MARKS))
            # Every value is text, as in the canonical tables.
            types = con.execute("SELECT DISTINCT typeof(pupil_id) || typeof(year_group) || typeof(start_date) FROM enrolments").fetchall()
            self.assertEqual(types, [("texttexttext",)])
            # A read by date through the view still uses the vendor's date index.
            plan = " ".join(r[3] for r in con.execute(
                "EXPLAIN QUERY PLAN SELECT session, code, count(*) FROM attendance_marks WHERE date BETWEEN '2026-11-19' AND '2026-11-20' GROUP BY 1, 2"))
            self.assertIn("RegisterMark_by_date", plan)
        finally:
            con.close()

    def test_the_vendor_copy_is_never_written(self) -> None:
        before = self.vendor.read_bytes()
        con = open_as_attsync(self.vendor, self.views)
        with self.assertRaises(sqlite3.OperationalError):
            con.execute("INSERT INTO main.RegisterMark VALUES (1, '2026-11-20', 'M', '/')")
        con.close()
        self.assertEqual(self.vendor.read_bytes(), before)

    def test_a_period_other_than_m_or_a_is_not_silently_a_session(self) -> None:
        con = sqlite3.connect(self.vendor)
        con.execute("INSERT INTO RegisterMark VALUES (101, '2026-11-20', 'X', '/')")
        con.commit()
        con.close()
        con = open_as_attsync(self.vendor, self.views)
        # attsync reports a NULL session on a run date as an invalid row (exit 65) instead of guessing.
        self.assertEqual(con.execute("SELECT count(*) FROM attendance_marks WHERE session IS NULL").fetchone()[0], 1)
        con.close()

    def test_the_document_shows_these_files(self) -> None:
        doc = DOC.read_text()
        self.assertEqual(fenced_block_after("<!-- example: scripts/examples/vendor-schema.sql -->", doc).strip(), SCHEMA.read_text().strip())
        school = json.loads(fenced_block_after("<!-- example: scripts/examples/vendor-views.json -->", doc))
        self.assertEqual(school["source"]["views"], self.views)
        self.assertIn("scripts/examples/vendor-views.json", doc)

    def test_the_csv_route_gives_the_same_rows(self) -> None:
        """The same school exported to CSV as an MIS would (UK dates, words for year groups, M/A periods)."""
        marks = self.dir / "marks.csv"
        pupils = self.dir / "pupils.csv"
        names = {s[0]: s for s in STUDENTS}
        with marks.open("w") as f:
            f.write("Admission No,Surname,Date,AM/PM,Mark\n")
            for ref, date, period, code in REGISTER_MARKS:
                y, m, d = date.split("-")
                f.write(f"{ref},{names[ref][1]},{d}/{m}/{y},{'AM' if period == 'M' else 'PM'},{code or ''}\n")
        with pupils.open("w") as f:
            f.write("Admission No,Forename,NC Year,Start Date,End Date\n")
            for ref, year, start, end in STUDENT_YEARS:
                f.write(f"{ref},{names[ref][2]},{year},{start},{end or ''}\n")
        out = self.dir / "csv-copy.sqlite"
        proc = subprocess.run([sys.executable, str(IMPORT), "--marks", str(marks), "--pupils", str(pupils), "--out", str(out)],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        con = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
        self.assertEqual(sort(con.execute("SELECT * FROM enrolments")), sort(CANONICAL_ENROLMENTS))
        self.assertEqual(sort(con.execute("SELECT * FROM attendance_marks")), sort(CANONICAL_MARKS))
        con.close()

    @unittest.skipUnless(attsync_binary(), "no attsync binary (set ATTSYNC_BIN or build first)")
    def test_attsync_sends_the_same_body_from_both_copies(self) -> None:
        canonical = self.dir / "canonical.sqlite"
        build_canonical_copy(canonical)
        bodies = []
        for name, path, views in [("vendor", self.vendor, self.views), ("canonical", canonical, {})]:
            config = self.dir / f"{name}.json"
            config.write_text(json.dumps({
                "version": 1,
                "stateDirectory": f"state-{name}",
                "dfe": {"endpoint": "https://dfe.example/attendance/attendances",
                        "token": {"url": "https://login.example/token", "clientId": "x", "clientSecret": {"env": "UNUSED"}}},
                "schools": [{"urn": "100001", "source": {"path": str(path), "views": views}}],
            }))
            os.chmod(config, 0o600)
            proc = subprocess.run([attsync_binary(), "preview", "--json", "--date", "2026-11-20", "--config", str(config)],
                                  capture_output=True, text=True, timeout=60)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            bodies.append(proc.stdout)
        self.assertEqual(bodies[0], bodies[1])
        body = json.loads(bodies[0])
        self.assertIn("2026-11-19", bodies[0])
        self.assertTrue(body)


if __name__ == "__main__":
    unittest.main()

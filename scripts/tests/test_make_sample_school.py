"""Tests of scripts/make-sample-school.py (unittest, standard library only).

Run: python3 -m unittest discover -s scripts/tests -p 'test_make_sample*' -v

The expectations here are written from the specs (mis-schema.md, attendance-codes.md) and from the
England school calendar, not from the generator's own tables, so a slip in the generator shows up here.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "make-sample-school.py"

CHANGE = "2024-08-19"
SUBCODE_MAP = {"I02": "I", "X01": "X", "V01": "V"}
NEW_CODES = set(
    "/ \\ L K V P W B C1 M J1 S X C2 C T R I E Q Y1 Y2 Y3 Y4 Y5 Y6 Y7 G N O U D Z #".split()
)
OLD_CODES = (NEW_CODES - {"K", "C1", "J1", "C2", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7"}) | {"J", "H", "Y"}
ONLY_NEW = NEW_CODES - OLD_CODES
ONLY_OLD = OLD_CODES - NEW_CODES
NATIONAL_YEAR_GROUPS = {"E1", "E2", "N1", "N2", "R", "X"} | {str(n) for n in range(1, 15)}

# Holidays of England (approximate: the exact dates vary by local authority, so these are the parts
# that every authority has off), as inclusive ranges.
HOLIDAYS = [
    ("2024-07-26", "2024-08-30"),  # summer 2024
    ("2025-07-25", "2025-08-29"),  # summer 2025
    ("2025-12-22", "2026-01-02"),  # Christmas 2025
    ("2026-04-06", "2026-04-10"),  # Easter 2026 (Easter Monday 6 April)
    ("2026-12-21", "2027-01-01"),  # Christmas 2026
]

ENROLMENTS_COLUMNS = [
    # (name, type, notnull, pk)
    ("pupil_id", "TEXT", 1, 0),
    ("year_group", "TEXT", 1, 0),
    ("start_date", "TEXT", 1, 0),
    ("end_date", "TEXT", 0, 0),
]
MARKS_COLUMNS = [
    ("pupil_id", "TEXT", 1, 1),
    ("date", "TEXT", 1, 2),
    ("session", "TEXT", 1, 3),
    ("code", "TEXT", 1, 0),
]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120,
                          env=env)


def day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def dump(path: str) -> list:
    """Every row of every object, in stored order, plus the schema."""
    con = sqlite3.connect(path)
    try:
        schema = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid").fetchall()
        enrol = con.execute("SELECT rowid, * FROM enrolments ORDER BY rowid").fetchall()
        marks = con.execute("SELECT rowid, * FROM attendance_marks ORDER BY rowid").fetchall()
        return [schema, enrol, marks]
    finally:
        con.close()


class Db:
    """A generated database, opened read-only, with a few derived facts the tests share."""

    def __init__(self, path: str, proc: subprocess.CompletedProcess):
        self.path = path
        self.proc = proc
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.marks = self.con.execute("SELECT pupil_id, date, session, code FROM attendance_marks").fetchall()
        self.enrol = self.con.execute("SELECT pupil_id, year_group, start_date, end_date FROM enrolments").fetchall()
        self.rows_of: dict[str, list] = {}
        for pid, yg, start, end in self.enrol:
            self.rows_of.setdefault(pid, []).append((yg, start, end))
        for rows in self.rows_of.values():
            rows.sort(key=lambda r: r[1])
        self.dates = sorted({m[1] for m in self.marks})

    def year_group(self, pid: str, date: str) -> str | None:
        for yg, start, end in self.rows_of.get(pid, ()):
            if start <= date and (end is None or date <= end):
                return yg
        return None

    def on_roll(self, date: str) -> dict[str, str]:
        out = {}
        for pid in self.rows_of:
            yg = self.year_group(pid, date)
            if yg is not None:
                out[pid] = yg
        return out

    def close(self) -> None:
        self.con.close()


class MakeSampleSchoolTest(unittest.TestCase):
    tmp: str
    dbs: dict[str, Db]

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.mkdtemp(prefix="attsync-sample-test-")
        cls.dbs = {}
        specs = {
            "primary": [],
            "primary_again": [],
            "primary_seed2": ["--seed", "2"],
            "primary_nosub": ["--no-subcodes"],
            "crossing": ["--phase", "secondary", "--pupils", "300", "--from", "2024-06-03", "--to", "2024-10-11"],
            "year": ["--phase", "secondary", "--pupils", "120", "--from", "2025-09-01", "--to", "2026-07-17"],
            "short_wal": ["--pupils", "60", "--from", "2026-09-01", "--to", "2026-09-18", "--journal", "wal"],
        }
        for name, extra in specs.items():
            path = os.path.join(cls.tmp, f"{name}.sqlite")
            env = dict(os.environ)
            # Different hash seeds: determinism must not depend on set or dict iteration of strings.
            env["PYTHONHASHSEED"] = "1" if name == "primary" else "2"
            proc = run("--out", path, *extra, env=env)
            if proc.returncode != 0:
                raise AssertionError(f"{name}: exit {proc.returncode}: {proc.stderr}")
            cls.dbs[name] = Db(path, proc)

    @classmethod
    def tearDownClass(cls) -> None:
        for db in cls.dbs.values():
            db.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # ----- output and determinism -----

    def test_summary_on_stderr_nothing_on_stdout(self) -> None:
        for name, db in self.dbs.items():
            with self.subTest(db=name):
                self.assertEqual(db.proc.stdout, "")
                lines = db.proc.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, db.proc.stderr)
                line = lines[0]
                self.assertIn(f"{len(db.marks)} mark rows", line)
                self.assertIn(f"{len(db.enrol)} enrolment rows", line)
                self.assertIn(f"{len(db.rows_of)} pupils", line)

    def test_same_seed_same_database(self) -> None:
        a, b = self.dbs["primary"], self.dbs["primary_again"]
        self.assertEqual(dump(a.path), dump(b.path))
        self.assertEqual(Path(a.path).read_bytes(), Path(b.path).read_bytes())

    def test_other_seed_other_database(self) -> None:
        self.assertNotEqual(dump(self.dbs["primary"].path)[2], dump(self.dbs["primary_seed2"].path)[2])

    def test_no_subcodes_is_the_same_data_mapped(self) -> None:
        with_sub = [(p, d, s, SUBCODE_MAP.get(c, c)) for p, d, s, c in self.dbs["primary"].marks]
        self.assertEqual(with_sub, self.dbs["primary_nosub"].marks)
        self.assertEqual(self.dbs["primary"].enrol, self.dbs["primary_nosub"].enrol)

    # ----- schema and row validity -----

    def test_schema_is_exactly_canonical(self) -> None:
        for name, db in self.dbs.items():
            with self.subTest(db=name):
                objects = sorted(db.con.execute("SELECT type, name, tbl_name FROM sqlite_master").fetchall())
                self.assertEqual(objects, [
                    ("index", "attendance_marks_by_date", "attendance_marks"),
                    ("index", "sqlite_autoindex_attendance_marks_1", "attendance_marks"),
                    ("table", "attendance_marks", "attendance_marks"),
                    ("table", "enrolments", "enrolments"),
                ])
                for table, expected in (("enrolments", ENROLMENTS_COLUMNS), ("attendance_marks", MARKS_COLUMNS)):
                    cols = [(r[1], r[2], r[3], r[5]) for r in db.con.execute(f"PRAGMA table_info({table})")]
                    self.assertEqual(cols, expected)
                cols = [r[2] for r in db.con.execute("PRAGMA index_info(attendance_marks_by_date)")]
                self.assertEqual(cols, ["date"])
                self.assertEqual(db.con.execute("PRAGMA user_version").fetchone()[0], 0)

    def test_journal_mode(self) -> None:
        self.assertEqual(self.dbs["primary"].con.execute("PRAGMA journal_mode").fetchone()[0], "delete")
        wal = self.dbs["short_wal"]
        self.assertEqual(wal.con.execute("PRAGMA journal_mode").fetchone()[0], "wal")
        self.assertEqual(Path(wal.path).read_bytes()[18:20], b"\x02\x02")

    def test_rows_are_valid(self) -> None:
        for name, db in self.dbs.items():
            with self.subTest(db=name):
                for pid, d, s, c in db.marks:
                    self.assertRegex(pid, r"^P\d{5}$")
                    self.assertRegex(d, r"^\d{4}-\d{2}-\d{2}$")
                    day(d)
                    self.assertIn(s, ("AM", "PM"))
                    self.assertTrue(c)
                for pid, yg, start, end in db.enrol:
                    self.assertRegex(pid, r"^P\d{5}$")
                    self.assertIn(yg, NATIONAL_YEAR_GROUPS)
                    self.assertEqual(day(start).isoformat(), start)
                    if end is not None:
                        self.assertLessEqual(start, end)
                # A pupil's rows never overlap and follow on without gaps (admission to leaving).
                for pid, rows in db.rows_of.items():
                    for (_, _, end), (_, start, _) in zip(rows, rows[1:]):
                        self.assertIsNotNone(end, pid)
                        self.assertEqual(day(end) + dt.timedelta(days=1), day(start), pid)

    def test_year_groups_of_the_phase(self) -> None:
        primary = {yg for _, yg, _, _ in self.dbs["primary"].enrol}
        self.assertEqual(primary, {"N2", "R", "1", "2", "3", "4", "5", "6"})
        secondary = {yg for _, yg, _, _ in self.dbs["year"].enrol}
        self.assertEqual(secondary, {"7", "8", "9", "10", "11", "12", "13"})
        # Sixth form and nursery are smaller than a main year group.
        db = self.dbs["primary"]
        on_roll = list(db.on_roll(db.dates[0]).values())
        self.assertLess(on_roll.count("N2"), on_roll.count("3"))
        self.assertTrue(350 <= len(on_roll) <= 490, len(on_roll))  # about --pupils (420) on roll at the start
        db = self.dbs["year"]
        on_roll = list(db.on_roll(db.dates[0]).values())
        self.assertLess(on_roll.count("13"), on_roll.count("9"))

    # ----- calendar -----

    def test_marks_only_on_school_days(self) -> None:
        for name, db in self.dbs.items():
            with self.subTest(db=name):
                for d in db.dates:
                    self.assertLess(day(d).weekday(), 5, d)
                    for lo, hi in HOLIDAYS:
                        self.assertFalse(lo <= d <= hi, f"mark on {d}, in the holiday {lo}..{hi}")

    def assert_half_term(self, db: Db, lo: str, hi: str) -> None:
        """A full Monday-to-Friday week with no marks between lo and hi, with marks on both sides."""
        dates = set(db.dates)
        monday = day(lo)
        while monday.weekday() != 0:
            monday += dt.timedelta(days=1)
        while monday + dt.timedelta(days=4) <= day(hi):
            week = [(monday + dt.timedelta(days=k)).isoformat() for k in range(5)]
            before = (monday - dt.timedelta(days=3)).isoformat()
            after = (monday + dt.timedelta(days=7)).isoformat()
            if not dates.intersection(week) and before in dates and after in dates:
                return
            monday += dt.timedelta(days=7)
        self.fail(f"no half-term week between {lo} and {hi}")

    def test_half_terms(self) -> None:
        self.assert_half_term(self.dbs["primary"], "2026-10-19", "2026-11-06")
        year = self.dbs["year"]
        self.assert_half_term(year, "2025-10-20", "2025-11-07")
        self.assert_half_term(year, "2026-02-09", "2026-02-27")
        self.assert_half_term(year, "2026-05-18", "2026-06-05")

    def test_inset_days_have_no_marks(self) -> None:
        # Term-time weekdays without marks, outside the half-term week: INSET days (and a bank holiday).
        for name, lo, hi, exclude in (("primary", "2026-09-01", "2026-11-27", ("2026-10-24", "2026-11-01")),
                                      ("year", "2025-09-01", "2025-12-17", ("2025-10-25", "2025-11-02"))):
            db = self.dbs[name]
            dates = set(db.dates)
            d, missing = day(lo), []
            while d <= day(hi):
                s = d.isoformat()
                if d.weekday() < 5 and s not in dates and not exclude[0] <= s <= exclude[1]:
                    missing.append(s)
                d += dt.timedelta(days=1)
            with self.subTest(db=name):
                self.assertTrue(1 <= len(missing) <= 4, missing)

    def test_whole_school_closure_day(self) -> None:
        for name in ("primary", "year", "crossing"):
            db = self.dbs[name]
            with self.subTest(db=name):
                by_date: dict[str, list] = {}
                for pid, d, s, c in db.marks:
                    by_date.setdefault(d, []).append((pid, s, c))
                closures = [d for d, ms in by_date.items() if all(c == "#" for _, _, c in ms)]
                self.assertEqual(len(closures), 1, closures)
                d = closures[0]
                on_roll = db.on_roll(d)
                marks = by_date[d]
                self.assertEqual(sorted((p, s) for p, s, _ in marks), sorted((p, s) for p in on_roll for s in ("AM", "PM")))
                self.assertFalse(any(c == "#" for ms in (by_date[x] for x in by_date if x != d) for _, _, c in ms))
        # A span of fewer than 20 school days has no closure.
        self.assertFalse(any(c == "#" for *_, c in self.dbs["short_wal"].marks))

    # ----- roll -----

    def test_move_up_on_1_september(self) -> None:
        for name, year in (("crossing", 2024), ("year", 2025)):
            db = self.dbs[name]
            with self.subTest(db=name):
                end, start = f"{year}-08-31", f"{year}-09-01"
                movers = [pid for pid, rows in db.rows_of.items()
                          if any(r[2] == end for r in rows) and any(r[1] == start for r in rows)]
                self.assertGreater(len(movers), 10 if name == "year" else 100)
                for pid in movers:
                    rows = db.rows_of[pid]
                    old = next(r for r in rows if r[2] == end)
                    new = next(r for r in rows if r[1] == start)
                    order = ["N2", "R"] + [str(n) for n in range(1, 14)]
                    self.assertEqual(order.index(new[0]), order.index(old[0]) + 1, (pid, rows))
        # A pupil spanning 1 September inside the span has marks in both year groups.
        db = self.dbs["crossing"]
        spanning = [pid for pid in db.rows_of if db.year_group(pid, "2024-07-01") and db.year_group(pid, "2024-09-10")
                    and db.year_group(pid, "2024-07-01") != db.year_group(pid, "2024-09-10")]
        self.assertTrue(spanning)
        marked = {(p, d) for p, d, _, _ in db.marks}
        self.assertTrue(any((p, "2024-07-01") in marked and (p, "2024-09-10") in marked for p in spanning))

    def test_top_year_leaves_and_intake_joins(self) -> None:
        db = self.dbs["crossing"]
        year13 = [pid for pid, rows in db.rows_of.items() if db.year_group(pid, "2024-07-01") == "13"]
        self.assertTrue(year13)
        for pid in year13:
            last = db.rows_of[pid][-1]
            self.assertEqual(last[0], "13")
            # Left at the end of the summer term (a school day), on 31 August, or earlier in the span.
            self.assertIsNotNone(last[2], pid)
            self.assertTrue(last[2] == "2024-08-31" or last[2] in db.dates, (pid, last))
        intake = [pid for pid, rows in db.rows_of.items() if rows[0][1] == "2024-09-01"]
        self.assertTrue(any(db.rows_of[p][0][0] == "7" for p in intake))
        self.assertTrue(any(db.rows_of[p][0][0] == "12" for p in intake))

    def test_admissions_and_leavers_inside_the_span(self) -> None:
        for name in ("primary", "year"):
            db = self.dbs[name]
            with self.subTest(db=name):
                first, last = db.dates[0], db.dates[-1]
                dates = set(db.dates)
                admitted = [p for p, rows in db.rows_of.items() if first < rows[0][1] <= last and rows[0][1] in dates]
                left = [p for p, rows in db.rows_of.items() if rows[-1][2] and first <= rows[-1][2] < last
                        and rows[-1][2] in dates]
                self.assertGreaterEqual(len(admitted), 3)
                self.assertGreaterEqual(len(left), 3)
                on_roll_at_start = len(db.on_roll(first))
                self.assertLess(len(admitted), 0.1 * on_roll_at_start)
                last_mark: dict[str, str] = {}
                for p, d, _, c in db.marks:
                    if c != "Z":
                        last_mark[p] = max(last_mark.get(p, d), d)
                for p in left:
                    self.assertLessEqual(last_mark[p], db.rows_of[p][-1][2])

    def test_every_mark_is_of_a_pupil_on_roll_except_z(self) -> None:
        for name, db in self.dbs.items():
            with self.subTest(db=name):
                z = 0
                for pid, d, s, c in db.marks:
                    if db.year_group(pid, d) is None:
                        self.assertEqual(c, "Z", (pid, d, s))
                        start = db.rows_of[pid][0][1]
                        self.assertTrue(d < start and (day(start) - day(d)).days <= 7, (pid, d, start))
                        z += 1
                    else:
                        self.assertNotEqual(c, "Z", (pid, d, s))
                if name != "short_wal":
                    self.assertGreater(z, 0)

    # ----- codes -----

    def test_codes_valid_for_their_date(self) -> None:
        for name, db in self.dbs.items():
            with self.subTest(db=name):
                for pid, d, s, c in db.marks:
                    national = SUBCODE_MAP.get(c, c)
                    valid = NEW_CODES if d >= CHANGE else OLD_CODES
                    self.assertIn(national, valid, (d, s, c))

    def test_crossing_19_august_2024_uses_each_set(self) -> None:
        db = self.dbs["crossing"]
        before = {SUBCODE_MAP.get(c, c) for _, d, _, c in db.marks if d < CHANGE}
        after = {SUBCODE_MAP.get(c, c) for _, d, _, c in db.marks if d >= CHANGE}
        self.assertEqual(before & ONLY_NEW, set())
        self.assertEqual(after & ONLY_OLD, set())
        self.assertEqual(ONLY_OLD - before, set())  # H, J and Y all used before the change
        self.assertEqual({"C2", "K", "J1", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7"} - after, set())

    def test_subcodes(self) -> None:
        codes = {c for *_, c in self.dbs["primary"].marks}
        self.assertEqual(set(SUBCODE_MAP) - codes, set())
        self.assertEqual({c for *_, c in self.dbs["primary_nosub"].marks} & set(SUBCODE_MAP), set())
        self.assertIn("I02", {c for *_, c in self.dbs["crossing"].marks})
        self.assertIn("--no-subcodes", run("--help").stdout)
        for sub, parent in SUBCODE_MAP.items():
            self.assertRegex(run("--help").stdout, rf"{sub}\s*->\s*{re.escape(parent)}")

    def test_realistic_mix(self) -> None:
        for name in ("primary", "year"):
            db = self.dbs[name]
            with self.subTest(db=name):
                counts: dict[tuple[str, str], int] = {}
                for _, _, s, c in db.marks:
                    key = (s, SUBCODE_MAP.get(c, c))
                    counts[key] = counts.get(key, 0) + 1
                total = len(db.marks)
                am = sum(v for (s, _), v in counts.items() if s == "AM")
                pm = total - am
                share = lambda *codes: sum(v for (_, c), v in counts.items() if c in codes) / total  # noqa: E731
                self.assertGreater(counts[("AM", "/")] / am, 0.8)
                self.assertGreater(counts[("PM", "\\")] / pm, 0.8)
                self.assertTrue(0.01 <= share("L") <= 0.03, share("L"))
                self.assertTrue(0.02 <= share("I") <= 0.045, share("I"))
                for code in ("M", "N", "O", "U", "G", "C", "E", "B", "V", "P", "R"):
                    self.assertGreater(share(code), 0, code)
        codes = {c for *_, c in self.dbs["primary"].marks}
        self.assertTrue({"X", "X01"} & codes)
        # Illness often runs over consecutive days.
        db = self.dbs["year"]
        ill = {(p, d) for p, d, s, c in db.marks if s == "AM" and c in ("I", "I02")}
        nxt = {d: db.dates[k + 1] for k, d in enumerate(db.dates[:-1])}
        runs = sum(1 for p, d in ill if d in nxt and (p, nxt[d]) in ill)
        self.assertGreater(runs, 0.2 * len(ill))

    # ----- imperfections -----

    def test_present_marks_in_the_wrong_session(self) -> None:
        for name in ("primary", "year", "crossing"):
            db = self.dbs[name]
            with self.subTest(db=name):
                slash_pm = sum(1 for _, _, s, c in db.marks if s == "PM" and c == "/")
                backslash_am = sum(1 for _, _, s, c in db.marks if s == "AM" and c == "\\")
                self.assertGreater(slash_pm, 0)
                self.assertGreater(backslash_am, 0)
                self.assertLess(slash_pm + backslash_am, 0.001 * len(db.marks))

    def register_gaps(self, db: Db):
        """(date, session, year group) -> (pupils on roll, pupils marked)."""
        marked: dict[tuple[str, str], set] = {}
        for pid, d, s, c in db.marks:
            marked.setdefault((d, s), set()).add(pid)
        out = {}
        for d in db.dates:
            roll = db.on_roll(d)
            for s in ("AM", "PM"):
                got = marked.get((d, s), set())
                for pid, yg in roll.items():
                    entry = out.setdefault((d, s, yg), [0, 0])
                    entry[0] += 1
                    entry[1] += pid in got
        return out

    def test_year_group_pm_register_not_taken(self) -> None:
        for name in ("primary", "year"):
            db = self.dbs[name]
            with self.subTest(db=name):
                gaps = self.register_gaps(db)
                not_taken = [k for k, (roll, got) in gaps.items() if got == 0 and roll >= 2]
                self.assertTrue(not_taken)
                self.assertTrue(all(s == "PM" for _, s, _ in not_taken), not_taken)
                for d, _, yg in not_taken:
                    self.assertEqual(gaps[(d, "AM", yg)][1], gaps[(d, "AM", yg)][0])  # the AM register was taken
                self.assertLessEqual(len(not_taken), len(db.dates) / 10)

    def test_single_unmarked_sessions(self) -> None:
        for name in ("primary", "year"):
            db = self.dbs[name]
            with self.subTest(db=name):
                gaps = self.register_gaps(db)
                single = [k for k, (roll, got) in gaps.items() if got == roll - 1 and roll >= 2]
                self.assertGreaterEqual(len(single), 3)
                self.assertFalse([k for k, (roll, got) in gaps.items() if 0 < got < roll - 1])

    def test_prospective_pupils_z(self) -> None:
        db = self.dbs["primary"]
        z = [(p, d) for p, d, _, c in db.marks if c == "Z"]
        self.assertTrue(z)
        for p, d in z:
            self.assertIsNone(db.year_group(p, d))

    # ----- command line -----

    def test_refuses_to_overwrite_without_force(self) -> None:
        path = os.path.join(self.tmp, "existing.sqlite")
        Path(path).write_text("keep me")
        proc = run("--out", path, "--pupils", "20", "--from", "2026-09-01", "--to", "2026-09-11")
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stdout, "")
        self.assertIn("--force", proc.stderr)
        self.assertEqual(Path(path).read_text(), "keep me")
        proc = run("--out", path, "--pupils", "20", "--from", "2026-09-01", "--to", "2026-09-11", "--force")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        con = sqlite3.connect(path)
        try:
            self.assertGreater(con.execute("SELECT count(*) FROM attendance_marks").fetchone()[0], 0)
        finally:
            con.close()
        self.assertEqual([f for f in os.listdir(self.tmp) if "existing" in f], ["existing.sqlite"])

    def test_usage_errors(self) -> None:
        out = os.path.join(self.tmp, "never.sqlite")
        for args in (["--from", "2026-10-01", "--to", "2026-09-01"],
                     ["--from", "2026-02-30"],
                     ["--from", "01/09/2026"],
                     ["--from", "2020-09-01", "--to", "2020-10-01"],
                     ["--phase", "tertiary"],
                     ["--journal", "truncate"]):
            with self.subTest(args=args):
                proc = run("--out", out, *args)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertFalse(os.path.exists(out))
        self.assertEqual(run().returncode, 2)  # --out is required


if __name__ == "__main__":
    unittest.main()

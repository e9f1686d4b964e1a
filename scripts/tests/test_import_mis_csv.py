"""Tests of scripts/import-mis-csv (unittest, standard library only).

Run: python3 -m unittest discover -s scripts/tests -p 'test_import*' -v

Every run goes through `run`, which also checks that no pupil identifier (they all start with "ZQ") ever
reaches stdout or stderr.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "import-mis-csv"
SECRET = "ZQ"  # every pupil id in these tests starts with it; none may be printed

CANONICAL_COLUMNS = {
    # name: [(column, type, notnull, pk)]
    "enrolments": [("pupil_id", "TEXT", 1, 0), ("year_group", "TEXT", 1, 0), ("start_date", "TEXT", 1, 0), ("end_date", "TEXT", 0, 0)],
    "attendance_marks": [("pupil_id", "TEXT", 1, 1), ("date", "TEXT", 1, 2), ("session", "TEXT", 1, 3), ("code", "TEXT", 1, 0)],
}

GOOD_MARKS = "Pupil ID,Surname,Date,Session,Mark\nZQ001,Smith,2026-11-26,AM,/\nZQ001,Smith,2026-11-26,PM,\\\nZQ002,Jones,26/11/2026,AM,I02\n"
GOOD_PUPILS = "Pupil ID,Surname,Year Group,Admission Date,Leaving Date\nZQ001,Smith,Year 7,2026-09-01,\nZQ002,Jones,Reception,01/09/2025,\n"


class ImportTestCase(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="import-mis-csv-"))
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", str(self.dir)], check=False))
        self.out = self.dir / "copy.sqlite"

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.dir / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def run_tool(self, *args: str | Path) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=60, cwd=self.dir
        )
        self.assertNotIn(SECRET, proc.stdout + proc.stderr, "a pupil identifier was printed")
        return proc

    def run_import(self, marks: str | bytes = GOOD_MARKS, pupils: str | bytes = GOOD_PUPILS, *extra: str) -> subprocess.CompletedProcess:
        m = self.write("marks.csv", marks)
        p = self.write("pupils.csv", pupils)
        return self.run_tool("--marks", m, "--pupils", p, "--out", self.out, *extra)

    def rows(self, table: str) -> list[tuple]:
        con = sqlite3.connect(f"file:{self.out}?mode=ro", uri=True)
        try:
            return sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=lambda r: tuple(str(v) for v in r))
        finally:
            con.close()

    def leftovers(self) -> list[str]:
        return [p.name for p in self.dir.iterdir() if p.name.endswith(".tmp")]

    def assertBadData(self, proc: subprocess.CompletedProcess, *fragments: str) -> None:
        self.assertEqual(proc.returncode, 65, proc.stderr)
        self.assertIn("nothing was written", proc.stderr)
        for fragment in fragments:
            self.assertIn(fragment, proc.stderr)
        self.assertFalse(self.out.exists(), "bad data must write nothing")
        self.assertEqual(self.leftovers(), [])


class HappyPath(ImportTestCase):
    def test_writes_the_canonical_copy(self) -> None:
        marks = (
            "\ufeffUPN;Forename;Date;AM/PM;Mark\n"
            "ZQ001;Ann;2026-11-26;AM;/\n"
            "ZQ001;Ann;26/11/2026;pm;\\\n"
            "ZQ002;Bob;1/9/2026;Morning;L\n"
            "ZQ002;Bob;2026-09-01;Afternoon;\n"  # not yet marked: left out
            "\n"
            "ZQ003;Cy;2026-11-27;AM;I02\n"
            "ZQ003;Cy;2026-11-27;AM;I02\n"  # repeated: once
        )
        pupils = (
            "\ufeffUPN;Forename;NC Year;Admission Date;Leaving Date\n"
            "ZQ001;Ann;7;2026-09-01;\n"
            "ZQ002;Bob;Reception;01/09/2025;31/07/2027\n"
            "ZQ003;Cy;Nursery 1;2026-01-05;\n"
        )
        proc = self.run_import(marks.encode("utf-8"), pupils.encode("utf-8"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("wrote", proc.stdout)
        self.assertIn("4 marks on 3 dates (2026-09-01 to 2026-11-27)", proc.stdout)
        self.assertIn("1 blank mark", proc.stderr)
        self.assertIn("1 repeated row", proc.stderr)
        self.assertEqual(
            self.rows("attendance_marks"),
            [
                ("ZQ001", "2026-11-26", "AM", "/"),
                ("ZQ001", "2026-11-26", "PM", "\\"),
                ("ZQ002", "2026-09-01", "AM", "L"),
                ("ZQ003", "2026-11-27", "AM", "I02"),
            ],
        )
        self.assertEqual(
            self.rows("enrolments"),
            [("ZQ001", "7", "2026-09-01", None), ("ZQ002", "R", "2025-09-01", "2027-07-31"), ("ZQ003", "N1", "2026-01-05", None)],
        )

    def test_schema_indexes_mode_and_no_other_data(self) -> None:
        proc = self.run_import()
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(stat.S_IMODE(self.out.stat().st_mode), 0o640)
        self.assertEqual(self.leftovers(), [])
        con = sqlite3.connect(f"file:{self.out}?mode=ro", uri=True)
        try:
            for table, columns in CANONICAL_COLUMNS.items():
                info = [(r[1], r[2], r[3], r[5]) for r in con.execute(f"PRAGMA table_info({table})")]
                self.assertEqual(info, columns, table)
            indexes = {r[1]: r for r in con.execute("PRAGMA index_list(attendance_marks)")}
            self.assertIn("attendance_marks_by_date", indexes)
            self.assertEqual([r[2] for r in con.execute("PRAGMA index_info(attendance_marks_by_date)")], ["date"])
            pk = [name for name, row in indexes.items() if row[3] == "pk"]
            self.assertEqual(len(pk), 1)
            self.assertEqual([r[2] for r in con.execute(f"PRAGMA index_info({pk[0]})")], ["pupil_id", "date", "session"])
            self.assertEqual(con.execute("PRAGMA journal_mode").fetchone()[0], "delete")  # no -wal/-shm for a reader
            # The plan of a read by date uses the date index.
            plan = " ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN SELECT code, count(*) FROM attendance_marks WHERE date = '2026-11-26' GROUP BY code"))
            self.assertIn("attendance_marks_by_date", plan)
        finally:
            con.close()
        dump = self.out.read_bytes()
        self.assertNotIn(b"Smith", dump, "columns that are not needed (names) must not be copied")
        self.assertNotIn(b"Jones", dump)

    def test_replaces_the_old_copy_atomically(self) -> None:
        self.assertEqual(self.run_import().returncode, 0)
        old = sqlite3.connect(f"file:{self.out}?mode=ro", uri=True)
        old.execute("BEGIN")
        self.assertEqual(old.execute("SELECT count(*) FROM attendance_marks").fetchone()[0], 3)
        old_inode = self.out.stat().st_ino
        proc = self.run_import(GOOD_MARKS + "ZQ002,Jones,2026-11-26,PM,\\\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotEqual(self.out.stat().st_ino, old_inode, "the copy is replaced by rename, never rewritten in place")
        # A reader that had the old copy open still sees the old, whole snapshot.
        self.assertEqual(old.execute("SELECT count(*) FROM attendance_marks").fetchone()[0], 3)
        old.close()
        self.assertEqual(len(self.rows("attendance_marks")), 4)
        self.assertEqual(self.leftovers(), [])

    def test_header_aliases(self) -> None:
        for marks_header, pupils_header in [
            ("Pupil ID,Date,Session,Mark", "Pupil ID,Year,Start Date,End Date"),
            ("UPN,Mark Date,AM/PM,Code", "UPN,NC Year,Admission Date,Leaving Date"),
            ("Admission No.,DATE,am pm,Attendance Code", "admission_no,year-group,date of admission,date of leaving"),
            ("adno\tsession date\tsession\tattendance mark", "ADNO\tYear Group\tStart Date"),
        ]:
            with self.subTest(marks=marks_header, pupils=pupils_header):
                d = "\t" if "\t" in marks_header else ","
                marks = marks_header + "\n" + d.join(["ZQ9", "2026-11-26", "AM", "/"]) + "\n"
                pupils = pupils_header + "\n" + d.join(["ZQ9", "Y8", "2026-09-01"] + ([""] if pupils_header.count(d) == 3 else [])) + "\n"
                proc = self.run_import(marks, pupils)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertEqual(self.rows("attendance_marks"), [("ZQ9", "2026-11-26", "AM", "/")])
                self.assertEqual(self.rows("enrolments"), [("ZQ9", "8", "2026-09-01", None)])

    def test_earlier_alias_wins_when_a_file_has_several(self) -> None:
        marks = "Admission No,UPN,Date,Session,Mark\nZQ-adno,ZQ-upn,2026-11-26,AM,/\n"
        pupils = "UPN,Year,Start Date\nZQ-upn,7,2026-09-01\n"
        proc = self.run_import(marks, pupils)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.rows("attendance_marks")[0][0], "ZQ-upn")

    def test_column_override(self) -> None:
        marks = "Ref,Day,Half,Symbol\nZQ1,2026-11-26,AM,/\n"
        pupils = "Ref,Form Year,Joined\nZQ1,Year 7,2026-09-01\n"
        proc = self.run_import(
            marks, pupils, "--column", "pupil_id=Ref", "--column", "date=Day", "--column", "session=Half",
            "--column", "code=Symbol", "--column", "year_group=form year", "--column", "start_date=Joined",
        )
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.rows("attendance_marks"), [("ZQ1", "2026-11-26", "AM", "/")])
        self.assertEqual(self.rows("enrolments"), [("ZQ1", "7", "2026-09-01", None)])

    def test_year_groups(self) -> None:
        cases = {
            "7": "7", "07": "7", "Year 7": "7", "year7": "7", "Y7": "7", "Yr 7": "7", "NC Year 7": "7", "Year 10": "10",
            "14": "14", "1": "1", "Reception": "R", "RECEPTION": "R", "Rec.": "R", "R": "R", "Year R": "R",
            "Nursery 1": "N1", "N1": "N1", "Nursery 2": "N2", "n2": "N2", "E1": "E1", "E2": "E2", "X": "X",
        }
        pupils = "Pupil ID,Year,Start Date\n" + "".join(f"ZQ{i},{text},2026-09-01\n" for i, text in enumerate(cases))
        marks = "Pupil ID,Date,Session,Mark\nZQ0,2026-11-26,AM,/\n"
        proc = self.run_import(marks, pupils)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        got = {r[0]: r[1] for r in self.rows("enrolments")}
        self.assertEqual({text: got[f"ZQ{i}"] for i, text in enumerate(cases)}, cases)

    def test_windows_1252_file(self) -> None:
        marks = "Pupil ID,Surname,Date,Session,Mark\nZQ1,O\u2019Brien,2026-11-26,AM,/\n".encode("cp1252")
        proc = self.run_import(marks, GOOD_PUPILS.replace("ZQ001", "ZQ1"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.rows("attendance_marks"), [("ZQ1", "2026-11-26", "AM", "/")])

    def test_quiet_prints_nothing(self) -> None:
        proc = self.run_import(GOOD_MARKS + "ZQ003,Nobody,2026-11-26,AM,/\n", GOOD_PUPILS, "--quiet")
        self.assertEqual((proc.returncode, proc.stdout, proc.stderr), (0, "", ""))

    def test_marks_of_pupils_not_on_the_list_are_kept_and_noted(self) -> None:
        proc = self.run_import(GOOD_MARKS + "ZQ003,Nobody,2026-11-26,AM,Z\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("1 pupil with marks is not in", proc.stderr)
        self.assertIn(("ZQ003", "2026-11-26", "AM", "Z"), self.rows("attendance_marks"))

    def test_help_teaches(self) -> None:
        proc = self.run_tool("--help")
        self.assertEqual(proc.returncode, 0)
        for fragment in ("--marks", "--pupils", "--out", "--column", "UPN", "Admission Date", "DD/MM/YYYY", "Reception",
                         "0640", "ExecStartPre", "Exit codes", "65", "73"):
            self.assertIn(fragment, proc.stdout)


class Usage(ImportTestCase):
    def test_usage_errors_exit_64(self) -> None:
        m = self.write("marks.csv", GOOD_MARKS)
        p = self.write("pupils.csv", GOOD_PUPILS)
        for args, fragment in [
            ((), "required"),
            (("--marks", m, "--pupils", p), "--out"),
            (("--marks", m, "--pupils", p, "--out", self.out, "--bogus"), "unrecognized"),
            (("--marks", m, "--pupils", p, "--out", self.out, "--column", "pupil_id"), "FIELD=HEADER"),
            (("--marks", m, "--pupils", p, "--out", self.out, "--column", "surname=Surname"), "unknown field"),
            (("--marks", m, "--pupils", p, "--out", m), "--out names an input file"),
        ]:
            with self.subTest(args=args):
                proc = self.run_tool(*args)
                self.assertEqual(proc.returncode, 64, proc.stderr)
                self.assertIn(fragment, proc.stderr)
                self.assertIn("usage:", proc.stderr)
                self.assertFalse(self.out.exists())
        self.assertEqual(m.read_text(), GOOD_MARKS)


class MissingInput(ImportTestCase):
    def test_missing_or_unreadable_input_exits_66(self) -> None:
        m = self.write("marks.csv", GOOD_MARKS)
        p = self.write("pupils.csv", GOOD_PUPILS)
        (self.dir / "folder.csv").mkdir()
        for args, fragment in [
            (("--marks", self.dir / "none.csv", "--pupils", p), "none.csv: no such file (the marks report)"),
            (("--marks", m, "--pupils", self.dir / "none.csv"), "none.csv: no such file (the pupil list)"),
            (("--marks", self.dir / "folder.csv", "--pupils", p), "a directory"),
        ]:
            with self.subTest(args=args):
                proc = self.run_tool(*args, "--out", self.out)
                self.assertEqual(proc.returncode, 66, proc.stderr)
                self.assertIn(fragment, proc.stderr)
                self.assertFalse(self.out.exists())


class BadData(ImportTestCase):
    """Each malformed row: exit 65, file, line, column, what is wrong and the fix; nothing written."""

    def test_each_bad_mark(self) -> None:
        header = "Pupil ID,Date,Session,Mark\n"
        for row, fragments in [
            ("ZQ1,2026/11/26,AM,/", ['line 2, column 2 "Date"', '"2026/11/26" is not a real date', "YYYY-MM-DD or DD/MM/YYYY"]),
            ("ZQ1,31/02/2026,AM,/", ['"31/02/2026" is not a real date']),
            ("ZQ1,2026-13-01,AM,/", ['"2026-13-01" is not a real date']),
            ("ZQ1,,AM,/", ['column 2 "Date": empty']),
            ("ZQ1,2026-11-26,Lunch,/", ['line 2, column 3 "Session"', '"Lunch" is not a session', "write AM or PM"]),
            ("ZQ1,2026-11-26,,/", ['column 3 "Session": empty']),
            (",2026-11-26,AM,/", ['line 2, column 1 "Pupil ID": empty', "identifier"]),
            ("ZQ1,2026-11-26,AM,Present AM", ['column 4 "Mark"', "not an attendance code", "mark codes"]),
            ("ZQ1,2026-11-26", ["line 2: 2 fields where the header has 4", "export the file again"]),
        ]:
            with self.subTest(row=row):
                self.assertBadData(self.run_import(header + row + "\n"), "marks.csv", *fragments)

    def test_two_different_marks_for_one_session(self) -> None:
        marks = "Pupil ID,Date,Session,Mark\nZQ001,2026-11-26,AM,/\nZQ001,2026-11-26,AM,L\n"
        self.assertBadData(
            self.run_import(marks), 'marks.csv line 3, column 4 "Mark"', "a second, different mark (L, after / on line 2)",
            "2026-11-26 AM", "correct the register",
        )

    def test_each_bad_pupil(self) -> None:
        header = "Pupil ID,Year Group,Admission Date,Leaving Date\n"
        for row, fragments in [
            ("ZQ001,Year 15,2026-09-01,", ['line 2, column 2 "Year Group"', '"Year 15" is not a National Curriculum year group', "Reception"]),
            ("ZQ001,M,2026-09-01,", ['"M" is not a National Curriculum year group']),
            ("ZQ001,,2026-09-01,", ['column 2 "Year Group": empty']),
            ("ZQ001,7,,", ['line 2, column 3 "Admission Date": empty', "admission date"]),
            ("ZQ001,7,2026-02-30,", ['"2026-02-30" is not a real date']),
            ("ZQ001,7,2026-09-01,soon", ['column 4 "Leaving Date": "soon" is not a real date', "leave it blank"]),
            ("ZQ001,7,2026-09-01,2026-08-31", ["2026-08-31 is before the start date 2026-09-01"]),
            (",7,2026-09-01,", ['column 1 "Pupil ID": empty']),
            ("ZQ001,7", ["line 2: 2 fields where the header has 4"]),
        ]:
            with self.subTest(row=row):
                self.assertBadData(self.run_import(GOOD_MARKS, header + row + "\n"), "pupils.csv", *fragments)

    def test_one_pupil_in_two_year_groups_from_the_same_day(self) -> None:
        pupils = "Pupil ID,Year,Start Date\nZQ001,7,2026-09-01\nZQ001,8,2026-09-01\nZQ002,R,2025-09-01\n"
        self.assertBadData(self.run_import(GOOD_MARKS, pupils), "pupils.csv line 3", "also starts in year group 7 on 2026-09-01 (line 2)")

    def test_missing_columns_list_the_accepted_headers(self) -> None:
        self.assertBadData(
            self.run_import("Kid,When,Mark\nZQ1,2026-11-26,/\n"),
            'marks.csv line 1: no pupil id column among "Kid", "When", "Mark"', '"UPN"', '"Admission No"',
            "--column pupil_id=", "no date column", "no session column", '"AM/PM"',
        )
        self.assertBadData(
            self.run_import(GOOD_MARKS, "Pupil ID,Class\nZQ001,7A\n"), "pupils.csv line 1: no year group column", '"NC Year"',
            "no admission (start) date column", '"Admission Date"',
        )
        self.assertBadData(
            self.run_import(GOOD_MARKS, GOOD_PUPILS, "--column", "pupil_id=Ref"),
            '--column pupil_id="Ref" names a header the file does not have',
        )

    def test_empty_files_and_files_without_rows(self) -> None:
        self.assertBadData(self.run_import(""), "marks.csv: no header row (the file is empty)")
        self.assertBadData(self.run_import(GOOD_MARKS, "\n\n"), "pupils.csv: no header row")
        self.assertBadData(self.run_import("Pupil ID,Date,Session,Mark\n"), "marks.csv: no marks", "date range")
        self.assertBadData(self.run_import(GOOD_MARKS, "Pupil ID,Year,Start Date\n"), "pupils.csv: no pupils")

    def test_broken_quoting(self) -> None:
        self.assertBadData(
            self.run_import('Pupil ID,Date,Session,Mark\nZQ1,2026-11-26,AM,/\nZQ1,2026-11-26,PM,"\\\nZQ2,2026-11-26,AM,/\n'),
            "marks.csv line 3: not readable as CSV", "save it again as CSV",
        )

    def test_files_with_different_identifiers(self) -> None:
        pupils = "Pupil ID,Year,Start Date\nZQ-other-1,7,2026-09-01\n"
        self.assertBadData(self.run_import(GOOD_MARKS, pupils), "identify pupils differently", "the same identifier")

    def test_the_list_of_problems_is_bounded(self) -> None:
        marks = "Pupil ID,Date,Session,Mark\n" + "".join(f"ZQ{i},2026-11-{i:02},Noon,/\n" for i in range(1, 26))
        proc = self.run_import(marks)
        self.assertBadData(proc, "25 problems in the input", "… and 15 more")
        self.assertEqual(proc.stderr.count("is not a session"), 10)
        self.assertLess(len(proc.stderr.splitlines()), 14)

    def test_bad_data_leaves_the_old_copy_untouched(self) -> None:
        self.assertEqual(self.run_import().returncode, 0)
        before = (self.out.read_bytes(), self.out.stat().st_ino, self.out.stat().st_mtime_ns)
        proc = self.run_import(GOOD_MARKS + "ZQ001,2026-11-27,XX,/\n")
        self.assertEqual(proc.returncode, 65)
        self.assertEqual((self.out.read_bytes(), self.out.stat().st_ino, self.out.stat().st_mtime_ns), before)
        self.assertEqual(self.leftovers(), [])


class CannotWrite(ImportTestCase):
    def test_unwritable_output_exits_73(self) -> None:
        m = self.write("marks.csv", GOOD_MARKS)
        p = self.write("pupils.csv", GOOD_PUPILS)
        (self.dir / "a-folder").mkdir()
        (self.dir / "a-file").write_text("x")
        # (Permissions cannot be tested as root; a missing folder, a folder in the way, a file as the folder and a
        # read-only file system (/proc) can.)
        for out in [self.dir / "missing" / "copy.sqlite", self.dir / "a-folder", self.dir / "a-file" / "copy.sqlite", Path("/proc/copy.sqlite")]:
            with self.subTest(out=out):
                proc = self.run_tool("--marks", m, "--pupils", p, "--out", out)
                self.assertEqual(proc.returncode, 73, proc.stderr)
                self.assertIn(f"cannot write {out}", proc.stderr)
                self.assertIn("The old copy, if any, is unchanged", proc.stderr)
                self.assertEqual(self.leftovers(), [])
        self.assertTrue((self.dir / "a-folder").is_dir())
        self.assertEqual(os.listdir(self.dir / "a-folder"), [])


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""The straightforward way to count a school's marks: Python's sqlite3 module, every row into Python.

scripts/bench times it beside `attsync preview --json` on the same copy and checks that both give the same
figures. It applies rules 1-3 of docs/mis-schema.md and codes.map in plain loops, with no grouping in SQL:
what a script written in an afternoon would do. Like attsync it refuses a copy with a malformed date
anywhere in attendance_marks (rule 6), which it finds the plain way: by reading every mark once and counting
those of the run's dates as it goes. With --indexed it reads only the run's dates (through the date index)
and checks no date: the cheapest Python can do, but not the same promise.

Usage: scripts/bench-reference.py COPY RUN_DATE DATE[,DATE...] [--map JSON] [--indexed]
Prints one JSON object: {"totalNoOfPupils": N, "elements": {"DATE YEAR SESSION": [onRoll, {code: n}]}}.
"""
import datetime
import json
import sqlite3
import sys


def main():
    path, run_date, dates = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    codes_map = json.loads(sys.argv[sys.argv.index("--map") + 1]) if "--map" in sys.argv else {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    enrolments = db.execute("SELECT pupil_id, year_group, start_date, end_date FROM enrolments").fetchall()

    def roll(day):
        best = {}
        for pupil, year_group, start, end in enrolments:
            if start <= day and (end is None or end >= day):
                if pupil not in best or best[pupil][0] < start:
                    best[pupil] = (start, year_group)
        return {pupil: year_group for pupil, (_, year_group) in best.items()}

    rolls = {day: roll(day) for day in set(dates) | {run_date}}
    wanted = set(dates)
    counts = {}
    if "--indexed" in sys.argv:
        marks = db.execute(
            f"SELECT pupil_id, date, session, code FROM attendance_marks WHERE date IN ({','.join('?' * len(dates))})", dates)
    else:
        marks = db.execute("SELECT pupil_id, date, session, code FROM attendance_marks")
    seen = set()
    for pupil, day, session, code in marks:
        seen.add(day)
        if day not in wanted:
            continue
        year_group = rolls[day].get(pupil)
        if year_group is None:
            continue
        code = codes_map.get(code, code)
        per_code = counts.setdefault((day, year_group, session), {})
        per_code[code] = per_code.get(code, 0) + 1
    for day in seen:
        try:
            if not isinstance(day, str) or datetime.date.fromisoformat(day).isoformat() != day:
                raise ValueError
        except ValueError:
            sys.exit(f"a mark has a malformed date: {day!r}")
    elements = {}
    for day in dates:
        on_roll = {}
        for year_group in rolls[day].values():
            on_roll[year_group] = on_roll.get(year_group, 0) + 1
        for year_group, pupils in on_roll.items():
            for session in ("AM", "PM"):
                elements[f"{day} {year_group} {session}"] = [pupils, counts.get((day, year_group, session), {})]
    json.dump({"totalNoOfPupils": len(rolls[run_date]), "elements": elements}, sys.stdout)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generate a realistic sample school: a canonical MIS copy (SQLite) for attsync's demo, tests and benchmarks.

Python 3.11 standard library only. The output holds exactly the canonical schema of docs/mis-schema.md
(tables `enrolments` and `attendance_marks`, the primary key, the index `attendance_marks_by_date`) and
nothing else. The same arguments always give the same rows in the same order (and, with the same SQLite
library, the same bytes): every random choice comes from random.Random seeded by --seed, never the clock.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import os
import random
import re
import sqlite3
import sys
import time

D = dt.date.fromisoformat
ONE_DAY = dt.timedelta(days=1)

# The national code set changes on this date (attendance-codes.md): K, C1, J1, C2, Q, Y1-Y7 from it on;
# H, J, Y before it.
CODE_SET_CHANGE = D("2024-08-19")

# Local sub-codes written instead of their national parent (unless --no-subcodes), with the share of the
# parent's marks written as the sub-code. The demo config maps them with codes.map.
SUBCODES = {"I": ("I02", 0.15), "X": ("X01", 0.30), "V": ("V01", 0.20)}

# School terms of England, academic years 2023/24 to 2027/28 (approximately the real dates). Per term:
# first day, last day, half-term week (Monday, Friday), INSET (staff training) days with no marks.
TERMS: dict[int, list[tuple[str, str, tuple[str, str], tuple[str, ...]]]] = {
    2023: [
        ("2023-09-04", "2023-12-20", ("2023-10-23", "2023-10-27"), ("2023-09-04", "2023-10-20")),
        ("2024-01-03", "2024-03-28", ("2024-02-12", "2024-02-16"), ("2024-01-03",)),
        ("2024-04-15", "2024-07-23", ("2024-05-27", "2024-05-31"), ("2024-06-28",)),
    ],
    2024: [
        ("2024-09-02", "2024-12-20", ("2024-10-28", "2024-11-01"), ("2024-09-02", "2024-11-15")),
        ("2025-01-06", "2025-04-04", ("2025-02-17", "2025-02-21"), ("2025-01-06",)),
        ("2025-04-22", "2025-07-22", ("2025-05-26", "2025-05-30"), ("2025-06-27",)),
    ],
    2025: [
        ("2025-09-01", "2025-12-19", ("2025-10-27", "2025-10-31"), ("2025-09-01", "2025-09-02")),
        ("2026-01-05", "2026-03-27", ("2026-02-16", "2026-02-20"), ("2026-01-05",)),
        ("2026-04-13", "2026-07-21", ("2026-05-25", "2026-05-29"), ("2026-06-26",)),
    ],
    2026: [
        ("2026-09-01", "2026-12-18", ("2026-10-26", "2026-10-30"), ("2026-09-01", "2026-11-20")),
        ("2027-01-04", "2027-03-25", ("2027-02-15", "2027-02-19"), ("2027-01-04",)),
        ("2027-04-12", "2027-07-21", ("2027-05-31", "2027-06-04"), ("2027-06-25",)),
    ],
    2027: [
        ("2027-09-01", "2027-12-17", ("2027-10-25", "2027-10-29"), ("2027-09-01", "2027-09-02")),
        ("2028-01-04", "2028-03-31", ("2028-02-14", "2028-02-18"), ("2028-01-04",)),
        ("2028-04-18", "2028-07-21", ("2028-05-29", "2028-06-02"), ("2028-06-30",)),
    ],
}
# Bank holidays that fall in term time (early May); the others fall in the holidays above.
BANK_HOLIDAYS = {D(s) for s in ("2024-05-06", "2025-05-05", "2026-05-04", "2027-05-03", "2028-05-01")}
FIRST_SUPPORTED = D(f"{min(TERMS)}-09-01")
LAST_SUPPORTED = D(f"{max(TERMS) + 1}-08-31")

# Year groups in order, relative size, and the share who stay on into the next year group at 1 September
# (the rest leave at the end of the summer term). The last group always leaves. New pupils join the entry
# groups on 1 September to bring them back to size.
PHASES = {
    "primary": {
        "groups": ["N2", "R", "1", "2", "3", "4", "5", "6"],
        "weights": [0.5, 1, 1, 1, 1, 1, 1, 1],
        "stay": {"N2": 0.85},
        "entry": ["N2", "R"],
        "default_pupils": 420,
    },
    "secondary": {
        "groups": ["7", "8", "9", "10", "11", "12", "13"],
        "weights": [1, 1, 1, 1, 1, 0.6, 0.55],
        "stay": {"11": 0.45, "12": 0.95},
        "entry": ["7", "12"],
        "default_pupils": 1000,
    },
}
DEFAULT_STAY = 0.98

SKIP = ""  # an override meaning "no mark for this session"

# The canonical schema, exactly as docs/mis-schema.md gives it.
SCHEMA_TABLES = """\
CREATE TABLE enrolments (
  pupil_id   TEXT NOT NULL,
  year_group TEXT NOT NULL,   -- National Curriculum year group: E1 E2 N1 N2 R 1..14 X
  start_date TEXT NOT NULL,   -- YYYY-MM-DD
  end_date   TEXT             -- YYYY-MM-DD, NULL while on roll
);
CREATE TABLE attendance_marks (
  pupil_id TEXT NOT NULL,
  date     TEXT NOT NULL,     -- YYYY-MM-DD
  session  TEXT NOT NULL,     -- 'AM' or 'PM'
  code     TEXT NOT NULL,     -- national code, or a local code mapped by codes.map
  PRIMARY KEY (pupil_id, date, session)
);
"""
SCHEMA_INDEX = "CREATE INDEX attendance_marks_by_date ON attendance_marks(date);"

EPILOG = """\
what the data holds (rates are of all marks unless stated):
  calendar   marks only on school days: Monday-Friday in term (fixed England term dates for academic
             years 2023/24 to 2027/28), not in half-term weeks (late October, mid February, late May),
             not on 1-2 INSET days per term, not on term-time bank holidays; one planned whole-school
             closure day (every pupil on roll gets # in both sessions) when the span has >= 20 school days
  roll       enrolment rows per pupil per year group; pupils move up on 1 September (old row ends 31
             August, new row starts 1 September); the top year (6, or 13; also 55% of year 11) leaves at
             the end of the summer term (end_date = last day of term or 31 August); new intake joins on 1
             September; about 3% of pupils admitted and 3% leaving on school days inside the span
  marks      AM mostly /, PM mostly \\; L ~2%, I ~3% (episodes of consecutive days), M, N, O, U, C, B,
             P, R, V (year-group trips), G (holiday blocks next to school holidays), E, T, D, X (nursery);
             W and S (secondary); from 19 August 2024 also K, C1, J1, C2, Q, Y1-Y7, before it H, J, Y
  flaws      present marks in the wrong session (/ in PM, \\ in AM, ~0.02%); a year group's PM register
             not taken for a day (about one per 25 school days); single unmarked sessions; Z marks for
             prospective pupils on the school days just before their enrolment starts

local sub-codes (not national; unless --no-subcodes, written for part of their parent's marks):
  I02 -> I   (15% of illness marks)
  X01 -> X   (30% of not-required-to-attend marks)
  V01 -> V   (20% of educational-visit marks)
  attsync config:  "codes": { "map": { "I02": "I", "X01": "X", "V01": "V" } }
  --no-subcodes gives the same database with every sub-code replaced by its parent.

exit status: 0 done, 2 usage error, 73 the output exists (without --force) or cannot be created.
"""


def parse_date(text: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}")
    try:
        return D(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a real date: {text!r}") from None


def academic_year(d: dt.date) -> int:
    return d.year if d.month >= 9 else d.year - 1


def summer_term_end(year: int) -> dt.date:
    """Last day of the summer term of academic year `year` (year/year+1)."""
    if year in TERMS:
        return D(TERMS[year][2][1])
    return dt.date(year + 1, 7, 22)  # only for history rows before the table starts


def check_term_table() -> None:
    """The term table is data typed by hand: catch a slip (a weekend date, an INSET day in half-term)."""
    for year, terms in TERMS.items():
        for first, last, (ht_mon, ht_fri), insets in terms:
            first_d, last_d, mon, fri = D(first), D(last), D(ht_mon), D(ht_fri)
            assert first_d.weekday() < 5 and last_d.weekday() < 5, (year, first, last)
            assert mon.weekday() == 0 and fri == mon + 4 * ONE_DAY and first_d < mon and fri < last_d, (year, ht_mon)
            assert academic_year(first_d) == year and academic_year(last_d) == year, (year, first)
            for s in insets:
                i = D(s)
                assert i.weekday() < 5 and first_d <= i <= last_d and not mon <= i <= fri, (year, s)


def school_days(start: dt.date, end: dt.date) -> tuple[list[dt.date], set[dt.date]]:
    """The days with marks in [start, end], and the INSET days found there (for the summary)."""
    days, insets = [], set()
    for year in range(academic_year(start), academic_year(end) + 1):
        for first, last, (ht_mon, ht_fri), inset_days in TERMS[year]:
            d, last_d, mon, fri = D(first), D(last), D(ht_mon), D(ht_fri)
            inset = {D(s) for s in inset_days}
            while d <= last_d:
                if start <= d <= end and d.weekday() < 5 and not mon <= d <= fri and d not in BANK_HOLIDAYS:
                    if d in inset:
                        insets.add(d)
                    else:
                        days.append(d)
                d += ONE_DAY
    return days, insets


class Row:
    """One enrolment row: a period of membership of a year group, both ends inclusive."""

    __slots__ = ("yg", "start", "end")

    def __init__(self, yg: str, start: dt.date, end: dt.date | None = None):
        self.yg, self.start, self.end = yg, start, end


class Pupil:
    __slots__ = ("seq", "pid", "rows", "prop", "faith", "part_time", "segs", "ov", "z_days")

    def __init__(self, seq: int, rows: list[Row], rng: random.Random):
        self.seq = seq
        self.pid = ""
        self.rows = rows
        # Absence propensity class: most pupils rarely absent, a few persistently absent.
        r = rng.random()
        self.prop = 0 if r < 0.55 else 1 if r < 0.85 else 2 if r < 0.97 else 3
        self.faith = rng.random() < 0.03  # observes religious festivals that fall in term time
        self.part_time = rng.random() < 0.25  # nursery only: attends mornings
        self.segs: list[tuple[int, int, str]] = []  # (first, end) school-day index ranges and year group
        self.ov: dict[int, list[str | None]] = {}  # school-day index -> [AM, PM] overrides (None: generate)
        self.z_days: list[int] = []

    @property
    def current(self) -> Row:
        return self.rows[-1]

    def on_roll(self, d: dt.date) -> bool:
        return self.rows[0].start <= d and (self.rows[-1].end is None or d <= self.rows[-1].end)

    def days(self) -> list[int]:
        return [i for lo, hi, _ in self.segs for i in range(lo, hi)]

    def yg_at(self, i: int) -> str | None:
        for lo, hi, yg in self.segs:
            if lo <= i < hi:
                return yg
        return None


def random_weekday(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    d = lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))
    while d.weekday() >= 5 and d > lo:
        d -= ONE_DAY
    return d


class School:
    """Builds the roll (enrolment rows) and then the marks of one sample school."""

    def __init__(self, args: argparse.Namespace):
        self.rng = random.Random(args.seed)
        # A separate stream for sub-codes, so that --no-subcodes changes nothing but the sub-codes.
        self.sub_rng = random.Random(f"attsync-subcodes-{args.seed}")
        self.subcodes = not args.no_subcodes
        self.phase = PHASES[args.phase]
        self.secondary = args.phase == "secondary"
        self.groups: list[str] = self.phase["groups"]
        self.start, self.end = args.from_, args.to
        self.days, self.insets = school_days(self.start, self.end)
        self.day_str = [d.isoformat() for d in self.days]
        self.post = [d >= CODE_SET_CHANGE for d in self.days]
        self.pupils: list[Pupil] = []
        target = args.pupils if args.pupils is not None else self.phase["default_pupils"]
        # Year-group sizes in proportion to the weights (+-5%), summing to the target (largest remainder).
        raw = [w * self.rng.uniform(0.95, 1.05) for w in self.phase["weights"]]
        exact = [target * r / sum(raw) for r in raw]
        sizes = [int(x) for x in exact]
        for k in sorted(range(len(exact)), key=lambda k: (sizes[k] - exact[k], k))[: target - sum(sizes)]:
            sizes[k] += 1
        self.sizes = dict(zip(self.groups, sizes))
        self.closure: int | None = None

    # ----- roll -----

    def new_pupil(self, rows: list[Row]) -> Pupil:
        p = Pupil(len(self.pupils), rows, self.rng)
        self.pupils.append(p)
        return p

    def build_roll(self) -> None:
        rng, groups, a0 = self.rng, self.groups, academic_year(self.start)
        # Pupils on roll on the first date, with their history back to admission.
        for gi, g in enumerate(groups):
            for _ in range(self.sizes[g]):
                entry, mid_year = self.entry_index(gi)
                rows = []
                for k in range(entry, gi + 1):
                    year = a0 - (gi - k)
                    start = dt.date(year, 9, 1)
                    if k == entry and mid_year:
                        hi = min(dt.date(year + 1, 7, 15), self.start)
                        if hi > start + ONE_DAY:
                            start = random_weekday(rng, start + ONE_DAY, hi)
                    rows.append(Row(groups[k], start, dt.date(year + 1, 8, 31) if k < gi else None))
                self.new_pupil(rows)
        self.n_initial = len(self.pupils)
        n = len(self.days)
        # Mid-year admissions on school days inside the span (not the first one).
        self.admissions: list[Pupil] = []
        if n >= 3:
            weights = self.phase["weights"]
            for _ in range(max(1, round(0.03 * self.n_initial))):
                i = rng.randrange(1, n)
                g = rng.choices(groups, weights)[0]
                self.admissions.append(self.new_pupil([Row(g, self.days[i])]))
        # Each 1 September inside the span: move up, leave, new intake.
        for year in range(a0 + 1, academic_year(self.end) + 1):
            self.new_school_year(year)
        # Leavers on school days inside the span (not the last one): no marks after their end date.
        if n >= 3:
            taken = {p.seq for p in self.admissions}
            for _ in range(max(1, round(0.03 * self.n_initial))):
                i = rng.randrange(0, n - 1)
                d = self.days[i]
                cands = [p for p in self.pupils if p.seq not in taken and p.on_roll(d)
                         and (p.current.end is None or p.current.end > d)]
                if not cands:
                    continue
                p = rng.choice(cands)
                taken.add(p.seq)
                while p.rows[-1].start > d:
                    p.rows.pop()
                p.rows[-1].end = d
        # Pupil ids in order of admission, like an MIS that numbers pupils as they join.
        self.pupils.sort(key=lambda p: (p.rows[0].start, p.seq))
        width = max(5, len(str(len(self.pupils))))
        for k, p in enumerate(self.pupils, 1):
            p.pid = f"P{k:0{width}d}"
        # School-day index ranges per pupil, for the marks.
        for p in self.pupils:
            for r in p.rows:
                lo = bisect.bisect_left(self.days, r.start)
                hi = n if r.end is None else bisect.bisect_right(self.days, r.end)
                if lo < hi:
                    p.segs.append((lo, hi, r.yg))

    def entry_index(self, gi: int) -> tuple[int, bool]:
        """Where a pupil now in group index gi joined the school, and whether mid-year."""
        r = self.rng.random()
        if self.secondary:
            if gi >= 5:  # sixth form: stayed on from year 7, or joined at year 12
                return (0, False) if r < 0.6 else (5, r > 0.97)
            return (0, False) if r < 0.9 else (self.rng.randint(0, gi), True)
        if gi == 0:
            return 0, r < 0.3  # some nursery pupils start in January or April
        return (0, False) if r < 0.3 else (1, False) if r < 0.9 else (self.rng.randint(1, gi), True)

    def new_school_year(self, year: int) -> None:
        rng, groups = self.rng, self.groups
        first = dt.date(year, 9, 1)
        last_day_of_term = summer_term_end(year - 1)
        count = {g: 0 for g in groups}
        for p in self.pupils:
            row = p.current
            if row.end is not None or row.start >= first:
                continue
            gi = groups.index(row.yg)
            if gi == len(groups) - 1 or rng.random() >= self.phase["stay"].get(row.yg, DEFAULT_STAY):
                row.end = last_day_of_term if rng.random() < 0.5 else dt.date(year, 8, 31)
            else:
                row.end = dt.date(year, 8, 31)
                p.rows.append(Row(groups[gi + 1], first))
                count[groups[gi + 1]] += 1
        for g in self.phase["entry"]:
            target = round(self.sizes[g] * rng.uniform(0.95, 1.05))
            for _ in range(max(0, target - count[g])):
                self.new_pupil([Row(g, first)])

    # ----- events -----

    def plan(self) -> None:
        """Chooses the days and pupils of every non-routine mark before the marks are written."""
        rng, n, days = self.rng, len(self.days), self.days
        on_roll = [p for p in self.pupils if p.segs]
        pupil_days = sum(hi - lo for p in on_roll for lo, hi, _ in p.segs)
        scale = n / 63  # about one term
        n_post = sum(self.post)
        n_pre = n - n_post
        self.day_mods: dict[int, dict[str, set[str]]] = {}
        self.festivals: set[int] = set()
        self.missing_pm: set[tuple[int, str]] = set()

        # Pupils on roll per (day, year group), from the index ranges.
        diff: dict[str, list[int]] = {g: [0] * (n + 1) for g in self.groups}
        for p in on_roll:
            for lo, hi, yg in p.segs:
                diff[yg][lo] += 1
                diff[yg][hi] -= 1
        counts = {}
        for g, dl in diff.items():
            c, run = [], 0
            for v in dl[:n]:
                run += v
                c.append(run)
            counts[g] = c

        if n >= 20:
            self.closure = rng.randrange(5, n - 5)
        usable = [i for i in range(n) if i != self.closure]

        def mod(i: int, g: str, what: str) -> None:
            self.day_mods.setdefault(i, {}).setdefault(g, set()).add(what)

        # Year group level: a trip about once a term; PM register not taken about once in 25 school days.
        for g in self.groups:
            k = int(scale) + (rng.random() < scale % 1)
            for i in rng.sample(usable, min(k, len(usable))):
                if counts[g][i]:
                    mod(i, g, "trip")
        if n >= 5:
            for _ in range(max(1, round(n / 25))):
                for _attempt in range(50):
                    i, g = rng.choice(usable), rng.choice(self.groups)
                    if counts[g][i] >= 2 and (i, g) not in self.missing_pm:
                        self.missing_pm.add((i, g))
                        mod(i, g, "no_pm")
                        break
        if self.secondary:
            for year in sorted({academic_year(d) for d in days}):
                # Year 10 work experience: a week in late June / early July.
                span = [i for i in usable if dt.date(year + 1, 6, 20) <= days[i] <= dt.date(year + 1, 7, 12)]
                mondays = [i for i in span if days[i].weekday() == 0 and i + 4 < n and days[i + 4] == days[i] + 4 * ONE_DAY]
                if mondays:
                    m = rng.choice(mondays)
                    for i in range(m, m + 5):
                        if i != self.closure:
                            mod(i, "10", "work")
                # Years 11 and 13: study leave from mid-May.
                for i in usable:
                    if dt.date(year + 1, 5, 13) <= days[i] <= dt.date(year + 1, 7, 31):
                        mod(i, "11", "study")
                        mod(i, "13", "study")
        # Religious festivals in term time, for the pupils who observe them.
        for i in rng.sample(usable, min(len(usable), int(scale) + (rng.random() < scale % 1))):
            self.festivals.add(i)

        def free(p: Pupil, i: int) -> bool:
            return i != self.closure and i not in p.ov

        def pupil(pred=None) -> Pupil | None:
            cands = [p for p in on_roll if pred is None or pred(p)] or on_roll
            return rng.choice(cands) if cands else None

        def blocks(count: int, lengths: tuple[int, int], code, at_holiday=False, era=None, pred=None,
                   am=True, pm=True) -> None:
            """`count` runs of consecutive school days with `code` (a function of the day for era codes)."""
            edges = [i for i in range(n - 1) if (days[i + 1] - days[i]).days >= 7]
            for _ in range(count):
                for _attempt in range(30):
                    p = pupil(pred)
                    if p is None:
                        return
                    mine = [i for i in p.days() if era is None or self.post[i] == era]
                    if not mine:
                        continue
                    k = min(rng.randint(*lengths), len(mine))
                    mine_set = set(mine)
                    starts = []
                    if at_holiday and edges:
                        e = rng.choice(edges)
                        starts = [e - k + 1, e + 1]
                    starts.append(mine[rng.randrange(len(mine) - k + 1)])
                    s = rng.choice(starts)
                    block = list(range(s, s + k))
                    if not all(i in mine_set for i in block):
                        continue
                    if all(free(p, i) for i in block):
                        for i in block:
                            c = code(i) if callable(code) else code
                            p.ov[i] = [c if am else None, c if pm else None]
                        break

        def weekly(count: int, code, pred=None, era=None, am=True, pm=True) -> None:
            """`count` pupils away on one weekday every week, starting on a day in `era` (if given)."""
            for _ in range(count):
                p = pupil(lambda p: (pred is None or pred(p))
                          and any(era is None or self.post[i] == era for i in p.days()))
                if p is None:
                    return
                weekday = rng.randrange(5)
                for i in p.days():
                    if days[i].weekday() == weekday and free(p, i):
                        c = code(i)
                        p.ov[i] = [c if am else None, c if pm else None]

        def singles(count: int, code: str, era: bool | None, pred=None, sessions=("both",)) -> None:
            for _ in range(count):
                for _attempt in range(30):
                    p = pupil(pred)
                    if p is None:
                        return
                    mine = [i for i in p.days() if free(p, i) and (era is None or self.post[i] == era)]
                    if mine:
                        i = rng.choice(mine)
                        s = rng.choice(sessions)
                        p.ov[i] = [code if s != "PM" else None, code if s != "AM" else None]
                        break

        def many(rate: float, minimum: int = 1) -> int:
            return max(minimum, round(rate))

        def in_groups(*gs: str):
            return lambda p: any(yg in gs for _, _, yg in p.segs)

        n0 = self.n_initial
        new_or_old = lambda new, old: (lambda i: new if self.post[i] else old)  # noqa: E731
        older = in_groups("10", "11", "12", "13") if self.secondary else in_groups("5", "6")
        if n >= 10:
            blocks(many(0.02 * n0 * scale), (3, 5), "G", at_holiday=True)  # unauthorised holiday
            blocks(many((0.006 if self.secondary else 0.002) * n0 * scale), (1, 3), "E")  # suspension
            blocks(many(0.001 * n0 * scale), (5, 10), "T")  # travelling parents
            weekly(many(0.002 * n0), lambda i: "D")  # dual registered
        # Attending LA provision one day a week: K from 19 August 2024, B before.
        if n_post >= 10:
            weekly(many(0.003 * n0 * n_post / n), new_or_old("K", "B"), pred=older, era=True)
            blocks(many(0.002 * n0 * n_post / n), (10, 30), "C2", era=True, am=False)  # part-time timetable
        if n_pre >= 10:
            weekly(many(0.003 * n0 * n_pre / n), new_or_old("K", "B"), pred=older, era=False)
            blocks(many(0.002 * n0 * n_pre / n), (10, 30), "C", era=False, am=False)  # part-time, before C2
        if n_pre >= 10:
            blocks(many(0.005 * n0 * n_pre / 63), (3, 8), "H", at_holiday=True, era=False)
        if n_pre >= 5:
            singles(many(pupil_days * (1e-4 if self.secondary else 1e-5)), "J", False, older)
            singles(many(pupil_days * 5e-5), "Y", False)
        if n_post >= 5:
            singles(many(pupil_days * (1e-4 if self.secondary else 1e-5)), "J1", True, older)
            for code, rate in (("C1", 2e-5), ("Q", 2e-5), ("Y1", 5e-5), ("Y3", 2e-5), ("Y4", 1e-5),
                               ("Y5", 1e-5), ("Y6", 1e-5), ("Y7", 3e-5)):
                singles(many(pupil_days * rate), code, True)
            # A day of widespread travel disruption (snow): a few percent cannot get in.
            post_days = [i for i in usable if self.post[i]]
            if post_days:
                i = rng.choice(post_days)
                for p in on_roll:
                    if p.yg_at(i) is not None and free(p, i) and rng.random() < 0.04:
                        p.ov[i] = ["Y2", "Y2"]

        # Imperfections, placed where nothing else would hide them.
        def present_slot() -> tuple[Pupil, int] | None:
            for _attempt in range(100):
                p = rng.choice(on_roll)
                i = rng.choice(p.days())
                g = p.yg_at(i)
                if free(p, i) and (i, g) not in self.missing_pm:  # keep the imperfections apart
                    return p, i
            return None

        if on_roll:
            for _ in range(many(pupil_days * 2e-4)):  # per session kind: ~0.02% of marks in all
                slot = present_slot()
                if slot:
                    slot[0].ov[slot[1]] = ["\\", None]
                slot = present_slot()
                if slot:
                    slot[0].ov[slot[1]] = [None, "/"]
            gaps: set[tuple[int, str, str]] = set()  # at most one gap per register
            for _ in range(many(pupil_days * 1e-4, 3)):  # a single pupil left unmarked
                session = rng.choice(("AM", "PM"))
                for _attempt in range(20):
                    slot = present_slot()
                    if slot is None:
                        break
                    p, i = slot
                    register = (i, session, p.yg_at(i))
                    if register not in gaps:
                        gaps.add(register)
                        p.ov[i] = [SKIP, None] if session == "AM" else [None, SKIP]
                        break
        # Z: prospective pupils marked on the school days of the week before their enrolment starts.
        def z_days(p: Pupil, k: int) -> list[int]:
            first = p.segs[0][0]
            return [i for i in range(max(0, first - k), first)
                    if i != self.closure and (days[first] - days[i]).days <= 7]

        eligible = [p for p in self.admissions if p.segs and z_days(p, 1)]
        for p in rng.sample(eligible, min(len(eligible), max(1, len(eligible) // 3))):
            p.z_days = z_days(p, rng.randint(1, 3))

    # ----- marks -----

    def session_tables(self, prop: int, nursery: bool):
        """Cumulative thresholds for one session's non-routine code, AM and PM."""
        f = (0.6, 1.0, 2.0, 4.0)[prop]
        late = (1 + f) / 2
        am = [("L", 0.034 * late), ("U", 0.003 * f), ("M", 0.004), ("N", 0.004 * f), ("O", 0.003 * f),
              ("C", 0.0008), ("B", 0.0008), ("P", 0.0008), ("V", 0.0005), ("R", 0.0002), ("I", 0.001 * f)]
        pm = [("L", 0.006 * late), ("U", 0.0005 * f), ("M", 0.006), ("N", 0.003 * f), ("O", 0.003 * f),
              ("C", 0.0008), ("B", 0.001), ("P", 0.003), ("V", 0.0005), ("R", 0.0002), ("I", 0.003 * f)]
        if nursery:
            am.append(("X", 0.02))
            pm.append(("X", 0.02))
        out = []
        for table in (am, pm):
            cum, total = [], 0.0
            for _, w in table:
                total += w
                cum.append(total)
            out.append((cum, [c for c, _ in table], total))
        ill = 0.013 * f
        return out[0], out[1], ill

    def marks(self):
        """Yields mark rows in primary-key order (pupil, date, session)."""
        rng, sub_rng, day_str = self.rng, self.sub_rng, self.day_str
        tables = {(prop, nur): self.session_tables(prop, nur) for prop in range(4) for nur in (False, True)}
        lengths, length_w = (1, 2, 3, 4, 5, 8), (45, 25, 15, 8, 4, 3)
        closure, day_mods, festivals = self.closure, self.day_mods, self.festivals
        present = {"/", "\\", "L"}
        subs = SUBCODES if self.subcodes else {}
        rnd = rng.random
        bisect_right = bisect.bisect_right

        def sub(code: str) -> str:
            s = subs.get(code)
            if s is not None and sub_rng.random() < s[1]:
                return s[0]
            return code

        for p in self.pupils:
            pid = p.pid
            for i in p.z_days:
                yield pid, day_str[i], "AM", "Z"
                yield pid, day_str[i], "PM", "Z"
            ill_left = 0
            ov_all = p.ov
            for lo, hi, yg in p.segs:
                nursery = yg == "N2"
                (am_cum, am_codes, am_total), (pm_cum, pm_codes, pm_total), ill = tables[(p.prop, nursery)]
                part_time = nursery and p.part_time
                for i in range(lo, hi):
                    ds = day_str[i]
                    if i == closure:
                        yield pid, ds, "AM", "#"
                        yield pid, ds, "PM", "#"
                        continue
                    if ill_left:
                        am = pm = "I"
                        ill_left -= 1
                    elif rnd() < ill:
                        am = pm = "I"
                        ill_left = rng.choices(lengths, length_w)[0] - 1
                    else:
                        r = rnd()
                        am = "/" if r >= am_total else am_codes[bisect_right(am_cum, r)]
                        r = rnd()
                        pm = "\\" if r >= pm_total else pm_codes[bisect_right(pm_cum, r)]
                    dm = day_mods.get(i)
                    no_pm = False
                    if dm is not None:
                        mods = dm.get(yg)
                        if mods:
                            if "trip" in mods:
                                am = "V" if am in present else am
                                pm = "V" if pm in present else pm
                            if "work" in mods:
                                am = "W" if am in present else am
                                pm = "W" if pm in present else pm
                            if "study" in mods and rnd() < 0.7:
                                am = "S" if am in present else am
                                pm = "S" if pm in present else pm
                            no_pm = "no_pm" in mods
                    if part_time:
                        pm = "X"
                    if p.faith and i in festivals:
                        am = pm = "R"
                    ov = ov_all.get(i)
                    if ov is not None:
                        if ov[0] is not None:
                            am = ov[0]
                        if ov[1] is not None:
                            pm = ov[1]
                    if am:
                        yield pid, ds, "AM", sub(am)
                    if pm and not no_pm:
                        yield pid, ds, "PM", sub(pm)

    def enrolment_rows(self):
        for p in self.pupils:
            for r in p.rows:
                yield p.pid, r.yg, r.start.isoformat(), None if r.end is None else r.end.isoformat()


def write_database(path: str, school: School, journal: str) -> tuple[int, int]:
    con = sqlite3.connect(path, isolation_level=None)
    try:
        # A fresh temporary file: no rollback journal is needed while building it.
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-131072")
        con.execute("BEGIN")
        for statement in SCHEMA_TABLES.split(";\n")[:-1]:
            con.execute(statement)
        enrol = list(school.enrolment_rows())
        con.executemany("INSERT INTO enrolments VALUES (?, ?, ?, ?)", enrol)
        n_marks = con.executemany("INSERT INTO attendance_marks VALUES (?, ?, ?, ?)", school.marks()).rowcount
        con.execute(SCHEMA_INDEX)
        con.execute("COMMIT")
        mode = con.execute(f"PRAGMA journal_mode={'WAL' if journal == 'wal' else 'DELETE'}").fetchone()[0]
        if mode.lower() != journal:
            raise sqlite3.OperationalError(f"could not set journal mode {journal} (got {mode})")
    finally:
        con.close()
    return len(enrol), n_marks


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="make-sample-school.py",
        description="Write a realistic sample school's MIS copy (canonical attsync schema) to a new SQLite file.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--out", required=True, metavar="PATH", help="SQLite file to create (refused if it exists, unless --force)")
    ap.add_argument("--seed", type=int, default=1, metavar="N", help="random seed (default 1); same arguments give the same database")
    ap.add_argument("--pupils", type=int, default=None, metavar="N",
                    help="approximate number on roll on the first date (default 420 primary, 1000 secondary)")
    ap.add_argument("--phase", choices=sorted(PHASES), default="primary",
                    help="primary: N2, R, 1-6 (default); secondary: 7-11 and sixth form 12, 13")
    ap.add_argument("--from", dest="from_", type=parse_date, default=D("2026-09-01"), metavar="YYYY-MM-DD",
                    help="first date of the span with marks (default 2026-09-01)")
    ap.add_argument("--to", type=parse_date, default=D("2026-11-27"), metavar="YYYY-MM-DD",
                    help="last date of the span with marks (default 2026-11-27)")
    ap.add_argument("--no-subcodes", action="store_true", help="write national codes only (no I02, X01, V01)")
    ap.add_argument("--journal", choices=("delete", "wal"), default="delete", help="journal mode of the file (default delete)")
    ap.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = ap.parse_args(argv)

    if args.from_ > args.to:
        ap.error(f"--from {args.from_} is after --to {args.to}")
    if args.from_ < FIRST_SUPPORTED or args.to > LAST_SUPPORTED:
        ap.error(f"the term-date table covers {FIRST_SUPPORTED} to {LAST_SUPPORTED}; "
                 f"--from and --to must lie inside it")
    if args.pupils is not None and not 1 <= args.pupils <= 50000:
        ap.error("--pupils must be between 1 and 50000")

    out = args.out
    if os.path.isdir(out):
        print(f"make-sample-school: {out} is a directory; give a file path", file=sys.stderr)
        return 73
    if os.path.lexists(out) and not args.force:
        print(f"make-sample-school: {out} exists; use --force to replace it", file=sys.stderr)
        return 73
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        print(f"make-sample-school: folder {folder} does not exist", file=sys.stderr)
        return 73

    began = time.monotonic()
    check_term_table()
    school = School(args)
    school.build_roll()
    school.plan()

    tmp = os.path.join(folder, f".{os.path.basename(out)}.tmp-{os.getpid()}")
    sidecars = ("-journal", "-wal", "-shm")
    try:
        for suffix in ("",) + sidecars:
            if os.path.lexists(tmp + suffix):
                os.remove(tmp + suffix)
        n_enrol, n_marks = write_database(tmp, school, args.journal)
        # Stale journal files of a replaced database would be applied to the new one: remove them first.
        for suffix in sidecars:
            if os.path.lexists(out + suffix):
                os.remove(out + suffix)
        os.replace(tmp, out)
    except (OSError, sqlite3.Error) as e:
        for suffix in ("",) + sidecars:
            try:
                os.remove(tmp + suffix)
            except OSError:
                pass
        print(f"make-sample-school: cannot write {out}: {e}", file=sys.stderr)
        return 73

    on_roll_first = sum(1 for p in school.pupils if p.on_roll(args.from_))
    print(f"make-sample-school: {out}: {args.phase}, seed {args.seed}, {len(school.pupils)} pupils "
          f"({on_roll_first} on roll on {args.from_}), {n_enrol} enrolment rows, {n_marks} mark rows, "
          f"{args.from_}..{args.to} ({len(school.days)} school days with marks), "
          f"{time.monotonic() - began:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

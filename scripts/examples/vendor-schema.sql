-- A made-up MIS vendor's own layout ("Acme MIS"), as its nightly copy arrives: other table and column
-- names, integer pupil numbers, year groups as words, periods as M/A, DD/MM/YYYY dates in one table,
-- and NULL marks for registers not yet taken. docs/mis-copy.md maps it with scripts/examples/vendor-views.json.
CREATE TABLE Student (
  StudentRef INTEGER PRIMARY KEY,  -- the MIS's internal pupil number
  Surname    TEXT NOT NULL,
  Forename   TEXT NOT NULL
);
-- One row per pupil per year group, from joining it to leaving it (the school or the year group).
CREATE TABLE StudentYear (
  StudentRef INTEGER NOT NULL REFERENCES Student(StudentRef),
  YearDesc   TEXT NOT NULL,        -- 'Nursery 1', 'Nursery 2', 'Reception', 'Year 1' … 'Year 14'
  FromDate   TEXT NOT NULL,        -- DD/MM/YYYY
  ToDate     TEXT                  -- DD/MM/YYYY, NULL while the pupil is in that year group
);
CREATE TABLE RegisterMark (
  StudentRef INTEGER NOT NULL REFERENCES Student(StudentRef),
  MarkDate   TEXT NOT NULL,        -- YYYY-MM-DD
  Period     TEXT NOT NULL,        -- 'M' morning, 'A' afternoon
  MarkCode   TEXT,                 -- NULL until the register is taken
  PRIMARY KEY (StudentRef, MarkDate, Period)
);
CREATE INDEX RegisterMark_by_date ON RegisterMark(MarkDate);

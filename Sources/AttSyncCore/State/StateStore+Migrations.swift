extension StateStore {
    /// Named, ordered, forward-only; each runs in its own transaction.
    /// A migration's position is its id in `schema_migrations`: never edit, reorder or remove one that has
    /// shipped; add a new one at the end (habit 8). Times are `timestamp` text in UTC, dates `YYYY-MM-DD`.
    ///
    /// The tables: `consent_events` (append-only; the latest row of a URN decides), `submissions` (one row per
    /// body attsync set out to send, inserted as `sending` before the first byte, with the exact `body` and a
    /// JSON array of its `dates`), `attempts` (one row per request on the wire, token or POST) and
    /// `accepted_days` (per school and date, the digest of the content last accepted: catch-up skips these
    /// dates and `preview` labels them changed or unchanged).
    static let migrations: [(name: String, sql: String)] = [
        (
            "1 initial schema",
            """
            CREATE TABLE consent_events (
              id INTEGER PRIMARY KEY,
              urn TEXT NOT NULL,
              action TEXT NOT NULL CHECK (action IN ('given', 'removed')),
              by_name TEXT NOT NULL,
              os_user TEXT NOT NULL,
              at TEXT NOT NULL
            );
            CREATE INDEX consent_events_by_school ON consent_events(urn, id);
            CREATE TABLE submissions (
              id INTEGER PRIMARY KEY,
              urn TEXT NOT NULL,
              run_date TEXT NOT NULL,
              dates TEXT NOT NULL,
              body BLOB NOT NULL,
              body_sha256 TEXT NOT NULL,
              forced INTEGER NOT NULL DEFAULT 0,
              status TEXT NOT NULL CHECK (status IN ('sending', 'accepted', 'warnings', 'rejected', 'failed', 'interrupted')),
              http_status INTEGER,
              dfe_reference TEXT,
              dfe_errors TEXT NOT NULL DEFAULT '[]',
              reason TEXT,
              created_at TEXT NOT NULL,
              finished_at TEXT
            );
            CREATE INDEX submissions_by_school ON submissions(urn, id);
            CREATE TABLE attempts (
              id INTEGER PRIMARY KEY,
              submission_id INTEGER NOT NULL REFERENCES submissions(id),
              kind TEXT NOT NULL CHECK (kind IN ('token', 'post')),
              number INTEGER NOT NULL,
              started_at TEXT NOT NULL,
              duration_ms INTEGER NOT NULL,
              http_status INTEGER,
              error TEXT,
              retry_after_seconds REAL,
              waited_seconds REAL
            );
            CREATE INDEX attempts_by_submission ON attempts(submission_id, id);
            CREATE TABLE accepted_days (
              urn TEXT NOT NULL,
              date TEXT NOT NULL,
              content_sha256 TEXT NOT NULL,
              submission_id INTEGER NOT NULL REFERENCES submissions(id),
              PRIMARY KEY (urn, date)
            ) WITHOUT ROWID;
            """
        ),
        // `submissions.data_quality`: `SchoolRun.qualityNotes` joined by "; ", NULL when there were none.
        ("2 data-quality notes of each submission", "ALTER TABLE submissions ADD COLUMN data_quality TEXT;"),
        ("3 the start of the DfE's answer to each POST", "ALTER TABLE attempts ADD COLUMN answer TEXT;"),
        ("4 the Idempotency-Key of each submission", "ALTER TABLE submissions ADD COLUMN idempotency_key TEXT;"),
        // `runs`: one row per school per `send` run, whatever happened (StateStore+Runs.swift).
        (
            "5 each school's part of each send run",
            """
            CREATE TABLE runs (
              id INTEGER PRIMARY KEY,
              urn TEXT NOT NULL,
              run_date TEXT NOT NULL,
              started_at TEXT NOT NULL,
              finished_at TEXT NOT NULL,
              exit_status INTEGER NOT NULL,
              problem TEXT,
              submission_id INTEGER REFERENCES submissions(id),
              token_requests INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX runs_by_school ON runs(urn, id);
            """
        ),
        // `submissions.failure_kind`: `FailureKind` of a ✗ submission, for the plain words of the history; NULL
        // otherwise and for submissions recorded before it.
        ("6 the kind of failure of each submission", "ALTER TABLE submissions ADD COLUMN failure_kind TEXT;"),
    ]
}

-- Scans and their normalised findings, trackers and cookies.
CREATE TABLE scans (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    site          TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER NOT NULL,
    interrupted   BOOLEAN NOT NULL DEFAULT FALSE,
    pages         INTEGER NOT NULL DEFAULT 0,
    trackers      INTEGER NOT NULL DEFAULT 0,
    cookies       INTEGER NOT NULL DEFAULT 0,
    high          INTEGER NOT NULL DEFAULT 0,
    medium        INTEGER NOT NULL DEFAULT 0,
    low           INTEGER NOT NULL DEFAULT 0,
    info          INTEGER NOT NULL DEFAULT 0,
    idempotency_key TEXT UNIQUE,
    report        BLOB    NOT NULL
);
CREATE INDEX scans_site_id ON scans (site, id);

CREATE TABLE scan_findings (
    scan_id    INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    finding_id TEXT    NOT NULL,
    code       TEXT    NOT NULL,
    severity   TEXT    NOT NULL,
    vendor     TEXT,
    cookie     TEXT,
    title      TEXT    NOT NULL,
    PRIMARY KEY (scan_id, finding_id)
);

CREATE TABLE scan_trackers (
    scan_id  INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    vendor   TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    category TEXT    NOT NULL,
    profiles TEXT    NOT NULL,
    PRIMARY KEY (scan_id, vendor)
);

CREATE TABLE scan_cookies (
    scan_id       INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    domain        TEXT    NOT NULL,
    path          TEXT    NOT NULL,
    party         TEXT    NOT NULL,
    lifetime_days REAL,
    vendor        TEXT,
    category      TEXT    NOT NULL,
    PRIMARY KEY (scan_id, name, domain, path)
);

CREATE TABLE monitors (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    url           TEXT    NOT NULL UNIQUE,
    every_seconds INTEGER NOT NULL,
    options       TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    next_run_at   INTEGER NOT NULL
);

-- Attendance: check events, pickup lists, absences, staff on duty, school
-- absence and the municipality's attendance settings.
--
-- Conventions as in 00001: STRICT tables keyed by (municipality, ...),
-- foreign keys carrying the municipality, dates as 'YYYY-MM-DD' text.
-- Instants are INTEGER microseconds since 1970-01-01 UTC (they sort and
-- compare as numbers; the store shows them in Europe/Oslo).

-- +goose Up
CREATE TABLE attendance_checks (
    municipality       TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id                 TEXT NOT NULL CHECK (length(id) = 36),
    -- The device's idempotency key: one event per key and municipality.
    idempotency_key    TEXT NOT NULL CHECK (idempotency_key <> '' AND length(idempotency_key) <= 200),
    child_id           TEXT NOT NULL,
    unit_id            TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('in', 'out')),
    at_us              INTEGER NOT NULL,
    day                TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    recorded_by        TEXT NOT NULL CHECK (recorded_by <> ''),
    collector_name     TEXT NOT NULL DEFAULT '',
    collector_pickup   TEXT,
    collector_guardian TEXT,
    warning            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (municipality, id),
    CONSTRAINT attendance_checks_key UNIQUE (municipality, idempotency_key),
    CHECK (kind = 'out' OR (collector_name = '' AND collector_pickup IS NULL AND collector_guardian IS NULL)),
    FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id),
    FOREIGN KEY (municipality, unit_id) REFERENCES units (municipality, id)
) STRICT, WITHOUT ROWID;

-- A child's events of a day (validating a check event).
CREATE INDEX attendance_checks_by_child ON attendance_checks (municipality, child_id, day, at_us);
-- A unit's events of a day (the roster).
CREATE INDEX attendance_checks_by_unit ON attendance_checks (municipality, unit_id, day, at_us);

CREATE TABLE attendance_pickups (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    child_id     TEXT NOT NULL,
    name         TEXT NOT NULL CHECK (name <> ''),
    relation     TEXT NOT NULL CHECK (relation <> ''),
    phone        TEXT NOT NULL DEFAULT '',
    valid_until  TEXT CHECK (valid_until GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    added_by     TEXT NOT NULL CHECK (length(added_by) = 36),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX attendance_pickups_by_child ON attendance_pickups (municipality, child_id);

CREATE TABLE attendance_absences (
    municipality   TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id             TEXT NOT NULL CHECK (length(id) = 36),
    child_id       TEXT NOT NULL,
    start_date     TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    end_date       TEXT NOT NULL CHECK (end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND end_date >= start_date),
    reason         TEXT NOT NULL CHECK (reason IN ('sick', 'holiday', 'leave', 'other')),
    note           TEXT NOT NULL DEFAULT '',
    reported_by    TEXT NOT NULL CHECK (reported_by <> ''),
    reported_at_us INTEGER NOT NULL,
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX attendance_absences_by_child ON attendance_absences (municipality, child_id, start_date);

-- A child's reported absences never share a day.

-- +goose StatementBegin
CREATE TRIGGER attendance_absences_no_overlap
BEFORE INSERT ON attendance_absences
WHEN EXISTS (
    SELECT 1 FROM attendance_absences a
    WHERE a.municipality = NEW.municipality
      AND a.child_id = NEW.child_id
      AND a.id <> NEW.id -- a duplicate ID is the primary key's to refuse
      AND a.start_date <= NEW.end_date
      AND a.end_date >= NEW.start_date
)
BEGIN
    SELECT RAISE(ABORT, 'absence_overlap');
END;
-- +goose StatementEnd

CREATE TABLE attendance_duties (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    unit_id      TEXT NOT NULL,
    day          TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    staff        TEXT NOT NULL CHECK (staff <> ''),
    start_us     INTEGER NOT NULL,
    end_us       INTEGER NOT NULL CHECK (end_us > start_us),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, unit_id) REFERENCES units (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX attendance_duties_by_unit ON attendance_duties (municipality, unit_id, day, start_us);

CREATE TABLE attendance_school_absences (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    child_id     TEXT NOT NULL,
    unit_id      TEXT NOT NULL,
    day          TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    -- Lesson hours missed; 0 is the whole day.
    hours        INTEGER NOT NULL CHECK (hours BETWEEN 0 AND 12),
    kind         TEXT NOT NULL CHECK (kind IN ('documented', 'permission', 'undocumented')),
    reason       TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT NOT NULL CHECK (recorded_by <> ''),
    PRIMARY KEY (municipality, id),
    CHECK (kind <> 'documented' OR reason IN ('health', 'guardian-reported')),
    FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id),
    FOREIGN KEY (municipality, unit_id) REFERENCES units (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX attendance_school_absences_by_child ON attendance_school_absences (municipality, child_id, day);
CREATE INDEX attendance_school_absences_by_unit ON attendance_school_absences (municipality, unit_id);

-- The municipality's attendance settings, as the JSON of attendance.Settings.
CREATE TABLE attendance_settings (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality)
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE attendance_settings;
DROP TABLE attendance_school_absences;
DROP TABLE attendance_duties;
DROP TABLE attendance_absences;
DROP TABLE attendance_pickups;
DROP TABLE attendance_checks;

-- Attendance: check events, pickup lists, absences, staff on duty, school
-- absence and the municipality's attendance settings. Every key includes
-- the municipality; the database refuses what it can check by itself.

-- +goose Up
CREATE TABLE attendance_checks (
    municipality       text NOT NULL,
    id                 uuid NOT NULL,
    idempotency_key    text NOT NULL,
    child_id           uuid NOT NULL,
    unit_id            uuid NOT NULL,
    kind               text NOT NULL,
    at                 timestamptz NOT NULL,
    day                date NOT NULL,
    recorded_by        text NOT NULL,
    collector_name     text NOT NULL DEFAULT '',
    collector_pickup   uuid,
    collector_guardian uuid,
    warning            text NOT NULL DEFAULT '',
    CONSTRAINT attendance_checks_pkey PRIMARY KEY (municipality, id),
    -- One event per idempotency key: two tablets sending the same event
    -- (or a retry) record it once.
    CONSTRAINT attendance_checks_key UNIQUE (municipality, idempotency_key),
    CONSTRAINT attendance_checks_child_fkey FOREIGN KEY (municipality, child_id)
        REFERENCES children (municipality, id),
    CONSTRAINT attendance_checks_unit_fkey FOREIGN KEY (municipality, unit_id)
        REFERENCES units (municipality, id),
    CONSTRAINT attendance_checks_key_check CHECK (idempotency_key <> '' AND octet_length(idempotency_key) <= 200),
    CONSTRAINT attendance_checks_kind_check CHECK (kind IN ('in', 'out')),
    CONSTRAINT attendance_checks_day_check CHECK (day = (at AT TIME ZONE 'Europe/Oslo')::date),
    CONSTRAINT attendance_checks_by_check CHECK (recorded_by <> ''),
    CONSTRAINT attendance_checks_collector_check CHECK (kind = 'out' OR
        (collector_name = '' AND collector_pickup IS NULL AND collector_guardian IS NULL))
);

-- A child's events of a day (validating a check event).
CREATE INDEX attendance_checks_child_idx ON attendance_checks (municipality, child_id, day, at);
-- A unit's events of a day (the roster).
CREATE INDEX attendance_checks_unit_idx ON attendance_checks (municipality, unit_id, day, at);

CREATE TABLE attendance_pickups (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    child_id     uuid NOT NULL,
    name         text NOT NULL,
    relation     text NOT NULL,
    phone        text NOT NULL DEFAULT '',
    valid_until  date,
    added_by     uuid NOT NULL,
    CONSTRAINT attendance_pickups_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT attendance_pickups_child_fkey FOREIGN KEY (municipality, child_id)
        REFERENCES children (municipality, id),
    CONSTRAINT attendance_pickups_name_check CHECK (btrim(name) <> '' AND char_length(name) <= 200),
    CONSTRAINT attendance_pickups_relation_check CHECK (btrim(relation) <> '' AND char_length(relation) <= 200)
);

CREATE INDEX attendance_pickups_child_idx ON attendance_pickups (municipality, child_id);

CREATE TABLE attendance_absences (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    child_id     uuid NOT NULL,
    start_date   date NOT NULL,
    end_date     date NOT NULL,
    reason       text NOT NULL,
    note         text NOT NULL DEFAULT '',
    reported_by  text NOT NULL,
    reported_at  timestamptz NOT NULL,
    CONSTRAINT attendance_absences_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT attendance_absences_child_fkey FOREIGN KEY (municipality, child_id)
        REFERENCES children (municipality, id),
    CONSTRAINT attendance_absences_period_check CHECK (end_date >= start_date),
    CONSTRAINT attendance_absences_reason_check CHECK (reason IN ('sick', 'holiday', 'leave', 'other')),
    CONSTRAINT attendance_absences_by_check CHECK (reported_by <> ''),
    -- A child's reported absences never share a day (two clicks on "sick
    -- child" from two phones record one absence).
    CONSTRAINT attendance_absences_no_overlap EXCLUDE USING gist (
        child_id WITH =,
        municipality WITH =,
        daterange(start_date, end_date, '[]') WITH &&
    )
);

CREATE INDEX attendance_absences_child_idx ON attendance_absences (municipality, child_id, start_date);

CREATE TABLE attendance_duties (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    unit_id      uuid NOT NULL,
    day          date NOT NULL,
    staff        text NOT NULL,
    start_at     timestamptz NOT NULL,
    end_at       timestamptz NOT NULL,
    CONSTRAINT attendance_duties_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT attendance_duties_unit_fkey FOREIGN KEY (municipality, unit_id)
        REFERENCES units (municipality, id),
    CONSTRAINT attendance_duties_time_check CHECK (end_at > start_at AND day = (start_at AT TIME ZONE 'Europe/Oslo')::date),
    CONSTRAINT attendance_duties_staff_check CHECK (btrim(staff) <> '')
);

CREATE INDEX attendance_duties_unit_idx ON attendance_duties (municipality, unit_id, day, start_at);

CREATE TABLE attendance_school_absences (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    child_id     uuid NOT NULL,
    unit_id      uuid NOT NULL,
    day          date NOT NULL,
    -- Lesson hours missed; 0 is the whole day.
    hours        integer NOT NULL,
    kind         text NOT NULL,
    reason       text NOT NULL DEFAULT '',
    recorded_by  text NOT NULL,
    CONSTRAINT attendance_school_absences_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT attendance_school_absences_child_fkey FOREIGN KEY (municipality, child_id)
        REFERENCES children (municipality, id),
    CONSTRAINT attendance_school_absences_unit_fkey FOREIGN KEY (municipality, unit_id)
        REFERENCES units (municipality, id),
    CONSTRAINT attendance_school_absences_hours_check CHECK (hours BETWEEN 0 AND 12),
    CONSTRAINT attendance_school_absences_kind_check CHECK (kind IN ('documented', 'permission', 'undocumented')),
    CONSTRAINT attendance_school_absences_reason_check CHECK (kind <> 'documented' OR reason IN ('health', 'guardian-reported')),
    CONSTRAINT attendance_school_absences_by_check CHECK (recorded_by <> '')
);

CREATE INDEX attendance_school_absences_child_idx ON attendance_school_absences (municipality, child_id, day);
CREATE INDEX attendance_school_absences_unit_idx ON attendance_school_absences (municipality, unit_id);

-- The municipality's attendance settings, as the JSON of attendance.Settings.
CREATE TABLE attendance_settings (
    municipality text NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT attendance_settings_pkey PRIMARY KEY (municipality),
    CONSTRAINT attendance_settings_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$')
);

-- +goose Down
DROP TABLE attendance_settings;
DROP TABLE attendance_school_absences;
DROP TABLE attendance_duties;
DROP TABLE attendance_absences;
DROP TABLE attendance_pickups;
DROP TABLE attendance_checks;

-- Catchment schools (skolekretser) and school start. The catchment table
-- of a municipality is kept whole as JSON (it is replaced whole, never row
-- by row). A school starter is a child registered in a school intake with
-- the school of its catchment area; a school request is a guardian's
-- request for another school with the caseworker's decision. Records are
-- kept whole as JSON in data; the columns beside it hold what the database
-- enforces: one registration and one request per child and intake, and
-- references to existing intakes, children and units.

-- +goose Up
CREATE TABLE admission_catchment (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    data         TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (municipality)
) STRICT, WITHOUT ROWID;

CREATE TABLE admission_school_starters (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    intake_id    TEXT NOT NULL,
    child_id     TEXT NOT NULL,
    data         TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (municipality, intake_id, child_id),
    FOREIGN KEY (municipality, intake_id) REFERENCES admission_intakes (municipality, id),
    FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id)
) STRICT, WITHOUT ROWID;

-- A child's registrations.
CREATE INDEX admission_school_starters_by_child ON admission_school_starters (municipality, child_id);

CREATE TABLE admission_school_requests (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    intake_id    TEXT NOT NULL,
    child_id     TEXT NOT NULL,
    unit_id      TEXT NOT NULL,
    data         TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, intake_id, child_id) REFERENCES admission_school_starters (municipality, intake_id, child_id),
    FOREIGN KEY (municipality, unit_id) REFERENCES units (municipality, id)
) STRICT, WITHOUT ROWID;

-- One request per child and intake; an intake's requests.
CREATE UNIQUE INDEX admission_school_requests_by_intake ON admission_school_requests (municipality, intake_id, child_id);
-- A child's requests.
CREATE INDEX admission_school_requests_by_child ON admission_school_requests (municipality, child_id);

-- +goose Down
DROP TABLE admission_school_requests;
DROP TABLE admission_school_starters;
DROP TABLE admission_catchment;

-- Admission: intakes (admission rounds), applications, allocation runs and
-- offers. Every table is STRICT and keyed by (municipality, id); foreign keys
-- carry the municipality. Each record is kept whole as JSON in data (the
-- record's own encoding, read back as it was written); the columns beside it
-- hold what the database enforces and what queries select on:
--   - one application per child and intake;
--   - one approved run per intake;
--   - one open offer per application;
--   - offers refer to existing applications and units.
-- Instants that queries compare (an offer's deadline) are integer
-- microseconds since the Unix epoch.

-- +goose Up
CREATE TABLE admission_intakes (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    data         TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE admission_applications (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    intake_id    TEXT NOT NULL,
    child_id     TEXT NOT NULL,
    data         TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, intake_id) REFERENCES admission_intakes (municipality, id),
    FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id)
) STRICT, WITHOUT ROWID;

-- One application per child and intake; an intake's applications.
CREATE UNIQUE INDEX admission_applications_by_intake ON admission_applications (municipality, intake_id, child_id);
-- A child's applications.
CREATE INDEX admission_applications_by_child ON admission_applications (municipality, child_id);

CREATE TABLE admission_runs (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    intake_id    TEXT NOT NULL,
    approved     INTEGER NOT NULL CHECK (approved IN (0, 1)),
    -- The run without its results, and the results (a JSON array).
    data         TEXT NOT NULL CHECK (json_valid(data)),
    results      TEXT NOT NULL,
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, intake_id) REFERENCES admission_intakes (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX admission_runs_by_intake ON admission_runs (municipality, intake_id);
-- One approved run per intake.
CREATE UNIQUE INDEX admission_runs_one_approved ON admission_runs (municipality, intake_id) WHERE approved = 1;

CREATE TABLE admission_offers (
    municipality   TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id             TEXT NOT NULL CHECK (length(id) = 36),
    intake_id      TEXT NOT NULL,
    application_id TEXT NOT NULL,
    unit_id        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'lapsed')),
    deadline       INTEGER NOT NULL,
    data           TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, intake_id) REFERENCES admission_intakes (municipality, id),
    FOREIGN KEY (municipality, application_id) REFERENCES admission_applications (municipality, id),
    FOREIGN KEY (municipality, unit_id) REFERENCES units (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX admission_offers_by_intake ON admission_offers (municipality, intake_id);
CREATE INDEX admission_offers_by_application ON admission_offers (municipality, application_id);
-- Foreign key lookups when a unit is checked.
CREATE INDEX admission_offers_by_unit ON admission_offers (municipality, unit_id);
-- One open offer per application.
CREATE UNIQUE INDEX admission_offers_one_open ON admission_offers (municipality, application_id) WHERE status = 'open';
-- Open offers by deadline, for the lapse job.
CREATE INDEX admission_offers_due ON admission_offers (municipality, deadline) WHERE status = 'open';

-- +goose Down
DROP TABLE admission_offers;
DROP TABLE admission_runs;
DROP TABLE admission_applications;
DROP TABLE admission_intakes;

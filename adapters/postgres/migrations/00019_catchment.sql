-- Catchment schools (skolekretser) and school start. The catchment table
-- of a municipality is kept whole as JSON (it is replaced whole, never row
-- by row). A school starter is a child registered in a school intake with
-- the school of its catchment area; a school request is a guardian's
-- request for another school with the caseworker's decision. Records are
-- kept whole as JSON in data; the columns beside it hold what the database
-- enforces: one registration and one request per child and intake, and
-- references to existing intakes, children and units. Every key includes
-- the municipality.

-- +goose Up
CREATE TABLE admission_catchment (
    municipality text NOT NULL,
    data         jsonb NOT NULL,
    CONSTRAINT admission_catchment_pkey PRIMARY KEY (municipality),
    CONSTRAINT admission_catchment_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$')
);

CREATE TABLE admission_school_starters (
    municipality text NOT NULL,
    intake_id    uuid NOT NULL,
    child_id     uuid NOT NULL,
    data         jsonb NOT NULL,
    CONSTRAINT admission_school_starters_pkey PRIMARY KEY (municipality, intake_id, child_id),
    CONSTRAINT admission_school_starters_intake_fkey FOREIGN KEY (municipality, intake_id)
        REFERENCES admission_intakes (municipality, id),
    CONSTRAINT admission_school_starters_child_fkey FOREIGN KEY (municipality, child_id)
        REFERENCES children (municipality, id)
);

-- A child's registrations.
CREATE INDEX admission_school_starters_child_idx ON admission_school_starters (municipality, child_id);

CREATE TABLE admission_school_requests (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    intake_id    uuid NOT NULL,
    child_id     uuid NOT NULL,
    unit_id      uuid NOT NULL,
    data         jsonb NOT NULL,
    CONSTRAINT admission_school_requests_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT admission_school_requests_child_key UNIQUE (municipality, intake_id, child_id),
    CONSTRAINT admission_school_requests_starter_fkey FOREIGN KEY (municipality, intake_id, child_id)
        REFERENCES admission_school_starters (municipality, intake_id, child_id),
    CONSTRAINT admission_school_requests_unit_fkey FOREIGN KEY (municipality, unit_id)
        REFERENCES units (municipality, id)
);

-- A child's requests.
CREATE INDEX admission_school_requests_child_idx ON admission_school_requests (municipality, child_id);

-- +goose Down
DROP TABLE admission_school_requests;
DROP TABLE admission_school_starters;
DROP TABLE admission_catchment;

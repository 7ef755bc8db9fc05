-- Admission: intakes (admission rounds), applications, allocation runs and
-- offers. Every primary key, unique constraint and foreign key includes the
-- municipality. Each record is kept whole as JSON in data (the record's own
-- encoding); the columns beside it hold what the database enforces and what
-- queries select on:
--   - one application per child and intake;
--   - one approved run per intake;
--   - one open offer per application;
--   - applications refer to existing intakes and children, offers to
--     existing applications and units.

-- +goose Up
CREATE TABLE admission_intakes (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    data         jsonb NOT NULL,
    CONSTRAINT admission_intakes_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT admission_intakes_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$')
);

CREATE TABLE admission_applications (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    intake_id    uuid NOT NULL,
    child_id     uuid NOT NULL,
    data         jsonb NOT NULL,
    CONSTRAINT admission_applications_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT admission_applications_child_key UNIQUE (municipality, intake_id, child_id),
    CONSTRAINT admission_applications_intake_fkey FOREIGN KEY (municipality, intake_id)
        REFERENCES admission_intakes (municipality, id),
    CONSTRAINT admission_applications_child_fkey FOREIGN KEY (municipality, child_id)
        REFERENCES children (municipality, id)
);

-- A child's applications.
CREATE INDEX admission_applications_child_idx ON admission_applications (municipality, child_id);

CREATE TABLE admission_runs (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    intake_id    uuid NOT NULL,
    approved     boolean NOT NULL DEFAULT false,
    -- The run without its results, and the results (a JSON array, kept as
    -- written: it is only ever read whole).
    data         jsonb NOT NULL,
    results      json NOT NULL,
    CONSTRAINT admission_runs_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT admission_runs_intake_fkey FOREIGN KEY (municipality, intake_id)
        REFERENCES admission_intakes (municipality, id)
);

CREATE INDEX admission_runs_intake_idx ON admission_runs (municipality, intake_id);
-- One approved run per intake.
CREATE UNIQUE INDEX admission_runs_one_approved ON admission_runs (municipality, intake_id) WHERE approved;

CREATE TABLE admission_offers (
    municipality   text NOT NULL,
    id             uuid NOT NULL,
    intake_id      uuid NOT NULL,
    application_id uuid NOT NULL,
    unit_id        uuid NOT NULL,
    status         text NOT NULL,
    deadline       timestamptz NOT NULL,
    data           jsonb NOT NULL,
    CONSTRAINT admission_offers_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT admission_offers_status_check CHECK (status IN ('open', 'accepted', 'declined', 'lapsed')),
    CONSTRAINT admission_offers_intake_fkey FOREIGN KEY (municipality, intake_id)
        REFERENCES admission_intakes (municipality, id),
    CONSTRAINT admission_offers_application_fkey FOREIGN KEY (municipality, application_id)
        REFERENCES admission_applications (municipality, id),
    CONSTRAINT admission_offers_unit_fkey FOREIGN KEY (municipality, unit_id)
        REFERENCES units (municipality, id)
);

CREATE INDEX admission_offers_intake_idx ON admission_offers (municipality, intake_id);
CREATE INDEX admission_offers_application_idx ON admission_offers (municipality, application_id);
CREATE INDEX admission_offers_unit_idx ON admission_offers (municipality, unit_id);
-- One open offer per application.
CREATE UNIQUE INDEX admission_offers_one_open ON admission_offers (municipality, application_id) WHERE status = 'open';
-- Open offers by deadline, for the lapse job.
CREATE INDEX admission_offers_due_idx ON admission_offers (municipality, deadline) WHERE status = 'open';

-- +goose Down
DROP TABLE admission_offers;
DROP TABLE admission_runs;
DROP TABLE admission_applications;
DROP TABLE admission_intakes;

-- Safe invoice runs: the first export of a run (from then on it is
-- corrected by credit notes only, never cancelled) and the cancellations of
-- approved runs not exported (who, when, why, what the run was). Bodies
-- are JSON written and read by the adapter (billing.RunExport,
-- billing.RunCancellation). Fee decisions record the run that made them in
-- their body ("run"), so a cancelled run takes its decisions with it.

-- +goose Up
CREATE TABLE billing_run_exports (
    municipality text NOT NULL,
    month        text NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT billing_run_exports_pkey PRIMARY KEY (municipality, month),
    CONSTRAINT billing_run_exports_run_fkey FOREIGN KEY (municipality, month)
        REFERENCES billing_runs (municipality, month)
);

CREATE TABLE billing_run_cancellations (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    month        text NOT NULL,
    cancelled    timestamptz NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT billing_run_cancellations_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT billing_run_cancellations_month_check CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')
);

-- +goose Down
DROP TABLE billing_run_cancellations;
DROP TABLE billing_run_exports;

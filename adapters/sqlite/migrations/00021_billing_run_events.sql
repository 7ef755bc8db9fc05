-- Safe invoice runs: the first export of a run (from then on it is
-- corrected by credit notes only, never cancelled) and the cancellations of
-- approved runs not exported (who, when, why, what the run was). Bodies
-- are JSON written and read by the adapter (billing.RunExport,
-- billing.RunCancellation). Fee decisions record the run that made them in
-- their body ("run"), so a cancelled run takes its decisions with it.

-- +goose Up
CREATE TABLE billing_run_exports (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    month        TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, month),
    FOREIGN KEY (municipality, month) REFERENCES billing_runs (municipality, month)
) STRICT, WITHOUT ROWID;

CREATE TABLE billing_run_cancellations (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    month        TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, id)
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE billing_run_cancellations;
DROP TABLE billing_run_exports;

-- Several instances of the app on one store: the login attempts of each
-- client are counted in the store, in fixed windows (window_start is
-- Unix milliseconds), so that the limit holds across the instances. The
-- key names the client (a hash of its address), not a municipality: an
-- attempt comes before anyone is known, so the table is the deployment's.
-- (SQLite serves one process; the table keeps the two stores alike.)

-- +goose Up
CREATE TABLE attempts (
    key          TEXT NOT NULL CHECK (key <> '' AND length(key) <= 200),
    window_start INTEGER NOT NULL,
    n            INTEGER NOT NULL CHECK (n > 0),
    PRIMARY KEY (key, window_start)
);
CREATE INDEX attempts_by_window ON attempts (window_start);

-- +goose Down
DROP TABLE attempts;

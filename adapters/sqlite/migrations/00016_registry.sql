-- The population register's feed position per municipality (the next
-- sequence number to read, domain.RegistryStore) and the notices the
-- register workflow raises for caseworkers (domain.RegistryNotice): a
-- child moved out of the municipality, a death, a holder of parental
-- responsibility not in the directory. A notice names the child, never an
-- address; one per (change, kind, child).

-- +goose Up
CREATE TABLE registry_positions (
    municipality  TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    next_sequence INTEGER NOT NULL CHECK (next_sequence >= 1),
    PRIMARY KEY (municipality)
) STRICT, WITHOUT ROWID;

CREATE TABLE registry_notices (
    municipality    TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    sequence        INTEGER NOT NULL CHECK (sequence >= 1),
    kind            TEXT NOT NULL CHECK (kind IN ('registry.moved-out', 'registry.death', 'registry.parental-responsibility')),
    child_id        TEXT NOT NULL,
    to_municipality TEXT NOT NULL DEFAULT '' CHECK (to_municipality = '' OR to_municipality GLOB '[0-9][0-9][0-9][0-9]'),
    recorded        TEXT NOT NULL,
    PRIMARY KEY (municipality, sequence, kind, child_id),
    FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id)
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE registry_notices;
DROP TABLE registry_positions;

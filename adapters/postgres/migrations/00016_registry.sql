-- The population register's feed position per municipality (the next
-- sequence number to read, domain.RegistryStore) and the notices the
-- register workflow raises for caseworkers (domain.RegistryNotice): a
-- child moved out of the municipality, a death, a holder of parental
-- responsibility not in the directory. A notice names the child, never an
-- address; one per (change, kind, child).

-- +goose Up
CREATE TABLE registry_positions (
    municipality  text NOT NULL,
    next_sequence bigint NOT NULL,
    CONSTRAINT registry_positions_pkey PRIMARY KEY (municipality),
    CONSTRAINT registry_positions_next_sequence_check CHECK (next_sequence >= 1),
    CONSTRAINT registry_positions_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$')
);

CREATE TABLE registry_notices (
    municipality    text NOT NULL,
    sequence        bigint NOT NULL,
    kind            text NOT NULL,
    child_id        uuid NOT NULL,
    to_municipality text NOT NULL DEFAULT '',
    recorded        timestamptz NOT NULL,
    CONSTRAINT registry_notices_pkey PRIMARY KEY (municipality, sequence, kind, child_id),
    CONSTRAINT registry_notices_child_fkey FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id),
    CONSTRAINT registry_notices_sequence_check CHECK (sequence >= 1),
    CONSTRAINT registry_notices_kind_check CHECK (kind IN ('registry.moved-out', 'registry.death', 'registry.parental-responsibility')),
    CONSTRAINT registry_notices_to_municipality_check CHECK (to_municipality = '' OR to_municipality ~ '^[0-9]{4}$'),
    CONSTRAINT registry_notices_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$')
);

CREATE INDEX registry_notices_by_child ON registry_notices (municipality, child_id);

-- +goose Down
DROP TABLE registry_notices;
DROP TABLE registry_positions;

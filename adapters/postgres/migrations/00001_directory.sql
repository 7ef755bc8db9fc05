-- The directory: children, guardians and guardianships, units and their
-- groups, placements. Every table is keyed by municipality first, so every
-- primary key, unique constraint and foreign key includes it.

-- +goose Up
-- btree_gist lets a GiST index compare plain columns with =, which the
-- exclusion constraint on placements needs. It is a trusted extension (a
-- database owner may create it); create it once per database beforehand when
-- the migrating role may not.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE children (
    municipality       text NOT NULL,
    id                 uuid NOT NULL,
    national_id        text,
    given_name         text NOT NULL,
    family_name        text NOT NULL,
    birth_date         date NOT NULL,
    address_protection text NOT NULL DEFAULT 'none',
    CONSTRAINT children_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT children_national_id_key UNIQUE (municipality, national_id),
    CONSTRAINT children_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$'),
    CONSTRAINT children_national_id_check CHECK (national_id ~ '^[0-9]{11}$'),
    CONSTRAINT children_given_name_check CHECK (btrim(given_name) <> '' AND char_length(given_name) <= 200),
    CONSTRAINT children_family_name_check CHECK (btrim(family_name) <> '' AND char_length(family_name) <= 200),
    CONSTRAINT children_address_protection_check CHECK (address_protection IN
        ('', 'none', 'fortrolig', 'strengt-fortrolig', 'strengt-fortrolig-utland'))
);

CREATE TABLE guardians (
    municipality       text NOT NULL,
    id                 uuid NOT NULL,
    national_id        text,
    given_name         text NOT NULL,
    family_name        text NOT NULL,
    email              text NOT NULL DEFAULT '',
    phone              text NOT NULL DEFAULT '',
    address_protection text NOT NULL DEFAULT 'none',
    CONSTRAINT guardians_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT guardians_national_id_key UNIQUE (municipality, national_id),
    CONSTRAINT guardians_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$'),
    CONSTRAINT guardians_national_id_check CHECK (national_id ~ '^[0-9]{11}$'),
    CONSTRAINT guardians_given_name_check CHECK (btrim(given_name) <> '' AND char_length(given_name) <= 200),
    CONSTRAINT guardians_family_name_check CHECK (btrim(family_name) <> '' AND char_length(family_name) <= 200),
    CONSTRAINT guardians_address_protection_check CHECK (address_protection IN
        ('', 'none', 'fortrolig', 'strengt-fortrolig', 'strengt-fortrolig-utland'))
);

CREATE TABLE guardianships (
    municipality            text NOT NULL,
    child_id                uuid NOT NULL,
    guardian_id             uuid NOT NULL,
    parental_responsibility boolean NOT NULL DEFAULT false,
    lives_with_child        boolean NOT NULL DEFAULT false,
    information_requested   boolean NOT NULL DEFAULT false,
    information_denied      boolean NOT NULL DEFAULT false,
    CONSTRAINT guardianships_pkey PRIMARY KEY (municipality, child_id, guardian_id),
    CONSTRAINT guardianships_child_fkey FOREIGN KEY (municipality, child_id)
        REFERENCES children (municipality, id),
    CONSTRAINT guardianships_guardian_fkey FOREIGN KEY (municipality, guardian_id)
        REFERENCES guardians (municipality, id)
);

-- Wards: the children of a guardian.
CREATE INDEX guardianships_guardian_idx ON guardianships (municipality, guardian_id);

CREATE TABLE units (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    name         text NOT NULL,
    kind         text NOT NULL,
    owner        text NOT NULL,
    parent_id    uuid,
    CONSTRAINT units_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT units_parent_fkey FOREIGN KEY (municipality, parent_id)
        REFERENCES units (municipality, id),
    CONSTRAINT units_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$'),
    CONSTRAINT units_name_check CHECK (btrim(name) <> '' AND char_length(name) <= 200),
    CONSTRAINT units_kind_check CHECK (kind IN ('kindergarten', 'school', 'sfo')),
    CONSTRAINT units_owner_check CHECK (owner IN ('municipal', 'private')),
    -- Only an SFO belongs to another unit (a school), and never to itself.
    CONSTRAINT units_parent_check CHECK (parent_id IS NULL OR (kind = 'sfo' AND parent_id <> id))
);

CREATE INDEX units_parent_idx ON units (municipality, parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE unit_groups (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    unit_id      uuid NOT NULL,
    name         text NOT NULL,
    CONSTRAINT unit_groups_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT unit_groups_unit_fkey FOREIGN KEY (municipality, unit_id)
        REFERENCES units (municipality, id),
    CONSTRAINT unit_groups_name_check CHECK (btrim(name) <> '' AND char_length(name) <= 200)
);

-- Groups of a unit.
CREATE INDEX unit_groups_unit_idx ON unit_groups (municipality, unit_id);

CREATE TABLE placements (
    municipality   text NOT NULL,
    id             uuid NOT NULL,
    child_id       uuid NOT NULL,
    unit_id        uuid NOT NULL,
    group_id       uuid,
    kind           text NOT NULL,
    hours_per_week integer NOT NULL,
    start_date     date NOT NULL,
    -- NULL: open-ended (until further notice). Both ends are inclusive.
    end_date       date,
    CONSTRAINT placements_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT placements_child_fkey FOREIGN KEY (municipality, child_id)
        REFERENCES children (municipality, id),
    CONSTRAINT placements_unit_fkey FOREIGN KEY (municipality, unit_id)
        REFERENCES units (municipality, id),
    CONSTRAINT placements_group_fkey FOREIGN KEY (municipality, group_id)
        REFERENCES unit_groups (municipality, id),
    CONSTRAINT placements_kind_check CHECK (kind IN ('kindergarten', 'school', 'sfo')),
    CONSTRAINT placements_hours_check CHECK (hours_per_week BETWEEN (CASE WHEN kind = 'school' THEN 0 ELSE 1 END) AND 60),
    CONSTRAINT placements_period_check CHECK (end_date IS NULL OR end_date >= start_date),
    -- A child never has two overlapping placements of the same kind.
    -- child_id leads: GiST organises its tree by the first column, and one
    -- municipality (the same in every row) would leave the index to grow
    -- by insertion without order, each check reading many pages.
    CONSTRAINT placements_no_overlap EXCLUDE USING gist (
        child_id WITH =,
        municipality WITH =,
        kind WITH =,
        daterange(start_date, end_date, '[]') WITH &&
    )
);

-- Placements of a child.
CREATE INDEX placements_child_idx ON placements (municipality, child_id, start_date);
-- Placements in a unit within a period. (A GiST index on the range would
-- lead the planner astray on fresh tables without statistics: every
-- placement of a municipality matches its leading column.)
CREATE INDEX placements_unit_idx ON placements (municipality, unit_id, start_date);
-- Placements in a group (foreign key lookups).
CREATE INDEX placements_group_idx ON placements (municipality, group_id) WHERE group_id IS NOT NULL;

-- +goose Down
DROP TABLE placements;
DROP TABLE unit_groups;
DROP TABLE units;
DROP TABLE guardianships;
DROP TABLE guardians;
DROP TABLE children;

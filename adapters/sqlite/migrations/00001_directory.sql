-- Directory: children, guardians, guardianships, units, groups, placements.
--
-- Conventions: every table is STRICT and keyed by (municipality, ...);
-- foreign keys carry the municipality so a record can only refer to records
-- of its own municipality. IDs are canonical UUID text, dates are
-- 'YYYY-MM-DD' text (an open end is NULL), booleans are 0/1 integers.

-- +goose Up
CREATE TABLE children (
    municipality       TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id                 TEXT NOT NULL CHECK (length(id) = 36),
    national_id        TEXT CHECK (national_id GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
    given_name         TEXT NOT NULL CHECK (given_name <> ''),
    family_name        TEXT NOT NULL CHECK (family_name <> ''),
    birth_date         TEXT NOT NULL CHECK (birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    address_protection TEXT NOT NULL CHECK (address_protection IN ('', 'none', 'fortrolig', 'strengt-fortrolig', 'strengt-fortrolig-utland')),
    PRIMARY KEY (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX children_national_id ON children (municipality, national_id)
    WHERE national_id IS NOT NULL;

CREATE TABLE guardians (
    municipality       TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id                 TEXT NOT NULL CHECK (length(id) = 36),
    national_id        TEXT CHECK (national_id GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
    given_name         TEXT NOT NULL CHECK (given_name <> ''),
    family_name        TEXT NOT NULL CHECK (family_name <> ''),
    email              TEXT CHECK (email <> ''),
    phone              TEXT CHECK (phone <> ''),
    address_protection TEXT NOT NULL CHECK (address_protection IN ('', 'none', 'fortrolig', 'strengt-fortrolig', 'strengt-fortrolig-utland')),
    PRIMARY KEY (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX guardians_national_id ON guardians (municipality, national_id)
    WHERE national_id IS NOT NULL;

CREATE TABLE guardianships (
    municipality            TEXT NOT NULL,
    child_id                TEXT NOT NULL,
    guardian_id             TEXT NOT NULL,
    parental_responsibility INTEGER NOT NULL CHECK (parental_responsibility IN (0, 1)),
    lives_with_child        INTEGER NOT NULL CHECK (lives_with_child IN (0, 1)),
    information_requested   INTEGER NOT NULL CHECK (information_requested IN (0, 1)),
    information_denied      INTEGER NOT NULL CHECK (information_denied IN (0, 1)),
    PRIMARY KEY (municipality, child_id, guardian_id),
    FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id),
    FOREIGN KEY (municipality, guardian_id) REFERENCES guardians (municipality, id)
) STRICT, WITHOUT ROWID;

-- Wards: the guardianships of one guardian.
CREATE INDEX guardianships_by_guardian ON guardianships (municipality, guardian_id, child_id);

CREATE TABLE units (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    name         TEXT NOT NULL CHECK (name <> ''),
    kind         TEXT NOT NULL CHECK (kind IN ('kindergarten', 'school', 'sfo')),
    owner        TEXT NOT NULL CHECK (owner IN ('municipal', 'private')),
    parent_id    TEXT CHECK (parent_id IS NULL OR (kind = 'sfo' AND parent_id <> id)),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, parent_id) REFERENCES units (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX units_by_parent ON units (municipality, parent_id) WHERE parent_id IS NOT NULL;

-- GROUP is an SQL keyword, hence unit_groups.
CREATE TABLE unit_groups (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    unit_id      TEXT NOT NULL,
    name         TEXT NOT NULL CHECK (name <> ''),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, unit_id) REFERENCES units (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX unit_groups_by_unit ON unit_groups (municipality, unit_id);

CREATE TABLE placements (
    municipality   TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id             TEXT NOT NULL CHECK (length(id) = 36),
    child_id       TEXT NOT NULL,
    unit_id        TEXT NOT NULL,
    group_id       TEXT,
    kind           TEXT NOT NULL CHECK (kind IN ('kindergarten', 'school', 'sfo')),
    hours_per_week INTEGER NOT NULL CHECK (hours_per_week BETWEEN 0 AND 60 AND (kind = 'school' OR hours_per_week >= 1)),
    start_date     TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    end_date       TEXT CHECK (end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND end_date >= start_date),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id),
    FOREIGN KEY (municipality, unit_id) REFERENCES units (municipality, id),
    FOREIGN KEY (municipality, group_id) REFERENCES unit_groups (municipality, id)
) STRICT, WITHOUT ROWID;

-- A child's placements, and the overlap triggers below.
CREATE INDEX placements_by_child ON placements (municipality, child_id, kind, start_date);
-- A unit's placements within a period.
CREATE INDEX placements_by_unit ON placements (municipality, unit_id, start_date);
-- Foreign key lookups when a group is checked.
CREATE INDEX placements_by_group ON placements (municipality, group_id) WHERE group_id IS NOT NULL;

-- No two placements of the same kind for the same child may share a day.
-- An open end (NULL) counts as 9999-12-31.

-- +goose StatementBegin
CREATE TRIGGER placements_no_overlap_insert
BEFORE INSERT ON placements
WHEN EXISTS (
    SELECT 1 FROM placements p
    WHERE p.municipality = NEW.municipality
      AND p.child_id = NEW.child_id
      AND p.kind = NEW.kind
      AND p.id <> NEW.id
      AND p.start_date <= coalesce(NEW.end_date, '9999-12-31')
      AND coalesce(p.end_date, '9999-12-31') >= NEW.start_date
)
BEGIN
    SELECT RAISE(ABORT, 'placement_overlap');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER placements_no_overlap_update
BEFORE UPDATE OF municipality, id, child_id, kind, start_date, end_date ON placements
WHEN EXISTS (
    SELECT 1 FROM placements p
    WHERE p.municipality = NEW.municipality
      AND p.child_id = NEW.child_id
      AND p.kind = NEW.kind
      AND (p.municipality, p.id) <> (OLD.municipality, OLD.id)
      AND p.id <> NEW.id
      AND p.start_date <= coalesce(NEW.end_date, '9999-12-31')
      AND coalesce(p.end_date, '9999-12-31') >= NEW.start_date
)
BEGIN
    SELECT RAISE(ABORT, 'placement_overlap');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE placements;
DROP TABLE unit_groups;
DROP TABLE units;
DROP TABLE guardianships;
DROP TABLE guardians;
DROP TABLE children;

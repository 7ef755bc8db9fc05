-- Staff accounts and the roles granted to them (domain.StaffMember,
-- domain.Grant). A member is matched at login by the Feide principal name,
-- unique in the municipality; a grant gives one role from start_date to
-- end_date (inclusive; NULL is open) for a unit (unit-staff, unit-leader),
-- a capability (caseworker) or the municipality (admin).

-- +goose Up
CREATE TABLE staff_members (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    name         TEXT NOT NULL CHECK (name <> '' AND length(name) <= 200),
    principal    TEXT NOT NULL CHECK (principal <> '' AND length(principal) <= 200),
    PRIMARY KEY (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX staff_members_principal ON staff_members (municipality, principal);

CREATE TABLE staff_grants (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    staff_id     TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('unit-staff', 'unit-leader', 'caseworker', 'admin')),
    unit_id      TEXT,
    capability   TEXT NOT NULL DEFAULT '',
    start_date   TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    end_date     TEXT CHECK (end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND end_date >= start_date),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, staff_id) REFERENCES staff_members (municipality, id),
    FOREIGN KEY (municipality, unit_id) REFERENCES units (municipality, id),
    CHECK ((role IN ('unit-staff', 'unit-leader')) = (unit_id IS NOT NULL)),
    CHECK ((role = 'caseworker') = (capability <> ''))
) STRICT, WITHOUT ROWID;

CREATE INDEX staff_grants_by_staff ON staff_grants (municipality, staff_id, start_date);
CREATE INDEX staff_grants_by_role ON staff_grants (municipality, role, start_date);

-- +goose Down
DROP TABLE staff_grants;
DROP TABLE staff_members;

-- Staff accounts and the roles granted to them (domain.StaffMember,
-- domain.Grant). A member is matched at login by the Feide principal name,
-- unique in the municipality; a grant gives one role from start_date to
-- end_date (inclusive; NULL is open) for a unit (unit-staff, unit-leader),
-- a capability (caseworker) or the municipality (admin).

-- +goose Up
CREATE TABLE staff_members (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    name         text NOT NULL,
    principal    text NOT NULL,
    CONSTRAINT staff_members_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT staff_members_principal_key UNIQUE (municipality, principal),
    CONSTRAINT staff_members_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$'),
    CONSTRAINT staff_members_name_check CHECK (btrim(name) <> '' AND char_length(name) <= 200),
    CONSTRAINT staff_members_principal_check CHECK (principal <> '' AND char_length(principal) <= 200)
);

CREATE TABLE staff_grants (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    staff_id     uuid NOT NULL,
    role         text NOT NULL,
    unit_id      uuid,
    capability   text NOT NULL DEFAULT '',
    start_date   date NOT NULL,
    end_date     date,
    CONSTRAINT staff_grants_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT staff_grants_staff_fkey FOREIGN KEY (municipality, staff_id) REFERENCES staff_members (municipality, id),
    CONSTRAINT staff_grants_unit_fkey FOREIGN KEY (municipality, unit_id) REFERENCES units (municipality, id),
    CONSTRAINT staff_grants_role_check CHECK (role IN ('unit-staff', 'unit-leader', 'caseworker', 'admin')),
    CONSTRAINT staff_grants_unit_check CHECK ((role IN ('unit-staff', 'unit-leader')) = (unit_id IS NOT NULL)),
    CONSTRAINT staff_grants_capability_check CHECK ((role = 'caseworker') = (capability <> '')),
    CONSTRAINT staff_grants_period_check CHECK (end_date IS NULL OR end_date >= start_date)
);

CREATE INDEX staff_grants_by_staff ON staff_grants (municipality, staff_id, start_date);
CREATE INDEX staff_grants_by_role ON staff_grants (municipality, role, start_date);

-- +goose Down
DROP TABLE staff_grants;
DROP TABLE staff_members;

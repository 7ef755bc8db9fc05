-- The opening calendar (domain.CalendarStore): summer closures, planning
-- days, a unit's closed days and school holidays of a municipality, and
-- the open weekdays of units that have their own. Public holidays are
-- computed (domain.PublicHolidays), not stored.

-- +goose Up
CREATE TABLE calendar_entries (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    kind         text NOT NULL,
    -- NULL: every unit of the municipality (of the kind applies_to).
    unit_id      uuid,
    applies_to   text NOT NULL DEFAULT '',
    start_date   date NOT NULL,
    end_date     date NOT NULL,
    name         text NOT NULL DEFAULT '',
    CONSTRAINT calendar_entries_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT calendar_entries_unit_fkey FOREIGN KEY (municipality, unit_id)
        REFERENCES units (municipality, id),
    CONSTRAINT calendar_entries_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$'),
    CONSTRAINT calendar_entries_kind_check CHECK (kind IN ('summer-closure', 'planning-day', 'unit-closed', 'school-holiday')),
    CONSTRAINT calendar_entries_applies_to_check CHECK (applies_to IN ('', 'kindergarten', 'school', 'sfo')),
    CONSTRAINT calendar_entries_period_check CHECK (end_date >= start_date)
);

CREATE INDEX calendar_entries_by_day ON calendar_entries (municipality, start_date);

CREATE TABLE calendar_weekdays (
    municipality text NOT NULL,
    unit_id      uuid NOT NULL,
    weekdays     text NOT NULL,
    CONSTRAINT calendar_weekdays_pkey PRIMARY KEY (municipality, unit_id),
    CONSTRAINT calendar_weekdays_unit_fkey FOREIGN KEY (municipality, unit_id)
        REFERENCES units (municipality, id),
    CONSTRAINT calendar_weekdays_check CHECK (weekdays ~ '^[1-7]+$')
);

-- +goose Down
DROP TABLE calendar_weekdays;
DROP TABLE calendar_entries;

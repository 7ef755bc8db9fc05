-- The opening calendar (domain.CalendarStore): summer closures, planning
-- days, a unit's closed days and school holidays of a municipality, and
-- the open weekdays of units that have their own. Public holidays are
-- computed (domain.PublicHolidays), not stored.

-- +goose Up
CREATE TABLE calendar_entries (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    kind         TEXT NOT NULL CHECK (kind IN ('summer-closure', 'planning-day', 'unit-closed', 'school-holiday')),
    -- NULL: every unit of the municipality (of the kind applies_to).
    unit_id      TEXT,
    applies_to   TEXT NOT NULL DEFAULT '' CHECK (applies_to IN ('', 'kindergarten', 'school', 'sfo')),
    start_date   TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    end_date     TEXT NOT NULL CHECK (end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    name         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (municipality, id),
    CHECK (end_date >= start_date),
    FOREIGN KEY (municipality, unit_id) REFERENCES units (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX calendar_entries_by_day ON calendar_entries (municipality, start_date);

CREATE TABLE calendar_weekdays (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    unit_id      TEXT NOT NULL,
    weekdays     TEXT NOT NULL CHECK (weekdays <> '' AND weekdays NOT GLOB '*[^1-7]*'),
    PRIMARY KEY (municipality, unit_id),
    FOREIGN KEY (municipality, unit_id) REFERENCES units (municipality, id)
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE calendar_weekdays;
DROP TABLE calendar_entries;

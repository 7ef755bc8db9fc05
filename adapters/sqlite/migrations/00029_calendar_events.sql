-- The unit's calendar (domain.EventStore): events for the whole
-- municipality, a unit or a group, and the guardians' iCalendar feeds.
-- An all-day event has its days only; a timed one its instants (UTC,
-- RFC 3339) too, and the Oslo days they fall on, so that both are listed
-- by day. A feed keeps only the SHA-256 of its token.

-- +goose Up
CREATE TABLE calendar_events (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    scope        TEXT NOT NULL CHECK (scope IN ('municipality', 'unit', 'group')),
    unit_id      TEXT,
    group_id     TEXT,
    title        TEXT NOT NULL CHECK (title <> '' AND length(title) <= 200),
    description  TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    place        TEXT NOT NULL DEFAULT '' CHECK (length(place) <= 200),
    all_day      INTEGER NOT NULL CHECK (all_day IN (0, 1)),
    start_date   TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    end_date     TEXT NOT NULL CHECK (end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    start_at     TEXT,
    end_at       TEXT,
    updated_at   TEXT NOT NULL CHECK (updated_at <> ''),
    PRIMARY KEY (municipality, id),
    CHECK (end_date >= start_date),
    CHECK ((scope = 'municipality') = (unit_id IS NULL)),
    CHECK ((scope = 'group') = (group_id IS NOT NULL)),
    CHECK ((all_day = 1) = (start_at IS NULL) AND (start_at IS NULL) = (end_at IS NULL)),
    FOREIGN KEY (municipality, unit_id) REFERENCES units (municipality, id),
    FOREIGN KEY (municipality, group_id) REFERENCES unit_groups (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX calendar_events_by_day ON calendar_events (municipality, start_date);

CREATE TABLE calendar_feeds (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    guardian_id  TEXT NOT NULL,
    token_hash   TEXT NOT NULL CHECK (length(token_hash) = 64),
    created_at   TEXT NOT NULL CHECK (created_at <> ''),
    PRIMARY KEY (municipality, guardian_id),
    UNIQUE (municipality, token_hash),
    FOREIGN KEY (municipality, guardian_id) REFERENCES guardians (municipality, id)
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE calendar_feeds;
DROP TABLE calendar_events;

-- The unit's calendar (domain.EventStore): events for the whole
-- municipality, a unit or a group, and the guardians' iCalendar feeds.
-- An all-day event has its days only; a timed one its instants too, and
-- the Oslo days they fall on, so that both are listed by day. A feed
-- keeps only the SHA-256 of its token.

-- +goose Up
CREATE TABLE calendar_events (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    scope        text NOT NULL,
    unit_id      uuid,
    group_id     uuid,
    title        text NOT NULL,
    description  text NOT NULL DEFAULT '',
    place        text NOT NULL DEFAULT '',
    all_day      boolean NOT NULL,
    start_date   date NOT NULL,
    end_date     date NOT NULL,
    start_at     timestamptz,
    end_at       timestamptz,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT calendar_events_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT calendar_events_unit_fkey FOREIGN KEY (municipality, unit_id) REFERENCES units (municipality, id),
    CONSTRAINT calendar_events_group_fkey FOREIGN KEY (municipality, group_id) REFERENCES unit_groups (municipality, id),
    CONSTRAINT calendar_events_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$'),
    CONSTRAINT calendar_events_scope_check CHECK (scope IN ('municipality', 'unit', 'group')),
    CONSTRAINT calendar_events_scope_unit_check CHECK ((scope = 'municipality') = (unit_id IS NULL)),
    CONSTRAINT calendar_events_scope_group_check CHECK ((scope = 'group') = (group_id IS NOT NULL)),
    CONSTRAINT calendar_events_title_check CHECK (title <> '' AND char_length(title) <= 200),
    CONSTRAINT calendar_events_description_check CHECK (char_length(description) <= 4000),
    CONSTRAINT calendar_events_place_check CHECK (char_length(place) <= 200),
    CONSTRAINT calendar_events_period_check CHECK (end_date >= start_date),
    CONSTRAINT calendar_events_times_check CHECK (all_day = (start_at IS NULL) AND (start_at IS NULL) = (end_at IS NULL))
);

CREATE INDEX calendar_events_by_day ON calendar_events (municipality, start_date);

CREATE TABLE calendar_feeds (
    municipality text NOT NULL,
    guardian_id  uuid NOT NULL,
    token_hash   text NOT NULL,
    created_at   timestamptz NOT NULL,
    CONSTRAINT calendar_feeds_pkey PRIMARY KEY (municipality, guardian_id),
    CONSTRAINT calendar_feeds_token_key UNIQUE (municipality, token_hash),
    CONSTRAINT calendar_feeds_guardian_fkey FOREIGN KEY (municipality, guardian_id) REFERENCES guardians (municipality, id),
    CONSTRAINT calendar_feeds_token_check CHECK (token_hash ~ '^[0-9a-f]{64}$')
);

-- +goose Down
DROP TABLE calendar_feeds;
DROP TABLE calendar_events;

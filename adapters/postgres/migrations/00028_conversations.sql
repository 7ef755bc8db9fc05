-- Booked conversations (conversations): rounds of time slots staff
-- publish for a group, the children each round is for, the slots, and the
-- bookings. The constraints keep, under any concurrency, one booking per
-- slot (conv_bookings_slot_key) and one per child, round and seat
-- (conv_bookings_seat_key; seat '' is the child's joint booking, a
-- guardian's ID a separate conversation for that guardian). A booking's
-- slot is of its round and its child in the round (foreign keys).
-- last_day is the day of the round's last slot, by which the round
-- expires. Bodies are jsonb written and read by the adapter.

-- +goose Up
CREATE TABLE conv_rounds (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    unit_id      uuid NOT NULL,
    group_id     uuid NOT NULL,
    last_day     date NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT conv_rounds_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT conv_rounds_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$')
);

CREATE INDEX conv_rounds_by_unit ON conv_rounds (municipality, unit_id, last_day);
CREATE INDEX conv_rounds_by_last_day ON conv_rounds (municipality, last_day);

CREATE TABLE conv_round_children (
    municipality text NOT NULL,
    round_id     uuid NOT NULL,
    child_id     uuid NOT NULL,
    CONSTRAINT conv_round_children_pkey PRIMARY KEY (municipality, round_id, child_id),
    CONSTRAINT conv_round_children_round_fkey FOREIGN KEY (municipality, round_id) REFERENCES conv_rounds (municipality, id),
    CONSTRAINT conv_round_children_child_fkey FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id)
);

CREATE INDEX conv_round_children_by_child ON conv_round_children (municipality, child_id, round_id);

CREATE TABLE conv_slots (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    round_id     uuid NOT NULL,
    starts_at    timestamptz NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT conv_slots_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT conv_slots_round_key UNIQUE (municipality, round_id, id),
    CONSTRAINT conv_slots_round_fkey FOREIGN KEY (municipality, round_id) REFERENCES conv_rounds (municipality, id)
);

CREATE INDEX conv_slots_by_round ON conv_slots (municipality, round_id, starts_at);

CREATE TABLE conv_bookings (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    round_id     uuid NOT NULL,
    slot_id      uuid NOT NULL,
    child_id     uuid NOT NULL,
    seat         text NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT conv_bookings_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT conv_bookings_slot_key UNIQUE (municipality, slot_id),
    CONSTRAINT conv_bookings_seat_key UNIQUE (municipality, round_id, child_id, seat),
    CONSTRAINT conv_bookings_slot_fkey FOREIGN KEY (municipality, round_id, slot_id) REFERENCES conv_slots (municipality, round_id, id),
    CONSTRAINT conv_bookings_child_fkey FOREIGN KEY (municipality, round_id, child_id)
        REFERENCES conv_round_children (municipality, round_id, child_id)
);

-- +goose Down
DROP TABLE conv_bookings;
DROP TABLE conv_slots;
DROP TABLE conv_round_children;
DROP TABLE conv_rounds;

-- Booked conversations (conversations): rounds of time slots staff
-- publish for a group, the children each round is for, the slots, and the
-- bookings. The constraints keep, under any concurrency, one booking per
-- slot (conv_bookings_slot) and one per child, round and seat
-- (conv_bookings_seat; seat '' is the child's joint booking, a guardian's
-- ID a separate conversation for that guardian). A booking's slot is of
-- its round and its child in the round (foreign keys). last_day is the
-- day of the round's last slot, by which the round expires. Bodies are
-- JSON written and read by the adapter.

-- +goose Up
CREATE TABLE conv_rounds (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    unit_id      TEXT NOT NULL,
    group_id     TEXT NOT NULL,
    last_day     TEXT NOT NULL CHECK (last_day <> ''),
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX conv_rounds_by_unit ON conv_rounds (municipality, unit_id, last_day);
CREATE INDEX conv_rounds_by_last_day ON conv_rounds (municipality, last_day);

CREATE TABLE conv_round_children (
    municipality TEXT NOT NULL,
    round_id     TEXT NOT NULL,
    child_id     TEXT NOT NULL,
    PRIMARY KEY (municipality, round_id, child_id),
    FOREIGN KEY (municipality, round_id) REFERENCES conv_rounds (municipality, id),
    FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX conv_round_children_by_child ON conv_round_children (municipality, child_id, round_id);

CREATE TABLE conv_slots (
    municipality TEXT NOT NULL,
    id           TEXT NOT NULL CHECK (length(id) = 36),
    round_id     TEXT NOT NULL,
    starts_at    INTEGER NOT NULL,
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, id),
    UNIQUE (municipality, round_id, id),
    FOREIGN KEY (municipality, round_id) REFERENCES conv_rounds (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX conv_slots_by_round ON conv_slots (municipality, round_id, starts_at);

CREATE TABLE conv_bookings (
    municipality TEXT NOT NULL,
    id           TEXT NOT NULL CHECK (length(id) = 36),
    round_id     TEXT NOT NULL,
    slot_id      TEXT NOT NULL,
    child_id     TEXT NOT NULL,
    seat         TEXT NOT NULL,
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, round_id, slot_id) REFERENCES conv_slots (municipality, round_id, id),
    FOREIGN KEY (municipality, round_id, child_id) REFERENCES conv_round_children (municipality, round_id, child_id)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX conv_bookings_slot ON conv_bookings (municipality, slot_id);
CREATE UNIQUE INDEX conv_bookings_seat ON conv_bookings (municipality, round_id, child_id, seat);

-- +goose Down
DROP TABLE conv_bookings;
DROP TABLE conv_slots;
DROP TABLE conv_round_children;
DROP TABLE conv_rounds;

-- The outbox page of one state (pending, sent or dead), newest first by
-- keyset: the state leads after the municipality, so a page of the few
-- dead deliveries among a month's tens of thousands of notices is read
-- from the index, not by walking msg_outbox_by_created past every sent one.
-- The counts by state read it too.

-- +goose Up
CREATE INDEX msg_outbox_by_state ON msg_outbox (municipality, state, created_at, id);

-- +goose Down
DROP INDEX msg_outbox_by_state;

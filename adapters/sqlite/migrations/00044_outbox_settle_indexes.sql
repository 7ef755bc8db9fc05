-- A delivery that is sent moves in as few indexes as it can (issue 22).
--
-- Settling a delivery as sent rewrote its entry in five indexes:
-- msg_outbox_due (out), msg_outbox_by_done (in), and issue 24's
-- msg_outbox_by_state and msg_outbox_by_medium, each out of pending and
-- into sent (two seeks). The dispatcher's bookkeeping is most of what it
-- costs beyond the sends themselves, so those two become two partial
-- indexes that split the outbox in two, each holding the medium:
--
-- msg_outbox_open, the pending and dead deliveries, the few among a
-- month's tens of thousands of notices: the pages of one of those states,
-- newest first by keyset, and their counts.
--
-- msg_outbox_sent, the sent ones: the page of sent deliveries, newest
-- first by keyset, and their counts.
--
-- A delivery is written to msg_outbox_open when it is enqueued; when it
-- is sent it leaves msg_outbox_open and enters msg_outbox_sent, one seek
-- each. The counts read the two indexes and the receipts' index, no row.

-- +goose Up
DROP INDEX msg_outbox_by_state;
DROP INDEX msg_outbox_by_medium;
CREATE INDEX msg_outbox_open ON msg_outbox (municipality, state, created_at, id, medium) WHERE state <> 'sent';
CREATE INDEX msg_outbox_sent ON msg_outbox (municipality, created_at, id, medium) WHERE state = 'sent';

-- +goose Down
DROP INDEX msg_outbox_sent;
DROP INDEX msg_outbox_open;
CREATE INDEX msg_outbox_by_medium ON msg_outbox (municipality, medium, state);
CREATE INDEX msg_outbox_by_state ON msg_outbox (municipality, state, created_at, id);

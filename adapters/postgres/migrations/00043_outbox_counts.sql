-- The outbox counted by medium, state and receipt (Store.OutboxCounts:
-- the caseworker's outbox page, the operations page and their APIs,
-- issue 24). The count scanned the whole table, whose rows carry the
-- texts, for the three columns it reads: msg_outbox_by_medium holds them
-- with the ID the receipts are joined by, so the outbox side of the count
-- is an index-only scan, a thirtieth of the pages after a month's invoice
-- notices. (The receipts hold no texts; their side is hashed as before.)

-- +goose Up
CREATE INDEX msg_outbox_by_medium ON msg_outbox (municipality, medium, state) INCLUDE (id);

-- +goose Down
DROP INDEX msg_outbox_by_medium;

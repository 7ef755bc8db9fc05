-- Two counts that pages make on every request (issue 24), each read from
-- one covering index instead of the table's rows.
--
-- The outbox counted by medium, state and receipt (Store.OutboxCounts:
-- the caseworker's outbox page, the operations page and their APIs).
-- msg_outbox_by_state holds no medium, so each of a month's tens of
-- thousands of notices was looked up in the table, whose rows carry
-- the texts: msg_outbox_by_medium holds what the count groups by, and
-- msg_receipts_by_delivery the receipt's state by its delivery, so the
-- count reads two indexes and no row.
--
-- The children placed on a day per unit and group (Store.PlacedOn: the
-- caseworker's and the administrator's unit overviews): in the order of
-- the grouping and the distinct children, with the dates, so the count
-- reads the index in order with no row looked up and no sort.

-- +goose Up
CREATE INDEX msg_outbox_by_medium ON msg_outbox (municipality, medium, state);
CREATE INDEX msg_receipts_by_delivery ON msg_receipts (municipality, delivery_id, state);
CREATE INDEX placements_by_group_child ON placements (municipality, unit_id, group_id, child_id, start_date, end_date);

-- +goose Down
DROP INDEX placements_by_group_child;
DROP INDEX msg_receipts_by_delivery;
DROP INDEX msg_outbox_by_medium;

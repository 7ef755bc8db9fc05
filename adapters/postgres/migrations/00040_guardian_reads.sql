-- A guardian's own pages read by the guardian, not the municipality: the
-- families a guardian pays for (billing.Store.GuardianFamilies; those the
-- guardian is an adult member of are found by billing_members' guardian
-- index) and the deliveries sent to a guardian
-- (messaging.Store.GuardianDeliveries, the privacy export), each by an
-- index leading with the municipality and the guardian (issue 24).

-- +goose Up
CREATE INDEX billing_families_by_payer ON billing_families (municipality, payer_id);
CREATE INDEX msg_outbox_by_guardian ON msg_outbox (municipality, guardian_id);

-- +goose Down
DROP INDEX msg_outbox_by_guardian;
DROP INDEX billing_families_by_payer;

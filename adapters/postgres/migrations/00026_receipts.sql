-- The archive copy of a decision and its receipt. The outbox gets the
-- medium "archive" (a decision letter to the municipality's archive,
-- through Fiks IO), and msg_receipts keeps what the receiver answered
-- about the message that carried a delivery: awaiting, received (mottatt),
-- delivered (kvittering: archived; final) or failed with the answer's
-- code. A receipt holds no personal data. The outbox is listed newest
-- first per municipality on the operations page (msg_outbox_by_created).

-- +goose Up
ALTER TABLE msg_outbox DROP CONSTRAINT msg_outbox_medium_check;
ALTER TABLE msg_outbox ADD CONSTRAINT msg_outbox_medium_check
    CHECK (medium IN ('email', 'sms', 'webhook', 'digital-mailbox', 'archive'));
CREATE INDEX msg_outbox_by_created ON msg_outbox (municipality, created_at, id);

CREATE TABLE msg_receipts (
    municipality text NOT NULL,
    message_id   uuid NOT NULL,
    delivery_id  uuid NOT NULL,
    state        text NOT NULL,
    code         text NOT NULL,
    sent_at      timestamptz NOT NULL,
    answered_at  timestamptz,
    delivered_at timestamptz,
    CONSTRAINT msg_receipts_pkey PRIMARY KEY (municipality, message_id),
    -- One message per delivery: its ID is derived from the delivery's key.
    CONSTRAINT msg_receipts_delivery_key UNIQUE (municipality, delivery_id),
    CONSTRAINT msg_receipts_delivery_fkey FOREIGN KEY (municipality, delivery_id) REFERENCES msg_outbox (municipality, id),
    CONSTRAINT msg_receipts_state_check CHECK (state IN ('awaiting', 'received', 'delivered', 'failed')),
    CONSTRAINT msg_receipts_delivered_check CHECK ((delivered_at IS NULL) = (state <> 'delivered'))
);

-- What the retention job deletes: answered receipts, oldest first.
CREATE INDEX msg_receipts_by_answer ON msg_receipts (municipality, answered_at) WHERE state IN ('delivered', 'failed');

-- +goose Down
DROP TABLE msg_receipts;
DROP INDEX msg_outbox_by_created;
DELETE FROM msg_outbox WHERE medium = 'archive';
ALTER TABLE msg_outbox DROP CONSTRAINT msg_outbox_medium_check;
ALTER TABLE msg_outbox ADD CONSTRAINT msg_outbox_medium_check
    CHECK (medium IN ('email', 'sms', 'webhook', 'digital-mailbox'));

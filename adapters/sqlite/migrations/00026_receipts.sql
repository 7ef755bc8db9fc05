-- The archive copy of a decision and its receipt. The outbox gets the
-- medium "archive" (a decision letter to the municipality's archive,
-- through Fiks IO), and msg_receipts keeps what the receiver answered
-- about the message that carried a delivery: awaiting, received (mottatt),
-- delivered (kvittering: archived; final) or failed with the answer's
-- code. A receipt holds no personal data. The outbox is listed newest
-- first per municipality on the operations page (msg_outbox_by_created).
--
-- SQLite cannot change a CHECK constraint, so msg_outbox is rebuilt (in
-- the shape 00025 gave it: a delivery to a guardian or to a staff member).

-- +goose Up
CREATE TABLE msg_outbox_new (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    key          TEXT NOT NULL CHECK (key <> ''),
    kind         TEXT NOT NULL,
    guardian_id  TEXT,
    staff_id     TEXT,
    medium       TEXT NOT NULL CHECK (medium IN ('email', 'sms', 'webhook', 'digital-mailbox', 'archive')),
    recipient    TEXT NOT NULL CHECK (recipient <> ''),
    language     TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL CHECK (body <> ''),
    urgent       INTEGER NOT NULL CHECK (urgent IN (0, 1)),
    state        TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
    attempts     INTEGER NOT NULL CHECK (attempts >= 0),
    next_at      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    done_at      INTEGER CHECK ((done_at IS NULL) = (state = 'pending')),
    last_error   TEXT NOT NULL,
    PRIMARY KEY (municipality, id),
    CHECK ((guardian_id IS NULL) <> (staff_id IS NULL)),
    CHECK (staff_id IS NULL OR medium = 'email')
) STRICT, WITHOUT ROWID;
INSERT INTO msg_outbox_new (municipality, id, key, kind, guardian_id, staff_id, medium, recipient, language, subject, body,
    urgent, state, attempts, next_at, created_at, done_at, last_error)
SELECT municipality, id, key, kind, guardian_id, staff_id, medium, recipient, language, subject, body,
    urgent, state, attempts, next_at, created_at, done_at, last_error FROM msg_outbox;
DROP TABLE msg_outbox;
ALTER TABLE msg_outbox_new RENAME TO msg_outbox;
CREATE UNIQUE INDEX msg_outbox_key ON msg_outbox (municipality, key);
CREATE INDEX msg_outbox_due ON msg_outbox (next_at, id) WHERE state = 'pending';
CREATE INDEX msg_outbox_by_done ON msg_outbox (municipality, done_at) WHERE state <> 'pending';
CREATE INDEX msg_outbox_by_created ON msg_outbox (municipality, created_at, id);

CREATE TABLE msg_receipts (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    message_id   TEXT NOT NULL CHECK (length(message_id) = 36),
    delivery_id  TEXT NOT NULL CHECK (length(delivery_id) = 36),
    state        TEXT NOT NULL CHECK (state IN ('awaiting', 'received', 'delivered', 'failed')),
    code         TEXT NOT NULL,
    sent_at      INTEGER NOT NULL,
    answered_at  INTEGER,
    delivered_at INTEGER CHECK ((delivered_at IS NULL) = (state <> 'delivered')),
    PRIMARY KEY (municipality, message_id),
    FOREIGN KEY (municipality, delivery_id) REFERENCES msg_outbox (municipality, id)
) STRICT, WITHOUT ROWID;

-- One message per delivery: its ID is derived from the delivery's key.
CREATE UNIQUE INDEX msg_receipts_delivery ON msg_receipts (municipality, delivery_id);
-- What the retention job deletes: answered receipts, oldest first.
CREATE INDEX msg_receipts_by_answer ON msg_receipts (municipality, answered_at) WHERE state IN ('delivered', 'failed');

-- +goose Down
DROP TABLE msg_receipts;
DROP INDEX msg_outbox_by_created;
CREATE TABLE msg_outbox_old (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    key          TEXT NOT NULL CHECK (key <> ''),
    kind         TEXT NOT NULL,
    guardian_id  TEXT,
    staff_id     TEXT,
    medium       TEXT NOT NULL CHECK (medium IN ('email', 'sms', 'webhook', 'digital-mailbox')),
    recipient    TEXT NOT NULL CHECK (recipient <> ''),
    language     TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL CHECK (body <> ''),
    urgent       INTEGER NOT NULL CHECK (urgent IN (0, 1)),
    state        TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
    attempts     INTEGER NOT NULL CHECK (attempts >= 0),
    next_at      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    done_at      INTEGER CHECK ((done_at IS NULL) = (state = 'pending')),
    last_error   TEXT NOT NULL,
    PRIMARY KEY (municipality, id),
    CHECK ((guardian_id IS NULL) <> (staff_id IS NULL)),
    CHECK (staff_id IS NULL OR medium = 'email')
) STRICT, WITHOUT ROWID;
INSERT INTO msg_outbox_old (municipality, id, key, kind, guardian_id, staff_id, medium, recipient, language, subject, body,
    urgent, state, attempts, next_at, created_at, done_at, last_error)
SELECT municipality, id, key, kind, guardian_id, staff_id, medium, recipient, language, subject, body,
    urgent, state, attempts, next_at, created_at, done_at, last_error FROM msg_outbox WHERE medium <> 'archive';
DROP TABLE msg_outbox;
ALTER TABLE msg_outbox_old RENAME TO msg_outbox;
CREATE UNIQUE INDEX msg_outbox_key ON msg_outbox (municipality, key);
CREATE INDEX msg_outbox_due ON msg_outbox (next_at, id) WHERE state = 'pending';
CREATE INDEX msg_outbox_by_done ON msg_outbox (municipality, done_at) WHERE state <> 'pending';

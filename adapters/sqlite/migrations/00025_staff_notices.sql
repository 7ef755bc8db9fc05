-- Notices to staff: a staff member's work e-mail address (optional, ''
-- for none), and outbox deliveries addressed to a staff member instead of
-- a guardian (exactly one of guardian_id and staff_id is set). SQLite
-- cannot drop a NOT NULL, so the outbox is rebuilt with its indexes.

-- +goose Up
ALTER TABLE staff_members ADD COLUMN email TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254);

CREATE TABLE msg_outbox_next (
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

INSERT INTO msg_outbox_next (municipality, id, key, kind, guardian_id, staff_id, medium, recipient, language, subject, body,
    urgent, state, attempts, next_at, created_at, done_at, last_error)
SELECT municipality, id, key, kind, guardian_id, NULL, medium, recipient, language, subject, body,
    urgent, state, attempts, next_at, created_at, done_at, last_error FROM msg_outbox;

DROP TABLE msg_outbox;
ALTER TABLE msg_outbox_next RENAME TO msg_outbox;

-- The idempotency key: a delivery is written once.
CREATE UNIQUE INDEX msg_outbox_key ON msg_outbox (municipality, key);
-- What a dispatcher claims: pending and due, oldest first.
CREATE INDEX msg_outbox_due ON msg_outbox (next_at, id) WHERE state = 'pending';
-- What retention expires: done deliveries by when.
CREATE INDEX msg_outbox_by_done ON msg_outbox (municipality, done_at) WHERE state <> 'pending';

-- +goose Down
CREATE TABLE msg_outbox_prev (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    key          TEXT NOT NULL CHECK (key <> ''),
    kind         TEXT NOT NULL,
    guardian_id  TEXT NOT NULL,
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
    PRIMARY KEY (municipality, id)
) STRICT, WITHOUT ROWID;

INSERT INTO msg_outbox_prev (municipality, id, key, kind, guardian_id, medium, recipient, language, subject, body,
    urgent, state, attempts, next_at, created_at, done_at, last_error)
SELECT municipality, id, key, kind, guardian_id, medium, recipient, language, subject, body,
    urgent, state, attempts, next_at, created_at, done_at, last_error FROM msg_outbox WHERE guardian_id IS NOT NULL;

DROP TABLE msg_outbox;
ALTER TABLE msg_outbox_prev RENAME TO msg_outbox;
CREATE UNIQUE INDEX msg_outbox_key ON msg_outbox (municipality, key);
CREATE INDEX msg_outbox_due ON msg_outbox (next_at, id) WHERE state = 'pending';
CREATE INDEX msg_outbox_by_done ON msg_outbox (municipality, done_at) WHERE state <> 'pending';

ALTER TABLE staff_members DROP COLUMN email;

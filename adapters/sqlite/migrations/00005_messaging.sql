-- Messaging: threads, messages, participants (read status), contact
-- preferences and the outbox of deliveries.
--
-- Instants are INTEGER nanoseconds since the Unix epoch (UTC); a missing
-- instant is NULL. Attachments are kept with their message as JSON (name,
-- contentType, base64 data). Outbox rows have no foreign key to guardians:
-- they are a log of what was sent and must be writable in bulk.

-- +goose Up
CREATE TABLE msg_threads (
    municipality    TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id              TEXT NOT NULL CHECK (length(id) = 36),
    scope           TEXT NOT NULL CHECK (scope IN ('child', 'group', 'unit', 'municipality')),
    about_child     TEXT CHECK (about_child IS NOT NULL OR scope <> 'child'),
    about_group     TEXT CHECK (about_group IS NOT NULL OR scope <> 'group'),
    about_unit      TEXT CHECK (about_unit IS NOT NULL OR scope <> 'unit'),
    unit_id         TEXT,
    subject         TEXT NOT NULL CHECK (trim(subject) <> ''),
    bulletin        INTEGER NOT NULL CHECK (bulletin IN (0, 1)),
    urgent          INTEGER NOT NULL CHECK (urgent IN (0, 1)),
    author_role     TEXT NOT NULL CHECK (author_role <> ''),
    author_subject  TEXT NOT NULL CHECK (author_subject <> ''),
    author_guardian TEXT,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE msg_messages (
    municipality    TEXT NOT NULL,
    id              TEXT NOT NULL CHECK (length(id) = 36),
    thread_id       TEXT NOT NULL,
    author_role     TEXT NOT NULL CHECK (author_role <> ''),
    author_subject  TEXT NOT NULL CHECK (author_subject <> ''),
    author_guardian TEXT,
    body            TEXT NOT NULL CHECK (trim(body) <> ''),
    attachments     TEXT NOT NULL CHECK (json_valid(attachments)),
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, thread_id) REFERENCES msg_threads (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX msg_messages_by_thread ON msg_messages (municipality, thread_id, created_at, id);

CREATE TABLE msg_participants (
    municipality TEXT NOT NULL,
    thread_id    TEXT NOT NULL,
    guardian_id  TEXT NOT NULL,
    protected    INTEGER NOT NULL CHECK (protected IN (0, 1)),
    read_at      INTEGER,
    PRIMARY KEY (municipality, thread_id, guardian_id),
    FOREIGN KEY (municipality, thread_id) REFERENCES msg_threads (municipality, id),
    FOREIGN KEY (municipality, guardian_id) REFERENCES guardians (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX msg_participants_by_guardian ON msg_participants (municipality, guardian_id, thread_id);

CREATE TABLE msg_contacts (
    municipality TEXT NOT NULL,
    guardian_id  TEXT NOT NULL,
    language     TEXT NOT NULL CHECK (language IN ('nb', 'nn', 'en')),
    medium       TEXT NOT NULL CHECK (medium IN ('email', 'sms', 'webhook', 'digital-mailbox')),
    PRIMARY KEY (municipality, guardian_id),
    FOREIGN KEY (municipality, guardian_id) REFERENCES guardians (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE msg_outbox (
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

-- The idempotency key: a delivery is written once.
CREATE UNIQUE INDEX msg_outbox_key ON msg_outbox (municipality, key);
-- What a dispatcher claims: pending and due, oldest first.
CREATE INDEX msg_outbox_due ON msg_outbox (next_at, id) WHERE state = 'pending';

-- +goose Down
DROP TABLE msg_outbox;
DROP TABLE msg_contacts;
DROP TABLE msg_participants;
DROP TABLE msg_messages;
DROP TABLE msg_threads;

-- The reference app's own records: the audit log of every read and change
-- of a child's data, the responses kept for Idempotency-Key retries, and
-- the sessions (by the hash of their token).
-- Times are RFC 3339 text in UTC with nanoseconds.

-- +goose Up
CREATE TABLE audit_log (
    municipality  TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id            TEXT NOT NULL CHECK (length(id) = 36),
    at            TEXT NOT NULL CHECK (at <> ''),
    actor_role    TEXT NOT NULL CHECK (actor_role <> ''),
    actor_subject TEXT NOT NULL CHECK (actor_subject <> ''),
    actor         TEXT NOT NULL CHECK (json_valid(actor)),
    action        TEXT NOT NULL CHECK (action <> ''),
    child_id      TEXT NOT NULL DEFAULT '' CHECK (child_id = '' OR length(child_id) = 36),
    record        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX audit_log_by_child ON audit_log (municipality, child_id, id);

CREATE TABLE idempotent_responses (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    subject      TEXT NOT NULL CHECK (subject <> ''),
    key          TEXT NOT NULL CHECK (key <> ''),
    fingerprint  TEXT NOT NULL CHECK (fingerprint <> ''),
    status       INTEGER NOT NULL CHECK (status BETWEEN 100 AND 599),
    content_type TEXT NOT NULL,
    body         BLOB NOT NULL,
    created      TEXT NOT NULL CHECK (created <> ''),
    PRIMARY KEY (municipality, subject, key)
) STRICT, WITHOUT ROWID;

CREATE INDEX idempotent_responses_by_age ON idempotent_responses (municipality, created);

CREATE TABLE sessions (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    token_hash   TEXT NOT NULL CHECK (length(token_hash) = 64),
    actor        TEXT NOT NULL CHECK (json_valid(actor)),
    name         TEXT NOT NULL,
    persona      TEXT NOT NULL,
    expires      TEXT NOT NULL CHECK (expires <> ''),
    PRIMARY KEY (municipality, token_hash)
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_by_expiry ON sessions (municipality, expires);

-- +goose Down
DROP TABLE sessions;
DROP TABLE idempotent_responses;
DROP TABLE audit_log;

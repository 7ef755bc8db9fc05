-- The reference app's own records: the audit log of every read and change
-- of a child's data, the responses kept for Idempotency-Key retries, and
-- the sessions (by the hash of their token).

-- +goose Up
CREATE TABLE audit_log (
    municipality  text NOT NULL,
    id            uuid NOT NULL,
    at            timestamptz NOT NULL,
    actor_role    text NOT NULL,
    actor_subject text NOT NULL,
    actor         jsonb NOT NULL,
    action        text NOT NULL,
    child_id      uuid,
    record        text NOT NULL DEFAULT '',
    CONSTRAINT audit_log_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT audit_log_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$'),
    CONSTRAINT audit_log_actor_check CHECK (actor_role <> '' AND actor_subject <> '' AND char_length(actor_subject) <= 200),
    CONSTRAINT audit_log_action_check CHECK (action <> '' AND char_length(action) <= 100),
    CONSTRAINT audit_log_record_check CHECK (char_length(record) <= 200)
);

CREATE INDEX audit_log_by_child ON audit_log (municipality, child_id, id) WHERE child_id IS NOT NULL;

CREATE TABLE idempotent_responses (
    municipality text NOT NULL,
    subject      text NOT NULL,
    key          text NOT NULL,
    fingerprint  text NOT NULL,
    status       integer NOT NULL,
    content_type text NOT NULL,
    body         bytea NOT NULL,
    created      timestamptz NOT NULL,
    CONSTRAINT idempotent_responses_pkey PRIMARY KEY (municipality, subject, key),
    CONSTRAINT idempotent_responses_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$'),
    CONSTRAINT idempotent_responses_key_check CHECK (subject <> '' AND key <> '' AND fingerprint <> ''),
    CONSTRAINT idempotent_responses_status_check CHECK (status BETWEEN 100 AND 599)
);

CREATE INDEX idempotent_responses_by_age ON idempotent_responses (municipality, created);

CREATE TABLE sessions (
    municipality text NOT NULL,
    token_hash   text NOT NULL,
    actor        jsonb NOT NULL,
    name         text NOT NULL,
    persona      text NOT NULL DEFAULT '',
    expires      timestamptz NOT NULL,
    CONSTRAINT sessions_pkey PRIMARY KEY (municipality, token_hash),
    CONSTRAINT sessions_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$'),
    CONSTRAINT sessions_token_hash_check CHECK (token_hash ~ '^[0-9a-f]{64}$')
);

CREATE INDEX sessions_by_expiry ON sessions (municipality, expires);

-- +goose Down
DROP TABLE sessions;
DROP TABLE idempotent_responses;
DROP TABLE audit_log;

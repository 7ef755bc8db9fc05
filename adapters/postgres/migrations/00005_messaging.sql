-- Messaging: threads, messages, participants (read status), contact
-- preferences and the outbox of deliveries. Keyed by municipality first,
-- like the directory. Outbox rows have no foreign key to guardians: they
-- are a log of what was sent and are written in bulk.

-- +goose Up
CREATE TABLE msg_threads (
    municipality    text NOT NULL,
    id              uuid NOT NULL,
    scope           text NOT NULL,
    about_child     uuid,
    about_group     uuid,
    about_unit      uuid,
    unit_id         uuid,
    subject         text NOT NULL,
    bulletin        boolean NOT NULL,
    urgent          boolean NOT NULL,
    author_role     text NOT NULL,
    author_subject  text NOT NULL,
    author_guardian uuid,
    created_at      timestamptz NOT NULL,
    CONSTRAINT msg_threads_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT msg_threads_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$'),
    CONSTRAINT msg_threads_scope_check CHECK (
        (scope = 'child' AND about_child IS NOT NULL) OR (scope = 'group' AND about_group IS NOT NULL)
        OR (scope = 'unit' AND about_unit IS NOT NULL) OR scope = 'municipality'),
    CONSTRAINT msg_threads_subject_check CHECK (btrim(subject) <> '' AND char_length(subject) <= 200),
    CONSTRAINT msg_threads_author_check CHECK (author_role <> '' AND author_subject <> '')
);

CREATE TABLE msg_messages (
    municipality    text NOT NULL,
    id              uuid NOT NULL,
    thread_id       uuid NOT NULL,
    author_role     text NOT NULL,
    author_subject  text NOT NULL,
    author_guardian uuid,
    body            text NOT NULL,
    attachments     jsonb NOT NULL DEFAULT '[]',
    created_at      timestamptz NOT NULL,
    CONSTRAINT msg_messages_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT msg_messages_thread_fkey FOREIGN KEY (municipality, thread_id) REFERENCES msg_threads (municipality, id),
    CONSTRAINT msg_messages_body_check CHECK (btrim(body) <> ''),
    CONSTRAINT msg_messages_attachments_check CHECK (jsonb_typeof(attachments) = 'array')
);

CREATE INDEX msg_messages_by_thread ON msg_messages (municipality, thread_id, created_at, id);

CREATE TABLE msg_participants (
    municipality text NOT NULL,
    thread_id    uuid NOT NULL,
    guardian_id  uuid NOT NULL,
    protected    boolean NOT NULL,
    read_at      timestamptz,
    CONSTRAINT msg_participants_pkey PRIMARY KEY (municipality, thread_id, guardian_id),
    -- No foreign key to guardians: a bulletin writes tens of thousands of
    -- participants at once and each foreign-key check is a trigger per row
    -- (a third of the time of a 50,000-guardian bulletin). The store checks
    -- the guardians in the same transaction, and the directory never
    -- deletes a guardian.
    CONSTRAINT msg_participants_thread_fkey FOREIGN KEY (municipality, thread_id) REFERENCES msg_threads (municipality, id)
);

CREATE INDEX msg_participants_by_guardian ON msg_participants (municipality, guardian_id, thread_id);

CREATE TABLE msg_contacts (
    municipality text NOT NULL,
    guardian_id  uuid NOT NULL,
    language     text NOT NULL,
    medium       text NOT NULL,
    CONSTRAINT msg_contacts_pkey PRIMARY KEY (municipality, guardian_id),
    CONSTRAINT msg_contacts_guardian_fkey FOREIGN KEY (municipality, guardian_id) REFERENCES guardians (municipality, id),
    CONSTRAINT msg_contacts_language_check CHECK (language IN ('nb', 'nn', 'en')),
    CONSTRAINT msg_contacts_medium_check CHECK (medium IN ('email', 'sms', 'webhook', 'digital-mailbox'))
);

CREATE TABLE msg_outbox (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    key          text NOT NULL,
    kind         text NOT NULL,
    guardian_id  uuid NOT NULL,
    medium       text NOT NULL,
    recipient    text NOT NULL,
    language     text NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    urgent       boolean NOT NULL,
    state        text NOT NULL,
    attempts     integer NOT NULL,
    next_at      timestamptz NOT NULL,
    created_at   timestamptz NOT NULL,
    done_at      timestamptz,
    last_error   text NOT NULL,
    CONSTRAINT msg_outbox_pkey PRIMARY KEY (municipality, id),
    -- The idempotency key: a delivery is written once.
    CONSTRAINT msg_outbox_key_key UNIQUE (municipality, key),
    CONSTRAINT msg_outbox_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$'),
    CONSTRAINT msg_outbox_key_check CHECK (key <> '' AND octet_length(key) <= 300),
    CONSTRAINT msg_outbox_medium_check CHECK (medium IN ('email', 'sms', 'webhook', 'digital-mailbox')),
    CONSTRAINT msg_outbox_recipient_check CHECK (recipient <> ''),
    CONSTRAINT msg_outbox_body_check CHECK (body <> ''),
    CONSTRAINT msg_outbox_state_check CHECK (state IN ('pending', 'sent', 'dead')),
    CONSTRAINT msg_outbox_attempts_check CHECK (attempts >= 0),
    CONSTRAINT msg_outbox_done_check CHECK ((done_at IS NULL) = (state = 'pending'))
);

-- What a dispatcher claims: pending and due, oldest first.
CREATE INDEX msg_outbox_due ON msg_outbox (next_at, id) WHERE state = 'pending';

-- +goose Down
DROP TABLE msg_outbox;
DROP TABLE msg_contacts;
DROP TABLE msg_participants;
DROP TABLE msg_messages;
DROP TABLE msg_threads;

-- Quiet hours and urgent messages. A guardian's own quiet hours (minutes
-- after local midnight; NULL keeps the municipality's) go with the contact
-- preference. msg_settings holds a municipality's quiet hours, time zone
-- and the unread check of urgent messages; no row means the defaults
-- (messaging.DefaultSettings). msg_urgent is the record of an urgent
-- message: its sender, why a guardian got no SMS (recipients, JSON), and
-- the unread check; it goes with its thread (ON DELETE CASCADE), so the
-- retention and erasure of threads remove it.

-- +goose Up
ALTER TABLE msg_contacts ADD COLUMN quiet_start integer CHECK (quiet_start BETWEEN 0 AND 1439);
ALTER TABLE msg_contacts ADD COLUMN quiet_end integer CHECK (quiet_end BETWEEN 0 AND 1439);

CREATE TABLE msg_settings (
    municipality   text NOT NULL CHECK (municipality ~ '^[0-9]{4}$'),
    quiet_start    integer NOT NULL CHECK (quiet_start BETWEEN 0 AND 1439),
    quiet_end      integer NOT NULL CHECK (quiet_end BETWEEN 0 AND 1439),
    time_zone      text NOT NULL CHECK (time_zone <> ''),
    unread_after_s integer NOT NULL CHECK (unread_after_s BETWEEN 60 AND 86400),
    CONSTRAINT msg_settings_pkey PRIMARY KEY (municipality)
);

CREATE TABLE msg_urgent (
    municipality text NOT NULL,
    thread_id    uuid NOT NULL,
    message_id   uuid NOT NULL,
    sender_staff uuid,
    recipients   jsonb NOT NULL,
    sent_at      timestamptz NOT NULL,
    due_at       timestamptz NOT NULL,
    checked_at   timestamptz,
    unread       boolean NOT NULL,
    CONSTRAINT msg_urgent_pkey PRIMARY KEY (municipality, thread_id),
    CONSTRAINT msg_urgent_thread_fkey FOREIGN KEY (municipality, thread_id) REFERENCES msg_threads (municipality, id) ON DELETE CASCADE
);

-- What the unread check takes: not yet checked, by due time.
CREATE INDEX msg_urgent_due ON msg_urgent (municipality, due_at) WHERE checked_at IS NULL;

-- +goose Down
DROP TABLE msg_urgent;
DROP TABLE msg_settings;
ALTER TABLE msg_contacts DROP COLUMN quiet_end;
ALTER TABLE msg_contacts DROP COLUMN quiet_start;

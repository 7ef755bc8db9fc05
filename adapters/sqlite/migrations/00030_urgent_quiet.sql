-- Quiet hours and urgent messages. A guardian's own quiet hours (minutes
-- after local midnight; NULL keeps the municipality's) go with the contact
-- preference. msg_settings holds a municipality's quiet hours, time zone
-- and the unread check of urgent messages; no row means the defaults
-- (messaging.DefaultSettings). msg_urgent is the record of an urgent
-- message: its sender, why a guardian got no SMS (recipients, JSON), and
-- the unread check; it goes with its thread (ON DELETE CASCADE), so the
-- retention and erasure of threads remove it.

-- +goose Up
ALTER TABLE msg_contacts ADD COLUMN quiet_start INTEGER CHECK (quiet_start BETWEEN 0 AND 1439);
ALTER TABLE msg_contacts ADD COLUMN quiet_end INTEGER CHECK (quiet_end BETWEEN 0 AND 1439);

CREATE TABLE msg_settings (
    municipality   TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    quiet_start    INTEGER NOT NULL CHECK (quiet_start BETWEEN 0 AND 1439),
    quiet_end      INTEGER NOT NULL CHECK (quiet_end BETWEEN 0 AND 1439),
    time_zone      TEXT NOT NULL CHECK (time_zone <> ''),
    unread_after_s INTEGER NOT NULL CHECK (unread_after_s BETWEEN 60 AND 86400),
    PRIMARY KEY (municipality)
) STRICT, WITHOUT ROWID;

CREATE TABLE msg_urgent (
    municipality TEXT NOT NULL,
    thread_id    TEXT NOT NULL,
    message_id   TEXT NOT NULL CHECK (length(message_id) = 36),
    sender_staff TEXT,
    recipients   TEXT NOT NULL CHECK (json_valid(recipients)),
    sent_at      INTEGER NOT NULL, -- Unix nanoseconds
    due_at       INTEGER NOT NULL,
    checked_at   INTEGER,
    unread       INTEGER NOT NULL CHECK (unread IN (0, 1)),
    PRIMARY KEY (municipality, thread_id),
    FOREIGN KEY (municipality, thread_id) REFERENCES msg_threads (municipality, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- What the unread check takes: not yet checked, by due time.
CREATE INDEX msg_urgent_due ON msg_urgent (municipality, due_at) WHERE checked_at IS NULL;

-- +goose Down
DROP TABLE msg_urgent;
DROP TABLE msg_settings;
ALTER TABLE msg_contacts DROP COLUMN quiet_end;
ALTER TABLE msg_contacts DROP COLUMN quiet_start;

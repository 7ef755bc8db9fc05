-- Notices to staff: a staff member's work e-mail address (optional, ''
-- for none), and outbox deliveries addressed to a staff member instead of
-- a guardian (exactly one of guardian_id and staff_id is set; a staff
-- member is reached by e-mail only).

-- +goose Up
ALTER TABLE staff_members
    ADD COLUMN email text NOT NULL DEFAULT '',
    ADD CONSTRAINT staff_members_email_check CHECK (char_length(email) <= 254);

ALTER TABLE msg_outbox
    ALTER COLUMN guardian_id DROP NOT NULL,
    ADD COLUMN staff_id uuid,
    ADD CONSTRAINT msg_outbox_recipient_kind_check CHECK ((guardian_id IS NULL) <> (staff_id IS NULL)),
    ADD CONSTRAINT msg_outbox_staff_email_check CHECK (staff_id IS NULL OR medium = 'email');

-- +goose Down
DELETE FROM msg_outbox WHERE staff_id IS NOT NULL;
ALTER TABLE msg_outbox
    DROP CONSTRAINT msg_outbox_staff_email_check,
    DROP CONSTRAINT msg_outbox_recipient_kind_check,
    DROP COLUMN staff_id,
    ALTER COLUMN guardian_id SET NOT NULL;

ALTER TABLE staff_members
    DROP CONSTRAINT staff_members_email_check,
    DROP COLUMN email;

-- A caseworker marks a registry notice handled (domain.RegistryNotice
-- Handled, HandledBy): when, and the caseworker's display name; null and
-- empty while the notice is open.

-- +goose Up
ALTER TABLE registry_notices ADD COLUMN handled_at timestamptz;
ALTER TABLE registry_notices ADD COLUMN handled_by text NOT NULL DEFAULT '';
ALTER TABLE registry_notices ADD CONSTRAINT registry_notices_handled_check
    CHECK ((handled_at IS NULL) = (handled_by = '') AND length(handled_by) <= 200);

-- +goose Down
ALTER TABLE registry_notices DROP CONSTRAINT registry_notices_handled_check;
ALTER TABLE registry_notices DROP COLUMN handled_by;
ALTER TABLE registry_notices DROP COLUMN handled_at;

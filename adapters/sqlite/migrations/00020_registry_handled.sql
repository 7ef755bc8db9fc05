-- A caseworker marks a registry notice handled (domain.RegistryNotice
-- Handled, HandledBy): when, and the caseworker's display name; both empty
-- while the notice is open.

-- +goose Up
ALTER TABLE registry_notices ADD COLUMN handled_at TEXT NOT NULL DEFAULT '';
ALTER TABLE registry_notices ADD COLUMN handled_by TEXT NOT NULL DEFAULT '' CHECK (length(handled_by) <= 200);

-- +goose Down
ALTER TABLE registry_notices DROP COLUMN handled_by;
ALTER TABLE registry_notices DROP COLUMN handled_at;

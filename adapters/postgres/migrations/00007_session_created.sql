-- Sessions carry the time the user logged in, for the reference app's
-- absolute session lifetime beside the sliding expiry. Sessions stored
-- before have no such time and end: everyone logs in again once.

-- +goose Up
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN created timestamptz NOT NULL;

-- +goose Down
ALTER TABLE sessions DROP COLUMN created;

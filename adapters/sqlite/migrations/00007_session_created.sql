-- Sessions carry the time the user logged in, for the reference app's
-- absolute session lifetime beside the sliding expiry. Sessions stored
-- before have no such time and end: everyone logs in again once.
-- Times are RFC 3339 text in UTC with nanoseconds.

-- +goose Up
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN created TEXT NOT NULL DEFAULT '' CHECK (created <> '');

-- +goose Down
ALTER TABLE sessions DROP COLUMN created;

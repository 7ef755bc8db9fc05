-- A session remembers the OpenID provider that logged the user in and the ID
-- token it issued, so that logging out ends the session at the provider too
-- (OpenID Connect RP-Initiated Logout 1.0: the token goes back as
-- id_token_hint). A demo session has neither.

-- +goose Up
ALTER TABLE sessions ADD COLUMN provider TEXT NOT NULL DEFAULT '' CHECK (length(provider) <= 100);
ALTER TABLE sessions ADD COLUMN id_token TEXT NOT NULL DEFAULT '' CHECK (length(id_token) <= 16384);

-- +goose Down
ALTER TABLE sessions DROP COLUMN id_token;
ALTER TABLE sessions DROP COLUMN provider;

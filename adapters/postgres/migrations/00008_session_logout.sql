-- A session remembers the OpenID provider that logged the user in and the ID
-- token it issued, so that logging out ends the session at the provider too
-- (OpenID Connect RP-Initiated Logout 1.0: the token goes back as
-- id_token_hint). A demo session has neither.

-- +goose Up
ALTER TABLE sessions
    ADD COLUMN provider text NOT NULL DEFAULT '',
    ADD COLUMN id_token text NOT NULL DEFAULT '',
    ADD CONSTRAINT sessions_provider_check CHECK (char_length(provider) <= 100),
    ADD CONSTRAINT sessions_id_token_check CHECK (char_length(id_token) <= 16384);

-- +goose Down
ALTER TABLE sessions
    DROP CONSTRAINT sessions_id_token_check,
    DROP CONSTRAINT sessions_provider_check,
    DROP COLUMN id_token,
    DROP COLUMN provider;

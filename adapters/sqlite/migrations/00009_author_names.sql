-- The display name of who wrote a thread or message ("Kari Lærer"), as
-- people read it; author_subject stays the login ID, for matching only.
-- Empty for threads written before, and when the login gave no name.

-- +goose Up
ALTER TABLE msg_threads ADD COLUMN author_name TEXT NOT NULL DEFAULT '' CHECK (length(author_name) <= 200);
ALTER TABLE msg_messages ADD COLUMN author_name TEXT NOT NULL DEFAULT '' CHECK (length(author_name) <= 200);

-- +goose Down
ALTER TABLE msg_messages DROP COLUMN author_name;
ALTER TABLE msg_threads DROP COLUMN author_name;

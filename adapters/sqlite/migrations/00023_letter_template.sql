-- The municipality's letter template (letterhead, contact, appeal body,
-- opening and closing paragraphs per language): one per municipality, a
-- JSON body written and read by the adapter (domain.LetterTemplate).

-- +goose Up
CREATE TABLE letter_templates (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality)
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE letter_templates;

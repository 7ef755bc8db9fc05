-- The municipality's letter template (letterhead, contact, appeal body,
-- opening and closing paragraphs per language): one per municipality, a
-- jsonb body written and read by the adapter (domain.LetterTemplate).

-- +goose Up
CREATE TABLE letter_templates (
    municipality text NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT letter_templates_pkey PRIMARY KEY (municipality),
    CONSTRAINT letter_templates_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$')
);

-- +goose Down
DROP TABLE letter_templates;

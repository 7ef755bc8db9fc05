-- Special education (specialed): PPT services, cases with their entries
-- (the history, only appended), documents with their versions,
-- attachments, and the reminders sent (one per key, so that reminding
-- twice sends nothing twice). Bodies are jsonb written and read by the
-- adapter; the columns are what is looked up, kept unique or constrained.
-- A case's needs_from/needs_to are the period of its decision that gives
-- special needs for SFO (specialed.Case.SpecialNeeds), NULL when none.

-- +goose Up
CREATE TABLE specialed_ppts (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    name         text NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT specialed_ppts_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT specialed_ppts_name_check CHECK (btrim(name) <> ''),
    CONSTRAINT specialed_ppts_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$')
);

CREATE TABLE specialed_cases (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    child_id     uuid NOT NULL,
    unit_id      uuid NOT NULL,
    version      integer NOT NULL,
    ended        date,
    needs_from   date,
    needs_to     date,
    body         jsonb NOT NULL,
    CONSTRAINT specialed_cases_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT specialed_cases_child_fkey FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id),
    CONSTRAINT specialed_cases_version_check CHECK (version >= 1),
    CONSTRAINT specialed_cases_needs_check CHECK (needs_to IS NULL OR (needs_from IS NOT NULL AND needs_to >= needs_from)),
    CONSTRAINT specialed_cases_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$')
);

CREATE INDEX specialed_cases_by_child ON specialed_cases (municipality, child_id, id);
CREATE INDEX specialed_cases_by_needs ON specialed_cases (municipality, needs_from) WHERE needs_from IS NOT NULL;

CREATE TABLE specialed_entries (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    case_id      uuid NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT specialed_entries_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT specialed_entries_case_fkey FOREIGN KEY (municipality, case_id) REFERENCES specialed_cases (municipality, id)
);

CREATE INDEX specialed_entries_by_case ON specialed_entries (municipality, case_id, id);

CREATE TABLE specialed_documents (
    municipality text NOT NULL,
    case_id      uuid NOT NULL,
    kind         text NOT NULL,
    version      integer NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT specialed_documents_pkey PRIMARY KEY (municipality, case_id, kind, version),
    CONSTRAINT specialed_documents_case_fkey FOREIGN KEY (municipality, case_id) REFERENCES specialed_cases (municipality, id),
    CONSTRAINT specialed_documents_kind_check CHECK (kind IN ('assessment', 'decision', 'plan', 'report')),
    CONSTRAINT specialed_documents_version_check CHECK (version >= 1)
);

CREATE TABLE specialed_attachments (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    case_id      uuid NOT NULL,
    content      bytea NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT specialed_attachments_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT specialed_attachments_case_fkey FOREIGN KEY (municipality, case_id) REFERENCES specialed_cases (municipality, id)
);

CREATE INDEX specialed_attachments_by_case ON specialed_attachments (municipality, case_id, id);

CREATE TABLE specialed_reminders (
    municipality text NOT NULL,
    key          text NOT NULL,
    case_id      uuid NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT specialed_reminders_pkey PRIMARY KEY (municipality, key),
    CONSTRAINT specialed_reminders_case_fkey FOREIGN KEY (municipality, case_id) REFERENCES specialed_cases (municipality, id),
    CONSTRAINT specialed_reminders_key_check CHECK (key <> '')
);

CREATE INDEX specialed_reminders_by_case ON specialed_reminders (municipality, case_id, key);

-- +goose Down
DROP TABLE specialed_reminders;
DROP TABLE specialed_attachments;
DROP TABLE specialed_documents;
DROP TABLE specialed_entries;
DROP TABLE specialed_cases;
DROP TABLE specialed_ppts;

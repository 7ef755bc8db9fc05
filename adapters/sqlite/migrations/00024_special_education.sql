-- Special education (specialed): PPT services, cases with their entries
-- (the history, only appended), documents with their versions,
-- attachments, and the reminders sent (one per key, so that reminding
-- twice sends nothing twice). Bodies are JSON written and read by the
-- adapter; the columns are what is looked up, kept unique or constrained.
-- A case's needs_from/needs_to are the period of its decision that gives
-- special needs for SFO (specialed.Case.SpecialNeeds), empty when none.

-- +goose Up
CREATE TABLE specialed_ppts (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    name         TEXT NOT NULL CHECK (name <> ''),
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE specialed_cases (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    child_id     TEXT NOT NULL,
    unit_id      TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    ended        TEXT NOT NULL DEFAULT '',
    needs_from   TEXT NOT NULL DEFAULT '',
    needs_to     TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id),
    CHECK (needs_to = '' OR needs_from <> '')
) STRICT, WITHOUT ROWID;

CREATE INDEX specialed_cases_by_child ON specialed_cases (municipality, child_id, id);
CREATE INDEX specialed_cases_by_needs ON specialed_cases (municipality, needs_from) WHERE needs_from <> '';

CREATE TABLE specialed_entries (
    municipality TEXT NOT NULL,
    id           TEXT NOT NULL CHECK (length(id) = 36),
    case_id      TEXT NOT NULL,
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, case_id) REFERENCES specialed_cases (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX specialed_entries_by_case ON specialed_entries (municipality, case_id, id);

CREATE TABLE specialed_documents (
    municipality TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('assessment', 'decision', 'plan', 'report')),
    version      INTEGER NOT NULL CHECK (version >= 1),
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, case_id, kind, version),
    FOREIGN KEY (municipality, case_id) REFERENCES specialed_cases (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE specialed_attachments (
    municipality TEXT NOT NULL,
    id           TEXT NOT NULL CHECK (length(id) = 36),
    case_id      TEXT NOT NULL,
    content      BLOB NOT NULL,
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, case_id) REFERENCES specialed_cases (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX specialed_attachments_by_case ON specialed_attachments (municipality, case_id, id);

CREATE TABLE specialed_reminders (
    municipality TEXT NOT NULL,
    key          TEXT NOT NULL CHECK (key <> ''),
    case_id      TEXT NOT NULL,
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, key),
    FOREIGN KEY (municipality, case_id) REFERENCES specialed_cases (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX specialed_reminders_by_case ON specialed_reminders (municipality, case_id, key);

-- +goose Down
DROP TABLE specialed_reminders;
DROP TABLE specialed_attachments;
DROP TABLE specialed_documents;
DROP TABLE specialed_entries;
DROP TABLE specialed_cases;
DROP TABLE specialed_ppts;

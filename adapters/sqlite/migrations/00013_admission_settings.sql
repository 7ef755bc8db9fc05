-- Admission settings of a municipality (local criteria with their names,
-- what a new intake starts with), versioned: every save is a new row, the
-- latest is in force, the earlier ones are the history. The record is kept
-- whole as JSON in data.

-- +goose Up
CREATE TABLE admission_settings (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    version      INTEGER NOT NULL CHECK (version >= 1),
    data         TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (municipality, version)
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE admission_settings;

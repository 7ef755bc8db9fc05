-- Admission settings of a municipality (local criteria with their names,
-- what a new intake starts with), versioned: every save is a new row, the
-- latest is in force, the earlier ones are the history. The record is kept
-- whole as JSON in data.

-- +goose Up
CREATE TABLE admission_settings (
    municipality text NOT NULL,
    version      integer NOT NULL,
    data         jsonb NOT NULL,
    CONSTRAINT admission_settings_pkey PRIMARY KEY (municipality, version),
    CONSTRAINT admission_settings_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$'),
    CONSTRAINT admission_settings_version_check CHECK (version >= 1)
);

-- +goose Down
DROP TABLE admission_settings;

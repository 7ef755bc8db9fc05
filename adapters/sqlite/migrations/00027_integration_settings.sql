-- Each municipality's integration settings (domain.IntegrationSetting):
-- every version kept, the current one is the one not superseded. No
-- secret is stored: certificates, keys, passwords and tokens are names of
-- entries in the deployment's secret store (in vals). The retention job
-- deletes versions superseded before its cutoff.

-- +goose Up
CREATE TABLE integration_settings (
    municipality  TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    integration   TEXT NOT NULL CHECK (integration IN ('fiks-io', 'krr', 'email', 'sms', 'digital-mailbox', 'webhook')),
    version       INTEGER NOT NULL CHECK (version >= 1),
    state         TEXT NOT NULL CHECK (state IN ('default', 'on', 'off')),
    endpoint      TEXT NOT NULL,
    vals          TEXT NOT NULL CHECK (json_valid(vals)),
    changed_at    INTEGER NOT NULL, -- Unix nanoseconds
    changed_by    TEXT NOT NULL,
    superseded_at INTEGER,          -- when the next version replaced it; NULL for the current one
    PRIMARY KEY (municipality, integration, version)
) STRICT, WITHOUT ROWID;

CREATE INDEX integration_settings_superseded ON integration_settings (municipality, superseded_at) WHERE superseded_at IS NOT NULL;

-- +goose Down
DROP TABLE integration_settings;

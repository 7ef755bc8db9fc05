-- Each municipality's integration settings (domain.IntegrationSetting):
-- every version kept, the current one is the one not superseded. No
-- secret is stored: certificates, keys, passwords and tokens are names of
-- entries in the deployment's secret store (in vals). The retention job
-- deletes versions superseded before its cutoff.

-- +goose Up
CREATE TABLE integration_settings (
    municipality  text NOT NULL,
    integration   text NOT NULL,
    version       integer NOT NULL,
    state         text NOT NULL,
    endpoint      text NOT NULL,
    vals          jsonb NOT NULL,
    changed_at    timestamptz NOT NULL,
    changed_by    text NOT NULL,
    superseded_at timestamptz, -- when the next version replaced it; NULL for the current one
    CONSTRAINT integration_settings_pkey PRIMARY KEY (municipality, integration, version),
    CONSTRAINT integration_settings_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$'),
    CONSTRAINT integration_settings_integration_check CHECK (integration IN ('fiks-io', 'krr', 'email', 'sms', 'digital-mailbox', 'webhook')),
    CONSTRAINT integration_settings_version_check CHECK (version >= 1),
    CONSTRAINT integration_settings_state_check CHECK (state IN ('default', 'on', 'off'))
);

CREATE INDEX integration_settings_superseded ON integration_settings (municipality, superseded_at) WHERE superseded_at IS NOT NULL;

-- +goose Down
DROP TABLE integration_settings;

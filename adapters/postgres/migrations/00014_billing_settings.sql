-- Billing settings per municipality (bank account, KID method, due day,
-- correction window, first month invoiced) and the national rule tables a
-- municipality loaded (every version kept: who, when, source, the rows it
-- changed, the file as loaded). Bodies are jsonb written and read by the
-- adapter (billing.Settings, billing.RuleTable).

-- +goose Up
CREATE TABLE billing_settings (
    municipality text NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT billing_settings_pkey PRIMARY KEY (municipality),
    CONSTRAINT billing_settings_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$')
);

CREATE TABLE billing_rule_tables (
    municipality text NOT NULL,
    version      integer NOT NULL,
    id           uuid NOT NULL,
    kind         text NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT billing_rule_tables_pkey PRIMARY KEY (municipality, version),
    CONSTRAINT billing_rule_tables_id_key UNIQUE (municipality, id),
    CONSTRAINT billing_rule_tables_version_check CHECK (version >= 1),
    CONSTRAINT billing_rule_tables_kind_check CHECK (kind IN ('kindergarten', 'sfo')),
    CONSTRAINT billing_rule_tables_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$')
);

-- +goose Down
DROP TABLE billing_rule_tables;
DROP TABLE billing_settings;

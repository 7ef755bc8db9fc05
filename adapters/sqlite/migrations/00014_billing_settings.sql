-- Billing settings per municipality (bank account, KID method, due day,
-- correction window, first month invoiced) and the national rule tables a
-- municipality loaded (every version kept: who, when, source, the rows it
-- changed, the file as loaded). Bodies are JSON written and read by the
-- adapter (billing.Settings, billing.RuleTable).

-- +goose Up
CREATE TABLE billing_settings (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality)
) STRICT, WITHOUT ROWID;

CREATE TABLE billing_rule_tables (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    version      INTEGER NOT NULL CHECK (version >= 1),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    kind         TEXT NOT NULL CHECK (kind IN ('kindergarten', 'sfo')),
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, version),
    UNIQUE (municipality, id)
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE billing_rule_tables;
DROP TABLE billing_settings;

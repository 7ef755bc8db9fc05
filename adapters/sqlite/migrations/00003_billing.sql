-- Billing: families for fees and their dated members, income decisions,
-- municipal price lists, fee decisions, invoice runs with invoices and
-- lines, payments.
--
-- Conventions as in 00001: STRICT tables keyed by (municipality, ...),
-- foreign keys carry the municipality, dates are 'YYYY-MM-DD' text (an open
-- end is NULL), months 'YYYY-MM'. Amounts that are summed are INTEGER øre
-- (exact); other amounts are decimal text. Price list bodies, fee decision
-- details and line reductions are JSON text written and read by the
-- adapter.

-- +goose Up
CREATE TABLE billing_families (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    payer_id     TEXT NOT NULL,
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, payer_id) REFERENCES guardians (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE billing_members (
    municipality TEXT NOT NULL,
    id           TEXT NOT NULL CHECK (length(id) = 36),
    family_id    TEXT NOT NULL,
    guardian_id  TEXT,
    child_id     TEXT,
    start_date   TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    end_date     TEXT CHECK (end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND end_date >= start_date),
    CHECK ((guardian_id IS NULL) <> (child_id IS NULL)),
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, family_id) REFERENCES billing_families (municipality, id),
    FOREIGN KEY (municipality, guardian_id) REFERENCES guardians (municipality, id),
    FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX billing_members_by_family ON billing_members (municipality, family_id);
CREATE INDEX billing_members_by_child ON billing_members (municipality, child_id, start_date) WHERE child_id IS NOT NULL;
CREATE INDEX billing_members_by_guardian ON billing_members (municipality, guardian_id, start_date) WHERE guardian_id IS NOT NULL;

CREATE TABLE billing_income_decisions (
    municipality  TEXT NOT NULL,
    id            TEXT NOT NULL CHECK (length(id) = 36),
    family_id     TEXT NOT NULL,
    annual_income TEXT NOT NULL,
    applied       TEXT NOT NULL,
    start_date    TEXT NOT NULL,
    end_date      TEXT NOT NULL CHECK (end_date >= start_date),
    documentation TEXT NOT NULL,
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, family_id) REFERENCES billing_families (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX billing_income_by_family ON billing_income_decisions (municipality, family_id, start_date);

CREATE TABLE billing_price_lists (
    municipality TEXT NOT NULL,
    id           TEXT NOT NULL CHECK (length(id) = 36),
    kind         TEXT NOT NULL CHECK (kind IN ('kindergarten', 'sfo')),
    start_date   TEXT NOT NULL,
    end_date     TEXT CHECK (end_date >= start_date),
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX billing_price_lists_by_kind ON billing_price_lists (municipality, kind, start_date);

CREATE TABLE billing_fee_decisions (
    municipality TEXT NOT NULL,
    id           TEXT NOT NULL CHECK (length(id) = 36),
    child_id     TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('kindergarten', 'sfo')),
    from_month   TEXT NOT NULL CHECK (from_month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    body         TEXT NOT NULL,
    PRIMARY KEY (municipality, id),
    FOREIGN KEY (municipality, child_id) REFERENCES children (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX billing_fee_decisions_by_child ON billing_fee_decisions (municipality, child_id, kind, from_month);

CREATE TABLE billing_runs (
    municipality TEXT NOT NULL,
    month        TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    made         TEXT NOT NULL,
    invoices     INTEGER NOT NULL CHECK (invoices >= 0),
    first_number INTEGER NOT NULL,
    last_number  INTEGER NOT NULL CHECK (last_number = first_number + invoices - 1),
    total_ore    INTEGER NOT NULL,
    PRIMARY KEY (municipality, month)
) STRICT, WITHOUT ROWID;

CREATE TABLE billing_invoices (
    municipality TEXT NOT NULL,
    id           TEXT NOT NULL CHECK (length(id) = 36),
    month        TEXT NOT NULL,
    number       INTEGER NOT NULL CHECK (number >= 1),
    kid          TEXT NOT NULL CHECK (length(kid) BETWEEN 2 AND 25),
    payer_id     TEXT NOT NULL,
    family_id    TEXT,
    issued       TEXT NOT NULL,
    due          TEXT NOT NULL,
    total_ore    INTEGER NOT NULL,
    PRIMARY KEY (municipality, id),
    UNIQUE (municipality, kid),
    UNIQUE (municipality, number),
    FOREIGN KEY (municipality, month) REFERENCES billing_runs (municipality, month),
    FOREIGN KEY (municipality, payer_id) REFERENCES guardians (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX billing_invoices_by_month ON billing_invoices (municipality, month, number);

CREATE TABLE billing_invoice_lines (
    municipality  TEXT NOT NULL,
    invoice_id    TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    payer_id      TEXT NOT NULL,
    child_id      TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('kindergarten', 'sfo')),
    item          TEXT NOT NULL CHECK (item IN ('fee', 'food')),
    month         TEXT NOT NULL,
    correction    INTEGER NOT NULL CHECK (correction IN (0, 1)),
    days          INTEGER NOT NULL,
    days_in_month INTEGER NOT NULL,
    gross_ore     INTEGER NOT NULL,
    full_ore      INTEGER NOT NULL,
    amount_ore    INTEGER NOT NULL,
    reductions    TEXT,
    PRIMARY KEY (municipality, invoice_id, seq),
    FOREIGN KEY (municipality, invoice_id) REFERENCES billing_invoices (municipality, id)
) STRICT, WITHOUT ROWID;

-- What was invoiced for a month (corrections).
CREATE INDEX billing_lines_by_month ON billing_invoice_lines (municipality, month, payer_id, child_id, kind, item, amount_ore);

CREATE TABLE billing_payments (
    municipality TEXT NOT NULL,
    id           TEXT NOT NULL CHECK (length(id) = 36),
    reference    TEXT NOT NULL,
    kid          TEXT NOT NULL,
    invoice_id   TEXT,
    amount_ore   INTEGER NOT NULL,
    paid         TEXT NOT NULL,
    PRIMARY KEY (municipality, id),
    UNIQUE (municipality, reference),
    FOREIGN KEY (municipality, invoice_id) REFERENCES billing_invoices (municipality, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX billing_payments_by_invoice ON billing_payments (municipality, invoice_id) WHERE invoice_id IS NOT NULL;

-- +goose Down
DROP TABLE billing_payments;
DROP TABLE billing_invoice_lines;
DROP TABLE billing_invoices;
DROP TABLE billing_runs;
DROP TABLE billing_fee_decisions;
DROP TABLE billing_price_lists;
DROP TABLE billing_income_decisions;
DROP TABLE billing_members;
DROP TABLE billing_families;

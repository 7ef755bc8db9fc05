-- Billing: families for fees and their dated members, income decisions,
-- municipal price lists, fee decisions, invoice runs with invoices and
-- lines, payments. Every key includes the municipality. Amounts that are
-- summed are bigint øre (exact); price list bodies, fee decision details
-- and line reductions are jsonb written and read by the adapter. Overlaps
-- the domain forbids are refused by exclusion constraints (btree_gist is
-- created by 00001).

-- +goose Up
CREATE TABLE billing_families (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    payer_id     uuid NOT NULL,
    CONSTRAINT billing_families_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT billing_families_payer_fkey FOREIGN KEY (municipality, payer_id)
        REFERENCES guardians (municipality, id),
    CONSTRAINT billing_families_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$')
);

CREATE TABLE billing_members (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    family_id    uuid NOT NULL,
    guardian_id  uuid,
    child_id     uuid,
    start_date   date NOT NULL,
    end_date     date,
    CONSTRAINT billing_members_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT billing_members_family_fkey FOREIGN KEY (municipality, family_id)
        REFERENCES billing_families (municipality, id),
    CONSTRAINT billing_members_guardian_fkey FOREIGN KEY (municipality, guardian_id)
        REFERENCES guardians (municipality, id),
    CONSTRAINT billing_members_child_fkey FOREIGN KEY (municipality, child_id)
        REFERENCES children (municipality, id),
    CONSTRAINT billing_members_person_check CHECK ((guardian_id IS NULL) <> (child_id IS NULL)),
    CONSTRAINT billing_members_period_check CHECK (end_date IS NULL OR end_date >= start_date),
    -- A person is in at most one family on any day.
    CONSTRAINT billing_members_child_no_overlap EXCLUDE USING gist (
        child_id WITH =, municipality WITH =, daterange(start_date, end_date, '[]') WITH &&
    ) WHERE (child_id IS NOT NULL),
    CONSTRAINT billing_members_guardian_no_overlap EXCLUDE USING gist (
        guardian_id WITH =, municipality WITH =, daterange(start_date, end_date, '[]') WITH &&
    ) WHERE (guardian_id IS NOT NULL)
);

CREATE INDEX billing_members_family_idx ON billing_members (municipality, family_id);
CREATE INDEX billing_members_child_idx ON billing_members (municipality, child_id, start_date) WHERE child_id IS NOT NULL;
CREATE INDEX billing_members_guardian_idx ON billing_members (municipality, guardian_id, start_date) WHERE guardian_id IS NOT NULL;

CREATE TABLE billing_income_decisions (
    municipality  text NOT NULL,
    id            uuid NOT NULL,
    family_id     uuid NOT NULL,
    annual_income numeric(14, 2) NOT NULL,
    applied       date NOT NULL,
    start_date    date NOT NULL,
    end_date      date NOT NULL,
    documentation text NOT NULL,
    CONSTRAINT billing_income_decisions_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT billing_income_decisions_family_fkey FOREIGN KEY (municipality, family_id)
        REFERENCES billing_families (municipality, id),
    CONSTRAINT billing_income_decisions_income_check CHECK (annual_income >= 0),
    CONSTRAINT billing_income_decisions_period_check CHECK (end_date >= start_date AND start_date > applied
        AND extract(day FROM start_date) = 1),
    CONSTRAINT billing_income_decisions_no_overlap EXCLUDE USING gist (
        family_id WITH =, municipality WITH =, daterange(start_date, end_date, '[]') WITH &&
    )
);

CREATE TABLE billing_price_lists (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    kind         text NOT NULL,
    start_date   date NOT NULL,
    end_date     date,
    body         jsonb NOT NULL,
    CONSTRAINT billing_price_lists_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT billing_price_lists_kind_check CHECK (kind IN ('kindergarten', 'sfo')),
    CONSTRAINT billing_price_lists_period_check CHECK (end_date IS NULL OR end_date >= start_date),
    -- Two lists of the same kind never share a day.
    CONSTRAINT billing_price_lists_no_overlap EXCLUDE USING gist (
        municipality WITH =, kind WITH =, daterange(start_date, end_date, '[]') WITH &&
    )
);

CREATE TABLE billing_fee_decisions (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    child_id     uuid NOT NULL,
    kind         text NOT NULL,
    from_month   text NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT billing_fee_decisions_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT billing_fee_decisions_child_fkey FOREIGN KEY (municipality, child_id)
        REFERENCES children (municipality, id),
    CONSTRAINT billing_fee_decisions_kind_check CHECK (kind IN ('kindergarten', 'sfo')),
    CONSTRAINT billing_fee_decisions_month_check CHECK (from_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')
);

CREATE INDEX billing_fee_decisions_child_idx ON billing_fee_decisions (municipality, child_id, kind, from_month);

CREATE TABLE billing_runs (
    municipality text NOT NULL,
    month        text NOT NULL,
    made         date NOT NULL,
    invoices     integer NOT NULL,
    first_number bigint NOT NULL,
    last_number  bigint NOT NULL,
    total_ore    bigint NOT NULL,
    CONSTRAINT billing_runs_pkey PRIMARY KEY (municipality, month),
    CONSTRAINT billing_runs_month_check CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    CONSTRAINT billing_runs_numbers_check CHECK (invoices >= 0 AND last_number = first_number + invoices - 1)
);

CREATE TABLE billing_invoices (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    month        text NOT NULL,
    number       bigint NOT NULL,
    kid          text NOT NULL,
    payer_id     uuid NOT NULL,
    family_id    uuid,
    issued       date NOT NULL,
    due          date NOT NULL,
    total_ore    bigint NOT NULL,
    CONSTRAINT billing_invoices_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT billing_invoices_kid_key UNIQUE (municipality, kid),
    CONSTRAINT billing_invoices_number_key UNIQUE (municipality, number),
    CONSTRAINT billing_invoices_run_fkey FOREIGN KEY (municipality, month)
        REFERENCES billing_runs (municipality, month),
    CONSTRAINT billing_invoices_payer_fkey FOREIGN KEY (municipality, payer_id)
        REFERENCES guardians (municipality, id),
    CONSTRAINT billing_invoices_kid_check CHECK (kid ~ '^[0-9]{1,24}[0-9-]$')
);

CREATE INDEX billing_invoices_month_idx ON billing_invoices (municipality, month, number);

CREATE TABLE billing_invoice_lines (
    municipality  text NOT NULL,
    invoice_id    uuid NOT NULL,
    seq           integer NOT NULL,
    payer_id      uuid NOT NULL,
    child_id      uuid NOT NULL,
    kind          text NOT NULL,
    item          text NOT NULL,
    month         text NOT NULL,
    correction    boolean NOT NULL,
    days          integer NOT NULL,
    days_in_month integer NOT NULL,
    gross_ore     bigint NOT NULL,
    full_ore      bigint NOT NULL,
    amount_ore    bigint NOT NULL,
    reductions    text,
    CONSTRAINT billing_invoice_lines_pkey PRIMARY KEY (municipality, invoice_id, seq),
    CONSTRAINT billing_invoice_lines_invoice_fkey FOREIGN KEY (municipality, invoice_id)
        REFERENCES billing_invoices (municipality, id),
    CONSTRAINT billing_invoice_lines_kind_check CHECK (kind IN ('kindergarten', 'sfo')),
    CONSTRAINT billing_invoice_lines_item_check CHECK (item IN ('fee', 'food')),
    CONSTRAINT billing_invoice_lines_days_check CHECK (days BETWEEN 0 AND days_in_month)
);

-- What was invoiced for a month (corrections).
CREATE INDEX billing_invoice_lines_month_idx ON billing_invoice_lines (municipality, month);

CREATE TABLE billing_payments (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    reference    text NOT NULL,
    kid          text NOT NULL,
    invoice_id   uuid,
    amount_ore   bigint NOT NULL,
    paid         date NOT NULL,
    CONSTRAINT billing_payments_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT billing_payments_reference_key UNIQUE (municipality, reference),
    CONSTRAINT billing_payments_invoice_fkey FOREIGN KEY (municipality, invoice_id)
        REFERENCES billing_invoices (municipality, id)
);

CREATE INDEX billing_payments_invoice_idx ON billing_payments (municipality, invoice_id) WHERE invoice_id IS NOT NULL;

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

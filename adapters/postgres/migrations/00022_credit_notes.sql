-- Credit notes: all or part of an issued invoice taken back, with their
-- own number series per municipality. The body is jsonb written and read
-- by the adapter (billing.CreditNote); the columns are what is looked up
-- and kept unique. No foreign key to the invoice: the invoice's retention
-- decides when it goes, and its credit notes go with it by the same rule.

-- +goose Up
CREATE TABLE billing_credit_notes (
    municipality text NOT NULL,
    id           uuid NOT NULL,
    number       bigint NOT NULL,
    invoice_id   uuid NOT NULL,
    amount_ore   bigint NOT NULL,
    body         jsonb NOT NULL,
    CONSTRAINT billing_credit_notes_pkey PRIMARY KEY (municipality, id),
    CONSTRAINT billing_credit_notes_number_key UNIQUE (municipality, number),
    CONSTRAINT billing_credit_notes_number_check CHECK (number >= 1),
    CONSTRAINT billing_credit_notes_amount_check CHECK (amount_ore > 0),
    CONSTRAINT billing_credit_notes_municipality_check CHECK (municipality ~ '^(0[1-9]|[1-9][0-9])[0-9]{2}$')
);

CREATE INDEX billing_credit_notes_by_invoice ON billing_credit_notes (municipality, invoice_id, number);

-- +goose Down
DROP TABLE billing_credit_notes;

-- Credit notes: all or part of an issued invoice taken back, with their
-- own number series per municipality. The body is JSON written and read
-- by the adapter (billing.CreditNote); the columns are what is looked up
-- and kept unique. No foreign key to the invoice: the invoice's retention
-- decides when it goes, and its credit notes go with it by the same rule.

-- +goose Up
CREATE TABLE billing_credit_notes (
    municipality TEXT NOT NULL CHECK (municipality GLOB '[0-9][0-9][0-9][0-9]'),
    id           TEXT NOT NULL CHECK (length(id) = 36),
    number       INTEGER NOT NULL CHECK (number >= 1),
    invoice_id   TEXT NOT NULL CHECK (length(invoice_id) = 36),
    amount_ore   INTEGER NOT NULL CHECK (amount_ore > 0),
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (municipality, id),
    UNIQUE (municipality, number)
) STRICT, WITHOUT ROWID;

CREATE INDEX billing_credit_notes_by_invoice ON billing_credit_notes (municipality, invoice_id, number);

-- +goose Down
DROP TABLE billing_credit_notes;

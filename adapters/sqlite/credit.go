package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// InvoiceByID implements billing.CreditStore.
func (s *Store) InvoiceByID(ctx context.Context, m domain.Municipality, id billing.InvoiceID) (billing.Invoice, error) {
	var inv billing.Invoice
	err := s.read(ctx, func(ctx context.Context) error {
		var err error
		if inv, err = queryOne(ctx, s, "invoice", `SELECT `+invoiceCols+` FROM billing_invoices WHERE municipality = ? AND id = ?`,
			scanInvoice(m), m, id); err != nil {
			return err
		}
		lines, err := queryAll(ctx, s, selectLinesOfInvoice, scanLine, m, inv.ID)
		if err != nil {
			return err
		}
		invs := []billing.Invoice{inv}
		attach(invs, lines)
		inv = invs[0]
		return nil
	})
	return inv, err
}

// CreateCreditNote implements billing.CreditStore.
func (s *Store) CreateCreditNote(ctx context.Context, c billing.CreditNote) error {
	if err := c.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("sqlite: credit note: %w", err)
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		taken, err := s.exists(ctx, `SELECT 1 FROM billing_credit_notes WHERE municipality = ? AND number = ?`, c.Municipality, c.Number)
		if err != nil {
			return err
		}
		if taken {
			return domain.Conflict("number", "is-already-registered")
		}
		_, err = s.exec(ctx, `INSERT INTO billing_credit_notes (municipality, id, number, invoice_id, amount_ore, body)
			VALUES (?, ?, ?, ?, ?, ?)`, c.Municipality, c.ID, c.Number, c.Invoice, ore(c.Amount), string(body))
		return writeErr(err, "credit note")
	})
}

// CreditNotes implements billing.CreditStore.
func (s *Store) CreditNotes(ctx context.Context, m domain.Municipality, invoice billing.InvoiceID) ([]billing.CreditNote, error) {
	if invoice.IsZero() {
		return queryAll(ctx, s, `SELECT body FROM billing_credit_notes WHERE municipality = ? ORDER BY number`,
			scanJSON[billing.CreditNote], m)
	}
	return queryAll(ctx, s, `SELECT body FROM billing_credit_notes WHERE municipality = ? AND invoice_id = ? ORDER BY number`,
		scanJSON[billing.CreditNote], m, invoice)
}

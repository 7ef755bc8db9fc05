package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// InvoiceByID implements billing.CreditStore.
func (s *Store) InvoiceByID(ctx context.Context, m domain.Municipality, id billing.InvoiceID) (billing.Invoice, error) {
	q := s.q(ctx)
	inv, err := one(ctx, q, "invoice", m, id.String(), scanInvoice,
		`SELECT `+invoiceColumns+` FROM billing_invoices WHERE municipality = $1 AND id = $2`, string(m), uid(id))
	if err != nil {
		return inv, err
	}
	lines, err := list(ctx, q, "invoice lines", m, scanLine, `SELECT `+lineColumns+` FROM billing_invoice_lines l
		WHERE l.municipality = $1 AND l.invoice_id = $2 ORDER BY l.seq`, string(m), uid(inv.ID))
	if err != nil {
		return inv, err
	}
	invs := []billing.Invoice{inv}
	attach(invs, lines)
	return invs[0], nil
}

// CreateCreditNote implements billing.CreditStore.
func (s *Store) CreateCreditNote(ctx context.Context, c billing.CreditNote) error {
	if err := c.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("postgres: credit note: %w", err)
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM billing_credit_notes WHERE municipality = $1 AND number = $2)`,
			string(c.Municipality), c.Number).Scan(&taken); err != nil {
			return dbError("read credit notes", err)
		}
		if taken {
			return domain.Conflict("number", "is-already-registered")
		}
		_, err := tx.Exec(ctx, `INSERT INTO billing_credit_notes (municipality, id, number, invoice_id, amount_ore, body)
			VALUES ($1, $2, $3, $4, $5, $6)`, string(c.Municipality), uid(c.ID), c.Number, uid(c.Invoice), ore(c.Amount), string(body))
		if err != nil {
			return dbError("create credit note", err)
		}
		return nil
	})
}

// CreditNotes implements billing.CreditStore.
func (s *Store) CreditNotes(ctx context.Context, m domain.Municipality, invoice billing.InvoiceID) ([]billing.CreditNote, error) {
	sql := `SELECT body::text FROM billing_credit_notes WHERE municipality = $1 ORDER BY number`
	args := []any{string(m)}
	if !invoice.IsZero() {
		sql = `SELECT body::text FROM billing_credit_notes WHERE municipality = $1 AND invoice_id = $2 ORDER BY number`
		args = append(args, uid(invoice))
	}
	return list(ctx, s.q(ctx), "credit notes", m, func(row scanner, _ domain.Municipality) (billing.CreditNote, error) {
		var body []byte
		var c billing.CreditNote
		if err := row.Scan(&body); err != nil {
			return c, err
		}
		return c, json.Unmarshal(body, &c)
	}, sql, args...)
}

package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// CancelInvoiceRun implements billing.Store.
func (s *Store) CancelInvoiceRun(ctx context.Context, c billing.RunCancellation) error {
	if err := c.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("sqlite: run cancellation: %w", err)
	}
	m, month := c.Municipality, c.Month.String()
	return s.Atomic(ctx, func(ctx context.Context) error {
		if ok, err := s.exists(ctx, runExists, m, month); err != nil || !ok {
			if err != nil {
				return err
			}
			return fmt.Errorf("sqlite: invoice run %s: %w", month, domain.ErrNotFound)
		}
		if ok, err := s.exists(ctx, `SELECT 1 FROM billing_run_exports WHERE municipality = ? AND month = ?`, m, month); err != nil || ok {
			if err != nil {
				return err
			}
			return domain.Conflict("month", billing.ReasonRunExported)
		}
		if ok, err := s.exists(ctx, `SELECT 1 FROM billing_payments p JOIN billing_invoices i
			ON i.municipality = p.municipality AND i.id = p.invoice_id
			WHERE p.municipality = ? AND i.month = ? LIMIT 1`, m, month); err != nil || ok {
			if err != nil {
				return err
			}
			return domain.Conflict("month", billing.ReasonRunPaid)
		}
		if ok, err := s.exists(ctx, `SELECT 1 FROM billing_credit_notes c JOIN billing_invoices i
			ON i.municipality = c.municipality AND i.id = c.invoice_id
			WHERE c.municipality = ? AND i.month = ? LIMIT 1`, m, month); err != nil || ok {
			if err != nil {
				return err
			}
			return domain.Conflict("month", billing.ReasonRunCredited)
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM billing_invoice_lines WHERE municipality = ? AND invoice_id IN
				(SELECT id FROM billing_invoices WHERE municipality = ? AND month = ?)`, []any{m, m, month}},
			{`DELETE FROM billing_invoices WHERE municipality = ? AND month = ?`, []any{m, month}},
			{`DELETE FROM billing_fee_decisions WHERE municipality = ? AND json_extract(body, '$.run') = ?`, []any{m, month}},
			{`DELETE FROM billing_runs WHERE municipality = ? AND month = ?`, []any{m, month}},
		} {
			if _, err := s.exec(ctx, q.sql, q.args...); err != nil {
				return writeErr(err, "invoice run cancellation")
			}
		}
		_, err := s.exec(ctx, `INSERT INTO billing_run_cancellations (municipality, id, month, body) VALUES (?, ?, ?, ?)`,
			m, c.ID, month, string(body))
		return writeErr(err, "run cancellation")
	})
}

// RunCancellations implements billing.Store.
func (s *Store) RunCancellations(ctx context.Context, m domain.Municipality) ([]billing.RunCancellation, error) {
	cs, err := queryAll(ctx, s, `SELECT body FROM billing_run_cancellations WHERE municipality = ?`,
		scanJSON[billing.RunCancellation], m)
	slices.SortFunc(cs, func(a, b billing.RunCancellation) int {
		if c := b.Cancelled.Compare(a.Cancelled); c != 0 {
			return c
		}
		return a.ID.Compare(b.ID)
	})
	return cs, err
}

// MarkRunExported implements billing.Store.
func (s *Store) MarkRunExported(ctx context.Context, e billing.RunExport) error {
	if err := e.Municipality.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("sqlite: run export: %w", err)
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if ok, err := s.exists(ctx, runExists, e.Municipality, e.Month.String()); err != nil || !ok {
			if err != nil {
				return err
			}
			return fmt.Errorf("sqlite: invoice run %s: %w", e.Month, domain.ErrNotFound)
		}
		_, err := s.exec(ctx, `INSERT INTO billing_run_exports (municipality, month, body) VALUES (?, ?, ?)
			ON CONFLICT (municipality, month) DO NOTHING`, e.Municipality, e.Month.String(), string(body))
		return writeErr(err, "run export")
	})
}

// RunExports implements billing.Store.
func (s *Store) RunExports(ctx context.Context, m domain.Municipality) ([]billing.RunExport, error) {
	es, err := queryAll(ctx, s, `SELECT body FROM billing_run_exports WHERE municipality = ?`,
		scanJSON[billing.RunExport], m)
	slices.SortFunc(es, func(a, b billing.RunExport) int { return strings.Compare(a.Month.String(), b.Month.String()) })
	return es, err
}

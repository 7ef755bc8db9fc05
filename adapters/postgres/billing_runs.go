package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

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
		return fmt.Errorf("postgres: run cancellation: %w", err)
	}
	m, month := string(c.Municipality), c.Month.String()
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		// Lock the run: a concurrent export or run waits for us.
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM billing_runs WHERE municipality = $1 AND month = $2 FOR UPDATE`, m, month).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("invoice run", c.Municipality, month)
		}
		if err != nil {
			return dbError("read invoice run", err)
		}
		if ok, err := has(ctx, tx, `SELECT 1 FROM billing_run_exports WHERE municipality = $1 AND month = $2`, m, month); err != nil || ok {
			if err != nil {
				return err
			}
			return domain.Conflict("month", billing.ReasonRunExported)
		}
		if ok, err := has(ctx, tx, `SELECT 1 FROM billing_payments p JOIN billing_invoices i
			ON i.municipality = p.municipality AND i.id = p.invoice_id
			WHERE p.municipality = $1 AND i.month = $2`, m, month); err != nil || ok {
			if err != nil {
				return err
			}
			return domain.Conflict("month", billing.ReasonRunPaid)
		}
		if ok, err := has(ctx, tx, `SELECT 1 FROM billing_credit_notes c JOIN billing_invoices i
			ON i.municipality = c.municipality AND i.id = c.invoice_id
			WHERE c.municipality = $1 AND i.month = $2`, m, month); err != nil || ok {
			if err != nil {
				return err
			}
			return domain.Conflict("month", billing.ReasonRunCredited)
		}
		for _, q := range []string{
			`DELETE FROM billing_invoice_lines WHERE municipality = $1 AND invoice_id IN
				(SELECT id FROM billing_invoices WHERE municipality = $1 AND month = $2)`,
			`DELETE FROM billing_invoices WHERE municipality = $1 AND month = $2`,
			`DELETE FROM billing_fee_decisions WHERE municipality = $1 AND body->>'run' = $2`,
			`DELETE FROM billing_runs WHERE municipality = $1 AND month = $2`,
		} {
			if _, err := tx.Exec(ctx, q, m, month); err != nil {
				return dbError("cancel invoice run", err)
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO billing_run_cancellations (municipality, id, month, cancelled, body)
			VALUES ($1, $2, $3, $4, $5)`, m, uid(c.ID), month, c.Cancelled, string(body)); err != nil {
			return dbError("write run cancellation", err)
		}
		return nil
	})
}

// RunCancellations implements billing.Store.
func (s *Store) RunCancellations(ctx context.Context, m domain.Municipality) ([]billing.RunCancellation, error) {
	return list(ctx, s.q(ctx), "run cancellations", m, scanBody[billing.RunCancellation],
		`SELECT body FROM billing_run_cancellations WHERE municipality = $1 ORDER BY cancelled DESC, id`, string(m))
}

// MarkRunExported implements billing.Store.
func (s *Store) MarkRunExported(ctx context.Context, e billing.RunExport) error {
	if err := e.Municipality.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("postgres: run export: %w", err)
	}
	m, month := string(e.Municipality), e.Month.String()
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		ok, err := has(ctx, tx, `SELECT 1 FROM billing_runs WHERE municipality = $1 AND month = $2`, m, month)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("invoice run", e.Municipality, month)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO billing_run_exports (municipality, month, body) VALUES ($1, $2, $3)
			ON CONFLICT (municipality, month) DO NOTHING`, m, month, string(body)); err != nil {
			return dbError("write run export", err)
		}
		return nil
	})
}

// RunExports implements billing.Store.
func (s *Store) RunExports(ctx context.Context, m domain.Municipality) ([]billing.RunExport, error) {
	return list(ctx, s.q(ctx), "run exports", m, scanBody[billing.RunExport],
		`SELECT body FROM billing_run_exports WHERE municipality = $1 ORDER BY month`, string(m))
}

// runPlacementsWhere picks the kindergarten and SFO placements ($1
// municipality) sharing a day with [$2, $3] ($3 NULL: open).
const runPlacementsWhere = `municipality = $1
	AND unit_id IN (SELECT id FROM units WHERE municipality = $1 AND kind IN ('kindergarten', 'sfo'))
	AND start_date <= COALESCE($3, 'infinity'::date) AND COALESCE(end_date, 'infinity'::date) >= $2`

// RunData implements billing.RunReader: the seven reads of a run in one
// batch, one round trip.
func (s *Store) RunData(ctx context.Context, m domain.Municipality, within domain.Period) (billing.RunData, error) {
	var (
		d       billing.RunData
		members []billing.Member
		b       pgx.Batch
	)
	if err := within.Validate(); err != nil {
		return d, err
	}
	mun, start, end := string(m), pgDay(within.Start), pgEnd(within.End)
	queueList(&b, &d.Children, m, func(row scanner, m domain.Municipality) (domain.Child, error) {
		c := domain.Child{Municipality: m}
		return c, row.Scan(scanID(&c.ID), dateScan{&c.BirthDate})
	}, `SELECT id, birth_date FROM children WHERE municipality = $1
		AND id IN (SELECT child_id FROM placements WHERE `+runPlacementsWhere+`)`, mun, start, end)
	queueList(&b, &d.Placements, m, scanPlacement,
		`SELECT `+placementColumns+` FROM placements WHERE `+runPlacementsWhere, mun, start, end)
	queueList(&b, &d.Families, m, func(row scanner, m domain.Municipality) (billing.Family, error) {
		f := billing.Family{Municipality: m}
		return f, row.Scan(scanID(&f.ID), scanID(&f.Payer))
	}, `SELECT id, payer_id FROM billing_families WHERE municipality = $1 ORDER BY id`, mun)
	queueList(&b, &members, m, scanMember,
		`SELECT `+memberColumns+` FROM billing_members WHERE municipality = $1 ORDER BY id`, mun)
	queueList(&b, &d.IncomeDecisions, m, scanIncome, incomesSQL, mun)
	queueList(&b, &d.PriceLists, m, scanBody[billing.PriceList],
		`SELECT body FROM billing_price_lists WHERE municipality = $1 ORDER BY kind, start_date, id`, mun)
	queueList(&b, &d.Decisions, m, scanBody[billing.FeeDecision],
		`SELECT body FROM billing_fee_decisions WHERE municipality = $1`, mun)
	if err := s.q(ctx).SendBatch(ctx, &b).Close(); err != nil {
		return billing.RunData{}, dbError("read invoice run data", err)
	}
	byID := make(map[billing.FamilyID]int, len(d.Families))
	for i, f := range d.Families {
		byID[f.ID] = i
	}
	for _, mb := range members {
		if i, ok := byID[mb.Family]; ok {
			d.Families[i].Members = append(d.Families[i].Members, mb)
		}
	}
	billing.SortFamilies(d.Families)
	return d, nil
}

var _ billing.RunReader = (*Store)(nil)

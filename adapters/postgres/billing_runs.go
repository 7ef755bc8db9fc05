package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/rickb777/date/v2"

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
		d billing.RunData
		b pgx.Batch
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
	// Each member is filed with its family as it is read (the families'
	// result comes first in the batch): a municipality's members are never
	// all in one slice besides.
	b.Queue(`SELECT `+memberColumns+` FROM billing_members WHERE municipality = $1 ORDER BY id`, mun).Query(func(rows pgx.Rows) error {
		byID := make(map[billing.FamilyID]int, len(d.Families))
		for i, f := range d.Families {
			byID[f.ID] = i
		}
		for rows.Next() {
			mb, err := scanMember(rows, m)
			if err != nil {
				return err
			}
			if i, ok := byID[mb.Family]; ok {
				d.Families[i].Members = append(d.Families[i].Members, mb)
			}
		}
		return rows.Err()
	})
	queueList(&b, &d.IncomeDecisions, m, scanIncome, incomesSQL, mun)
	queueList(&b, &d.PriceLists, m, scanBody[billing.PriceList],
		`SELECT body FROM billing_price_lists WHERE municipality = $1 ORDER BY kind, start_date, id`, mun)
	queueList(&b, &d.Decisions, m, scanBody[billing.FeeDecision],
		`SELECT body FROM billing_fee_decisions WHERE municipality = $1`, mun)
	if err := s.q(ctx).SendBatch(ctx, &b).Close(); err != nil {
		return billing.RunData{}, dbError("read invoice run data", err)
	}
	billing.SortFamilies(d.Families)
	return d, nil
}

var _ billing.RunReader = (*Store)(nil)

// The parts of FeeFamilies' statements: $1 municipality, $2 and $3 the
// first and last day, $4 the kind; the picked families, their child
// members in the period (kids) and every family of those (fams).
const (
	feeMemberInWithin = `m.child_id IS NOT NULL AND m.start_date <= $3 AND COALESCE(m.end_date, 'infinity'::date) >= $2`
	feeBilledUnit     = `unit_id IN (SELECT id FROM units WHERE municipality = $1 AND kind IN ('kindergarten', 'sfo'))`
	feePlacedIn       = `EXISTS (SELECT 1 FROM placements p WHERE p.municipality = m.municipality AND p.child_id = m.child_id
		AND p.kind = $4 AND p.start_date <= $3 AND COALESCE(p.end_date, 'infinity'::date) >= $2 AND p.` + feeBilledUnit + `)`
	feeFamiliesPlaced = `SELECT DISTINCT m.family_id AS id FROM placements p
		JOIN billing_members m ON m.municipality = p.municipality AND m.child_id = p.child_id
		WHERE p.municipality = $1 AND p.kind = $4 AND p.start_date <= $3 AND COALESCE(p.end_date, 'infinity'::date) >= $2
		AND p.` + feeBilledUnit + ` AND ` + feeMemberInWithin
	feeFamiliesWithIncome = `SELECT DISTINCT d.family_id AS id FROM billing_income_decisions d
		JOIN billing_members m ON m.municipality = d.municipality AND m.family_id = d.family_id
		WHERE d.municipality = $1 AND d.start_date <= $5 AND COALESCE(d.end_date, 'infinity'::date) >= $5
		AND ` + feeMemberInWithin + ` AND ` + feePlacedIn
	feeKidsAndFams = `,
		kids AS (SELECT m.child_id AS id FROM billing_members m
			WHERE m.municipality = $1 AND m.family_id IN (SELECT id FROM picked) AND ` + feeMemberInWithin + `),
		fams AS (SELECT id FROM picked UNION SELECT family_id FROM billing_members
			WHERE municipality = $1 AND child_id IN (SELECT id FROM kids)) `
)

// FeeFamilies implements billing.BlockedReader: five reads in one batch,
// one round trip, each picking the families in its WITH clause.
func (s *Store) FeeFamilies(ctx context.Context, m domain.Municipality, q billing.FeeFamilyQuery) (billing.RunData, error) {
	var (
		d       billing.RunData
		members []billing.Member
		b       pgx.Batch
	)
	if err := q.Validate(); err != nil {
		return d, err
	}
	args := []any{string(m), pgDay(q.Within.Start), pgDay(q.Within.End), string(q.Kind)}
	pick := feeFamiliesPlaced
	if q.IncomeOn != date.Zero {
		pick = feeFamiliesWithIncome
		args = append(args, pgDay(q.IncomeOn))
	}
	if q.Born != (domain.Period{}) {
		n := len(args)
		pick += fmt.Sprintf(` AND EXISTS (SELECT 1 FROM children c WHERE c.municipality = m.municipality AND c.id = m.child_id
		AND c.birth_date BETWEEN $%d AND $%d)`, n+1, n+2)
		args = append(args, pgDay(q.Born.Start), pgDay(q.Born.End))
	}
	with := `WITH picked AS (` + pick + `)` + feeKidsAndFams
	queueList(&b, &d.Families, m, func(row scanner, m domain.Municipality) (billing.Family, error) {
		f := billing.Family{Municipality: m}
		return f, row.Scan(scanID(&f.ID), scanID(&f.Payer))
	}, with+`SELECT id, payer_id FROM billing_families WHERE municipality = $1 AND id IN (SELECT id FROM fams)`, args...)
	queueList(&b, &members, m, scanMember, with+`SELECT `+memberColumns+` FROM billing_members
		WHERE municipality = $1 AND family_id IN (SELECT id FROM fams)`, args...)
	queueList(&b, &d.Children, m, func(row scanner, m domain.Municipality) (domain.Child, error) {
		c := domain.Child{Municipality: m}
		return c, row.Scan(scanID(&c.ID), dateScan{&c.BirthDate})
	}, with+`SELECT id, birth_date FROM children WHERE municipality = $1 AND id IN (SELECT id FROM kids)`, args...)
	queueList(&b, &d.Placements, m, scanPlacement, with+`SELECT `+placementColumns+` FROM placements
		WHERE municipality = $1 AND child_id IN (SELECT id FROM kids) AND kind IN ('kindergarten', 'sfo') AND `+feeBilledUnit+`
		AND start_date <= $3 AND COALESCE(end_date, 'infinity'::date) >= $2`, args...)
	queueList(&b, &d.IncomeDecisions, m, scanIncome, with+`SELECT id, family_id, annual_income::text, applied, start_date, end_date, documentation
		FROM billing_income_decisions WHERE municipality = $1 AND family_id IN (SELECT id FROM fams)`, args...)
	if err := s.q(ctx).SendBatch(ctx, &b).Close(); err != nil {
		return billing.RunData{}, dbError("read fee families", err)
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

var _ billing.BlockedReader = (*Store)(nil)

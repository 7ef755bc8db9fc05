package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

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

// runPlacementsWhere picks the kindergarten and SFO placements (municipality
// twice, then the last and the first day) sharing a day with a period.
const runPlacementsWhere = `municipality = ?
	AND unit_id IN (SELECT id FROM units WHERE municipality = ? AND kind IN ('kindergarten', 'sfo'))
	AND start_date <= ? AND coalesce(end_date, '` + openEnd + `') >= ?`

var (
	selectRunPlacements = `SELECT ` + placementCols + ` FROM placements WHERE ` + runPlacementsWhere
	selectRunChildren   = `SELECT id, birth_date FROM children WHERE municipality = ?
		AND id IN (SELECT child_id FROM placements WHERE ` + runPlacementsWhere + `)`
)

// RunData implements billing.RunReader: the reads of a run in one read
// transaction, the placements of every kindergarten and SFO in one
// statement and only the ID and birth date of their children.
func (s *Store) RunData(ctx context.Context, m domain.Municipality, within domain.Period) (billing.RunData, error) {
	var d billing.RunData
	if err := within.Validate(); err != nil {
		return d, err
	}
	last := openEnd
	if !within.Open() {
		last = within.End.String()
	}
	first := within.Start.String()
	err := s.read(ctx, func(ctx context.Context) error {
		var err error
		if d.Children, err = queryAll(ctx, s, selectRunChildren, func(r scanner) (domain.Child, error) {
			c := domain.Child{Municipality: m}
			var birth string
			if err := r.Scan(&c.ID, &birth); err != nil {
				return c, err
			}
			c.BirthDate, err = parseDate(birth)
			return c, err
		}, m, m, m, last, first); err != nil {
			return err
		}
		if d.Placements, err = queryAll(ctx, s, selectRunPlacements, scanPlacement, m, m, last, first); err != nil {
			return err
		}
		if d.Families, err = s.Families(ctx, m); err != nil {
			return err
		}
		if d.IncomeDecisions, err = s.IncomeDecisions(ctx, m); err != nil {
			return err
		}
		if d.PriceLists, err = s.PriceLists(ctx, m); err != nil {
			return err
		}
		d.Decisions, err = queryAll(ctx, s, selectFeeDecisions, scanJSON[billing.FeeDecision], m)
		return err
	})
	if err != nil {
		return billing.RunData{}, err
	}
	return d, nil
}

var _ billing.RunReader = (*Store)(nil)

// The reads of FeeFamilies. The families are picked by one statement: the
// income-decision variant walks the municipality's decisions (CROSS JOIN
// keeps them the outer loop: the members are then read by family, never
// all of them), the other the placements of the kind sharing a day with
// the period. The rest read by the picked families' IDs (a JSON array,
// json_each) and the keys of the records. Like RunData's, these walk a
// municipality's rows by design (its decisions, its units) and are not
// in TestQueriesUseIndexes' list.
const (
	feeMemberInWithin = `m.child_id IS NOT NULL AND m.start_date <= ? AND coalesce(m.end_date, '` + openEnd + `') >= ?`
	feePlacedIn       = `EXISTS (SELECT 1 FROM placements p INDEXED BY placements_by_child
		WHERE p.municipality = m.municipality AND p.child_id = m.child_id AND p.kind = ?
		AND p.start_date <= ? AND coalesce(p.end_date, '` + openEnd + `') >= ?
		AND p.unit_id IN (SELECT id FROM units WHERE municipality = m.municipality AND kind IN ('kindergarten', 'sfo')))`
	feeBornIn = `EXISTS (SELECT 1 FROM children c WHERE c.municipality = m.municipality AND c.id = m.child_id
		AND c.birth_date BETWEEN ? AND ?)`
	selectFeeFamiliesWithIncome = `SELECT DISTINCT d.family_id FROM billing_income_decisions d
		CROSS JOIN billing_members m INDEXED BY billing_members_by_family ON m.municipality = d.municipality AND m.family_id = d.family_id
		WHERE d.municipality = ? AND d.start_date <= ? AND coalesce(d.end_date, '` + openEnd + `') >= ?
		AND ` + feeMemberInWithin + ` AND ` + feePlacedIn
	selectFeeFamiliesPlaced = `SELECT DISTINCT m.family_id FROM placements p INDEXED BY placements_by_kind
		JOIN billing_members m INDEXED BY billing_members_by_child ON m.municipality = p.municipality AND m.child_id = p.child_id
		WHERE p.municipality = ? AND p.kind = ? AND p.start_date <= ? AND coalesce(p.end_date, '` + openEnd + `') >= ?
		AND p.unit_id IN (SELECT id FROM units WHERE municipality = p.municipality AND kind IN ('kindergarten', 'sfo'))
		AND ` + feeMemberInWithin

	// feeFamiliesWith: picked (the IDs), kids (their child members in
	// the period), fams (picked and the other families of the kids).
	// Arguments: picked, municipality, last, first, municipality.
	feeFamiliesWith = `WITH picked(id) AS (SELECT value FROM json_each(?)),
		kids(id) AS (SELECT m.child_id FROM billing_members m INDEXED BY billing_members_by_family
			WHERE m.municipality = ? AND m.family_id IN picked AND ` + feeMemberInWithin + `),
		fams(id) AS (SELECT id FROM picked UNION SELECT family_id FROM billing_members INDEXED BY billing_members_by_child
			WHERE municipality = ? AND child_id IN kids) `
	selectFeeFamilyRows = feeFamiliesWith + `SELECT id, payer_id FROM billing_families WHERE municipality = ? AND id IN fams`
	selectFeeMembers    = feeFamiliesWith + `SELECT ` + memberCols + ` FROM billing_members INDEXED BY billing_members_by_family
		WHERE municipality = ? AND family_id IN fams`
	selectFeeChildren   = feeFamiliesWith + `SELECT id, birth_date FROM children WHERE municipality = ? AND id IN kids`
	selectFeePlacements = feeFamiliesWith + `SELECT ` + placementCols + ` FROM placements INDEXED BY placements_by_child
		WHERE municipality = ? AND child_id IN kids AND kind IN ('kindergarten', 'sfo')
		AND unit_id IN (SELECT id FROM units WHERE municipality = ? AND kind IN ('kindergarten', 'sfo'))
		AND start_date <= ? AND coalesce(end_date, '` + openEnd + `') >= ?`
	selectFeeIncomes = feeFamiliesWith + `SELECT ` + incomeCols + ` FROM billing_income_decisions INDEXED BY billing_income_by_family
		WHERE municipality = ? AND family_id IN fams`
)

// FeeFamilies implements billing.BlockedReader: the families picked in
// one statement, then their records by ID in one statement each (six in
// all, however many children the municipality has).
func (s *Store) FeeFamilies(ctx context.Context, m domain.Municipality, q billing.FeeFamilyQuery) (billing.RunData, error) {
	var d billing.RunData
	if err := q.Validate(); err != nil {
		return d, err
	}
	first, last := q.Within.Start.String(), q.Within.End.String()
	pick := selectFeeFamiliesPlaced
	args := []any{m, q.Kind, last, first, last, first}
	if q.IncomeOn != date.Zero {
		on := q.IncomeOn.String()
		pick = selectFeeFamiliesWithIncome
		args = []any{m, on, on, last, first, q.Kind, last, first}
	}
	if q.Born != (domain.Period{}) {
		pick += ` AND ` + feeBornIn
		args = append(args, q.Born.Start.String(), q.Born.End.String())
	}
	err := s.read(ctx, func(ctx context.Context) error {
		picked, err := queryAll(ctx, s, pick, func(r scanner) (billing.FamilyID, error) {
			var id billing.FamilyID
			return id, r.Scan(&id)
		}, args...)
		if err != nil || len(picked) == 0 {
			return err
		}
		arg, err := idArray(picked)
		if err != nil {
			return err
		}
		with := []any{arg, m, last, first, m, m}
		if d.Families, err = queryAll(ctx, s, selectFeeFamilyRows, func(r scanner) (billing.Family, error) {
			f := billing.Family{Municipality: m}
			return f, r.Scan(&f.ID, &f.Payer)
		}, with...); err != nil {
			return err
		}
		members, err := queryAll(ctx, s, selectFeeMembers, scanMember(m), with...)
		if err != nil {
			return err
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
		if d.Children, err = queryAll(ctx, s, selectFeeChildren, func(r scanner) (domain.Child, error) {
			c := domain.Child{Municipality: m}
			var birth string
			if err := r.Scan(&c.ID, &birth); err != nil {
				return c, err
			}
			c.BirthDate, err = parseDate(birth)
			return c, err
		}, with...); err != nil {
			return err
		}
		if d.Placements, err = queryAll(ctx, s, selectFeePlacements, scanPlacement, append(with, m, last, first)...); err != nil {
			return err
		}
		d.IncomeDecisions, err = queryAll(ctx, s, selectFeeIncomes, scanIncome(m), with...)
		return err
	})
	if err != nil {
		return billing.RunData{}, err
	}
	billing.SortFamilies(d.Families)
	return d, nil
}

var _ billing.BlockedReader = (*Store)(nil)

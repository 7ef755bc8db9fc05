package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

var _ billing.Store = (*Store)(nil)

// The billing port. Writes check their input and the stored data first
// (so a refused write leaves a running transaction usable); the database
// enforces the same with keys, foreign keys and exclusion constraints. An
// invoice run's invoices, lines and fee decisions are written with COPY
// inside the transaction, not a round trip per row.

func ore(d decimal.Decimal) int64 { return d.Shift(2).Round(0).IntPart() }

func fromOre(i int64) decimal.Decimal { return decimal.New(i, -2) }

// has reports whether the query (a SELECT) finds a row.
func has(ctx context.Context, q querier, sql string, args ...any) (bool, error) {
	var ok bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (`+sql+`)`, args...).Scan(&ok); err != nil {
		return false, dbError("check", err)
	}
	return ok, nil
}

func refused(ok bool, err error, field, reason string) error {
	if err != nil {
		return err
	}
	if !ok {
		return domain.Invalid(field, reason)
	}
	return nil
}

func taken(ok bool, err error, what string) error {
	if err != nil {
		return err
	}
	if ok {
		return &domain.ConflictError{Field: "id", Reason: "id-exists", Params: map[string]string{"what": fmt.Sprint(what)}}
	}
	return nil
}

func (s *Store) checkMember(ctx context.Context, q querier, field string, mb billing.Member) error {
	m := string(mb.Municipality)
	ok, err := has(ctx, q, `SELECT 1 FROM billing_families WHERE municipality = $1 AND id = $2`, m, uid(mb.Family))
	if err := refused(ok, err, field+"family", "no-such-family"); err != nil {
		return err
	}
	col, id := "child_id", uid(mb.Child)
	if !mb.Guardian.IsZero() {
		col, id = "guardian_id", uid(mb.Guardian)
		ok, err = has(ctx, q, `SELECT 1 FROM guardians WHERE municipality = $1 AND id = $2`, m, id)
		if err := refused(ok, err, field+"guardian", "no-such-guardian"); err != nil {
			return err
		}
	} else {
		ok, err = has(ctx, q, `SELECT 1 FROM children WHERE municipality = $1 AND id = $2`, m, id)
		if err := refused(ok, err, field+"child", "no-such-child"); err != nil {
			return err
		}
	}
	ok, err = has(ctx, q, `SELECT 1 FROM billing_members WHERE municipality = $1 AND `+col+` = $2 AND id <> $3
		AND daterange(start_date, end_date, '[]') && daterange($4, $5, '[]')`,
		m, id, uid(mb.ID), pgDay(mb.Period.Start), pgEnd(mb.Period.End))
	if err != nil {
		return err
	}
	if ok {
		return &domain.ConflictError{Field: "members", Reason: "the-person-is-in-another-family-on-a-shared-day"}
	}
	return nil
}

const insertMemberSQL = `INSERT INTO billing_members (municipality, id, family_id, guardian_id, child_id, start_date, end_date)
	VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT (municipality, id) DO UPDATE SET start_date = excluded.start_date, end_date = excluded.end_date`

func insertMember(ctx context.Context, tx pgx.Tx, mb billing.Member) error {
	_, err := tx.Exec(ctx, insertMemberSQL, string(mb.Municipality), uid(mb.ID), uid(mb.Family), uid(mb.Guardian),
		uid(mb.Child), pgDay(mb.Period.Start), pgEnd(mb.Period.End))
	if err != nil {
		return dbError("write membership", err)
	}
	return nil
}

// CreateFamily implements billing.Store.
func (s *Store) CreateFamily(ctx context.Context, f billing.Family) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if err := billing.CheckMembers(f.Members); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		m := string(f.Municipality)
		ok, err := has(ctx, tx, `SELECT 1 FROM billing_families WHERE municipality = $1 AND id = $2`, m, uid(f.ID))
		if err := taken(ok, err, "family"); err != nil {
			return err
		}
		ok, err = has(ctx, tx, `SELECT 1 FROM guardians WHERE municipality = $1 AND id = $2`, m, uid(f.Payer))
		if err := refused(ok, err, "payer", "no-such-guardian"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO billing_families (municipality, id, payer_id) VALUES ($1, $2, $3)`,
			m, uid(f.ID), uid(f.Payer)); err != nil {
			return dbError("write family", err)
		}
		for i, mb := range f.Members {
			ok, err := has(ctx, tx, `SELECT 1 FROM billing_members WHERE municipality = $1 AND id = $2`, m, uid(mb.ID))
			if err := taken(ok, err, "membership"); err != nil {
				return err
			}
			if err := s.checkMember(ctx, tx, fmt.Sprintf("members[%d].", i), mb); err != nil {
				return err
			}
			if err := insertMember(ctx, tx, mb); err != nil {
				return err
			}
		}
		return nil
	})
}

// PutMember implements billing.Store.
func (s *Store) PutMember(ctx context.Context, mb billing.Member) error {
	if err := mb.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		old, err := one(ctx, tx, "membership", mb.Municipality, mb.ID.String(), scanMember,
			`SELECT `+memberColumns+` FROM billing_members WHERE municipality = $1 AND id = $2 FOR UPDATE`,
			string(mb.Municipality), uid(mb.ID))
		if err == nil {
			err = billing.CheckMemberUpdate(old, mb)
		}
		if err != nil && !domain.IsNotFound(err) {
			return err
		}
		if err := s.checkMember(ctx, tx, "", mb); err != nil {
			return err
		}
		return insertMember(ctx, tx, mb)
	})
}

const memberColumns = `id, family_id, guardian_id, child_id, start_date, end_date`

func scanMember(row scanner, m domain.Municipality) (billing.Member, error) {
	mb := billing.Member{Municipality: m}
	err := row.Scan(scanID(&mb.ID), scanID(&mb.Family), scanID(&mb.Guardian), scanID(&mb.Child),
		dateScan{&mb.Period.Start}, dateScan{&mb.Period.End})
	return mb, err
}

// Family implements billing.Store.
func (s *Store) Family(ctx context.Context, m domain.Municipality, id billing.FamilyID) (billing.Family, error) {
	q := s.q(ctx)
	f, err := one(ctx, q, "family", m, id.String(), func(row scanner, m domain.Municipality) (billing.Family, error) {
		f := billing.Family{ID: id, Municipality: m}
		return f, row.Scan(scanID(&f.Payer))
	}, `SELECT payer_id FROM billing_families WHERE municipality = $1 AND id = $2`, string(m), uid(id))
	if err != nil {
		return f, err
	}
	f.Members, err = list(ctx, q, "members", m, scanMember,
		`SELECT `+memberColumns+` FROM billing_members WHERE municipality = $1 AND family_id = $2`, string(m), uid(id))
	billing.SortMembers(f.Members)
	return f, err
}

// Families implements billing.Store.
func (s *Store) Families(ctx context.Context, m domain.Municipality) ([]billing.Family, error) {
	q := s.q(ctx)
	fams, err := list(ctx, q, "families", m, func(row scanner, m domain.Municipality) (billing.Family, error) {
		f := billing.Family{Municipality: m}
		return f, row.Scan(scanID(&f.ID), scanID(&f.Payer))
	}, `SELECT id, payer_id FROM billing_families WHERE municipality = $1 ORDER BY id`, string(m))
	if err != nil {
		return nil, err
	}
	members, err := list(ctx, q, "members", m, scanMember,
		`SELECT `+memberColumns+` FROM billing_members WHERE municipality = $1`, string(m))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(fams, func(a, b billing.Family) int { return a.ID.Compare(b.ID) })
	for _, mb := range members {
		if i, ok := slices.BinarySearchFunc(fams, mb.Family, func(f billing.Family, id billing.FamilyID) int { return f.ID.Compare(id) }); ok {
			fams[i].Members = append(fams[i].Members, mb)
		}
	}
	billing.SortFamilies(fams)
	return fams, nil
}

// CreateIncomeDecision implements billing.Store.
func (s *Store) CreateIncomeDecision(ctx context.Context, d billing.IncomeDecision) error {
	if err := d.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		m := string(d.Municipality)
		ok, err := has(ctx, tx, `SELECT 1 FROM billing_income_decisions WHERE municipality = $1 AND id = $2`, m, uid(d.ID))
		if err := taken(ok, err, "income decision"); err != nil {
			return err
		}
		ok, err = has(ctx, tx, `SELECT 1 FROM billing_families WHERE municipality = $1 AND id = $2`, m, uid(d.Family))
		if err := refused(ok, err, "family", "no-such-family"); err != nil {
			return err
		}
		ok, err = has(ctx, tx, `SELECT 1 FROM billing_income_decisions WHERE municipality = $1 AND family_id = $2
			AND daterange(start_date, end_date, '[]') && daterange($3, $4, '[]')`, m, uid(d.Family),
			pgDay(d.Period.Start), pgDay(d.Period.End))
		if err != nil {
			return err
		}
		if ok {
			return &domain.ConflictError{Field: "period", Reason: "the-family-has-another-income-decision-on-a-shared-day"}
		}
		_, err = tx.Exec(ctx, `INSERT INTO billing_income_decisions (municipality, id, family_id, annual_income, applied,
			start_date, end_date, documentation) VALUES ($1, $2, $3, $4::numeric, $5, $6, $7, $8)`,
			m, uid(d.ID), uid(d.Family), d.AnnualIncome.String(), pgDay(d.Applied), pgDay(d.Period.Start),
			pgDay(d.Period.End), d.Documentation)
		if err != nil {
			return dbError("write income decision", err)
		}
		return nil
	})
}

// IncomeDecisions implements billing.Store.
func (s *Store) IncomeDecisions(ctx context.Context, m domain.Municipality) ([]billing.IncomeDecision, error) {
	return list(ctx, s.q(ctx), "income decisions", m, scanIncome, incomesSQL, string(m))
}

// IncomeDecision implements billing.IncomeDecisionReader: one row by the
// primary key.
func (s *Store) IncomeDecision(ctx context.Context, m domain.Municipality, id billing.IncomeDecisionID) (billing.IncomeDecision, error) {
	return one(ctx, s.q(ctx), "income decision", m, id.String(), scanIncome,
		`SELECT id, family_id, annual_income::text, applied, start_date, end_date, documentation
	FROM billing_income_decisions WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

var _ billing.IncomeDecisionReader = (*Store)(nil)

// IncomeDecisionsOf implements billing.Store: the families' decisions in
// one statement (by the index on municipality and family).
func (s *Store) IncomeDecisionsOf(ctx context.Context, m domain.Municipality, families []billing.FamilyID) ([]billing.IncomeDecision, error) {
	if len(families) == 0 {
		return []billing.IncomeDecision{}, nil
	}
	us := make([]pgtype.UUID, len(families))
	for i, id := range families {
		us[i] = uid(id)
	}
	return list(ctx, s.q(ctx), "income decisions", m, scanIncome,
		`SELECT id, family_id, annual_income::text, applied, start_date, end_date, documentation
	FROM billing_income_decisions WHERE municipality = $1 AND family_id = ANY($2) ORDER BY start_date, id`, string(m), us)
}

const incomesSQL = `SELECT id, family_id, annual_income::text, applied, start_date, end_date, documentation
	FROM billing_income_decisions WHERE municipality = $1 ORDER BY start_date, id`

func scanIncome(row scanner, m domain.Municipality) (billing.IncomeDecision, error) {
	d := billing.IncomeDecision{Municipality: m}
	var income string
	if err := row.Scan(scanID(&d.ID), scanID(&d.Family), &income, dateScan{&d.Applied}, dateScan{&d.Period.Start},
		dateScan{&d.Period.End}, &d.Documentation); err != nil {
		return d, err
	}
	var err error
	d.AnnualIncome, err = decimal.NewFromString(income)
	return d, err
}

// CreatePriceList implements billing.Store.
func (s *Store) CreatePriceList(ctx context.Context, l billing.PriceList) error {
	if err := l.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("postgres: price list: %w", err)
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		m := string(l.Municipality)
		ok, err := has(ctx, tx, `SELECT 1 FROM billing_price_lists WHERE municipality = $1 AND id = $2`, m, uid(l.ID))
		if err := taken(ok, err, "price list"); err != nil {
			return err
		}
		ok, err = has(ctx, tx, `SELECT 1 FROM billing_price_lists WHERE municipality = $1 AND kind = $2
			AND daterange(start_date, end_date, '[]') && daterange($3, $4, '[]')`, m, string(l.Kind),
			pgDay(l.Period.Start), pgEnd(l.Period.End))
		if err != nil {
			return err
		}
		if ok {
			return &domain.ConflictError{Field: "period", Reason: "another-price-list-of-the-same-kind-is-in-force-on-a-shared-day"}
		}
		_, err = tx.Exec(ctx, `INSERT INTO billing_price_lists (municipality, id, kind, start_date, end_date, body)
			VALUES ($1, $2, $3, $4, $5, $6)`, m, uid(l.ID), string(l.Kind), pgDay(l.Period.Start), pgEnd(l.Period.End), body)
		if err != nil {
			return dbError("write price list", err)
		}
		return nil
	})
}

func scanBody[T any](row scanner, _ domain.Municipality) (T, error) {
	var v T
	var body []byte
	if err := row.Scan(&body); err != nil {
		return v, err
	}
	err := json.Unmarshal(body, &v)
	return v, err
}

// PriceLists implements billing.Store.
func (s *Store) PriceLists(ctx context.Context, m domain.Municipality) ([]billing.PriceList, error) {
	return list(ctx, s.q(ctx), "price lists", m, scanBody[billing.PriceList],
		`SELECT body FROM billing_price_lists WHERE municipality = $1 ORDER BY kind, start_date, id`, string(m))
}

// CreateFeeDecisions implements billing.Store.
func (s *Store) CreateFeeDecisions(ctx context.Context, ds []billing.FeeDecision) error {
	if err := billing.ValidateDecisions(ds); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		// Refuse unknown children before COPY, which would abort the
		// transaction.
		ids := make([]pgtype.UUID, len(ds))
		for i, d := range ds {
			ids[i] = uid(d.Child)
		}
		for _, m := range municipalities(ds) {
			var missing int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM unnest($2::uuid[]) AS x(id)
				WHERE NOT EXISTS (SELECT 1 FROM children c WHERE c.municipality = $1 AND c.id = x.id)`,
				string(m), ids).Scan(&missing); err != nil {
				return dbError("check fee decisions", err)
			}
			if missing > 0 {
				return domain.Invalid("child", "no-such-child")
			}
		}
		// Each body is encoded as COPY takes its row: the bodies of a
		// 50,000-child run are never all in memory at once.
		i, row, buf := 0, make([]any, 6), bytes.Buffer{}
		enc := json.NewEncoder(&buf)
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"billing_fee_decisions"},
			[]string{"municipality", "id", "child_id", "kind", "from_month", "body"}, pgx.CopyFromFunc(func() ([]any, error) {
				if i == len(ds) {
					return nil, nil
				}
				d := &ds[i]
				i++
				buf.Reset()
				if err := enc.Encode(d); err != nil {
					return nil, fmt.Errorf("postgres: fee decision: %w", err)
				}
				row[0], row[1], row[2], row[3], row[4] = string(d.Municipality), uid(d.ID), uid(d.Child), string(d.Kind), d.From.String()
				row[5] = string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
				return row, nil
			}))
		if err != nil {
			return dbError("write fee decisions", err)
		}
		return nil
	})
}

func municipalities(ds []billing.FeeDecision) []domain.Municipality {
	var out []domain.Municipality
	for _, d := range ds {
		if !slices.Contains(out, d.Municipality) {
			out = append(out, d.Municipality)
		}
	}
	return out
}

// FeeDecisions implements billing.Store.
func (s *Store) FeeDecisions(ctx context.Context, m domain.Municipality) ([]billing.FeeDecision, error) {
	ds, err := list(ctx, s.q(ctx), "fee decisions", m, scanBody[billing.FeeDecision],
		`SELECT body FROM billing_fee_decisions WHERE municipality = $1`, string(m))
	billing.SortFeeDecisions(ds)
	return ds, err
}

// CreateInvoiceRun implements billing.Store.
func (s *Store) CreateInvoiceRun(ctx context.Context, r billing.Run, invoices []billing.Invoice) error {
	if err := billing.ValidateRun(r, invoices); err != nil {
		return err
	}
	return s.writeRun(ctx, r, invoices, true)
}

// CreateRunInvoices implements billing.RunWriter.
func (s *Store) CreateRunInvoices(ctx context.Context, r billing.Run, invoices []billing.Invoice) error {
	if err := billing.ValidateRun(r, invoices); err != nil {
		return err
	}
	return s.writeRun(ctx, r, invoices, false)
}

// OpenInvoiceRun implements billing.RunWriter.
func (s *Store) OpenInvoiceRun(ctx context.Context, r billing.Run) error {
	r.Invoices, r.LastNumber, r.Total = 0, r.FirstNumber-1, decimal.Zero
	if err := billing.ValidateRun(r, nil); err != nil {
		return err
	}
	return s.writeRun(ctx, r, nil, true)
}

// CloseInvoiceRun implements billing.RunWriter.
func (s *Store) CloseInvoiceRun(ctx context.Context, r billing.Run) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE billing_runs SET invoices = $1, first_number = $2, last_number = $3, total_ore = $4
			WHERE municipality = $5 AND month = $6`, r.Invoices, r.FirstNumber, r.LastNumber, ore(r.Total), string(r.Municipality), r.Month.String())
		if err != nil {
			return dbError("write invoice run", err)
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("postgres: invoice run %s: %w", r.Month, domain.ErrNotFound)
		}
		return nil
	})
}

var _ billing.RunWriter = (*Store)(nil)

// writeRun writes invoices numbered r.FirstNumber..r.LastNumber with
// their lines by COPY, refusing KIDs and numbers taken, and with row the
// run's own row, refusing a month run before.
func (s *Store) writeRun(ctx context.Context, r billing.Run, invoices []billing.Invoice, row bool) error {
	m := string(r.Municipality)
	kids := make([]string, len(invoices))
	for i, inv := range invoices {
		kids[i] = inv.KID
	}
	// The rows are made as COPY takes them (one row buffer reused), not
	// all built first: a 50,000-child run has 100,000 lines.
	invRow, i := make([]any, 10), 0
	invRows := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(invoices) {
			return nil, nil
		}
		inv := &invoices[i]
		i++
		invRow[0], invRow[1], invRow[2], invRow[3], invRow[4] = m, uid(inv.ID), inv.Month.String(), inv.Number, inv.KID
		invRow[5], invRow[6], invRow[7], invRow[8], invRow[9] = uid(inv.Payer), uid(inv.Family), pgDay(inv.Issued), pgDay(inv.Due), ore(inv.Total)
		return invRow, nil
	})
	lineRow, li, lj := make([]any, 15), 0, 0
	lineRows := pgx.CopyFromFunc(func() ([]any, error) {
		for li < len(invoices) && lj == len(invoices[li].Lines) {
			li, lj = li+1, 0
		}
		if li == len(invoices) {
			return nil, nil
		}
		inv := &invoices[li]
		l := &inv.Lines[lj]
		var red pgtype.Text
		if len(l.Reductions) > 0 {
			b, err := json.Marshal(l.Reductions)
			if err != nil {
				return nil, fmt.Errorf("postgres: invoice line: %w", err)
			}
			red = pgtype.Text{String: string(b), Valid: true}
		}
		lineRow[0], lineRow[1], lineRow[2], lineRow[3], lineRow[4] = m, uid(inv.ID), int32(lj), uid(inv.Payer), uid(l.Child)
		lineRow[5], lineRow[6], lineRow[7], lineRow[8], lineRow[9] = string(l.Kind), string(l.Item), l.Month.String(), l.Correction, int32(l.Days)
		lineRow[10], lineRow[11], lineRow[12], lineRow[13], lineRow[14] = int32(l.DaysInMonth), ore(l.Gross), ore(l.Full), ore(l.Amount), red
		lj++
		return lineRow, nil
	})
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if row {
			ok, err := has(ctx, tx, `SELECT 1 FROM billing_runs WHERE municipality = $1 AND month = $2`, m, r.Month.String())
			if err != nil {
				return err
			}
			if ok {
				return &domain.ConflictError{Field: "month", Reason: "the-month-has-an-invoice-run"}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO billing_runs (municipality, month, made, invoices, first_number, last_number, total_ore)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, m, r.Month.String(), pgDay(r.Made), r.Invoices, r.FirstNumber,
				r.LastNumber, ore(r.Total)); err != nil {
				return dbError("write invoice run", err)
			}
		}
		if len(invoices) == 0 {
			return nil
		}
		{
			ok, err := has(ctx, tx, `SELECT 1 FROM billing_invoices WHERE municipality = $1 AND (kid = ANY($2) OR number BETWEEN $3 AND $4)`,
				m, kids, r.FirstNumber, r.LastNumber)
			if err != nil {
				return err
			}
			if ok {
				return &domain.ConflictError{Field: "kid", Reason: "another-invoice-has-one-of-these-kids-or-numbers"}
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"billing_invoices"}, []string{"municipality", "id", "month", "number",
			"kid", "payer_id", "family_id", "issued", "due", "total_ore"}, invRows); err != nil {
			return dbError("write invoices", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"billing_invoice_lines"}, []string{"municipality", "invoice_id", "seq",
			"payer_id", "child_id", "kind", "item", "month", "correction", "days", "days_in_month", "gross_ore", "full_ore",
			"amount_ore", "reductions"}, lineRows); err != nil {
			return dbError("write invoice lines", err)
		}
		return nil
	})
}

// InvoiceRuns implements billing.Store.
func (s *Store) InvoiceRuns(ctx context.Context, m domain.Municipality) ([]billing.Run, error) {
	return list(ctx, s.q(ctx), "runs", m, func(row scanner, m domain.Municipality) (billing.Run, error) {
		r := billing.Run{Municipality: m}
		var month string
		var total int64
		if err := row.Scan(&month, dateScan{&r.Made}, &r.Invoices, &r.FirstNumber, &r.LastNumber, &total); err != nil {
			return r, err
		}
		r.Total = fromOre(total)
		var err error
		r.Month, err = billing.ParseMonth(month)
		return r, err
	}, `SELECT month, made, invoices, first_number, last_number, total_ore FROM billing_runs
		WHERE municipality = $1 ORDER BY month`, string(m))
}

const invoiceColumns = `id, month, number, kid, payer_id, family_id, issued, due, total_ore`

func scanInvoice(row scanner, m domain.Municipality) (billing.Invoice, error) {
	inv := billing.Invoice{Municipality: m}
	var month string
	var total int64
	if err := row.Scan(scanID(&inv.ID), &month, &inv.Number, &inv.KID, scanID(&inv.Payer), scanID(&inv.Family),
		dateScan{&inv.Issued}, dateScan{&inv.Due}, &total); err != nil {
		return inv, err
	}
	inv.Total = fromOre(total)
	var err error
	inv.Month, err = billing.ParseMonth(month)
	return inv, err
}

type storedLine struct {
	invoice billing.InvoiceID
	line    billing.Line
}

func scanLine(row scanner, _ domain.Municipality) (storedLine, error) {
	var sl storedLine
	l := &sl.line
	var month, kind, item string
	var gross, full, amount int64
	var red pgtype.Text
	if err := row.Scan(scanID(&sl.invoice), scanID(&l.Child), &kind, &item, &month, &l.Correction, &l.Days,
		&l.DaysInMonth, &gross, &full, &amount, &red); err != nil {
		return sl, err
	}
	l.Kind, l.Item = domain.UnitKind(kind), billing.Item(item)
	l.Gross, l.Full, l.Amount = fromOre(gross), fromOre(full), fromOre(amount)
	var err error
	if l.Month, err = billing.ParseMonth(month); err != nil {
		return sl, err
	}
	if red.Valid {
		err = json.Unmarshal([]byte(red.String), &l.Reductions)
	}
	return sl, err
}

const lineColumns = `l.invoice_id, l.child_id, l.kind, l.item, l.month, l.correction, l.days, l.days_in_month,
	l.gross_ore, l.full_ore, l.amount_ore, l.reductions`

func attach(invs []billing.Invoice, lines []storedLine) {
	at := make(map[billing.InvoiceID]int, len(invs))
	for i := range invs {
		at[invs[i].ID] = i
	}
	for _, l := range lines {
		if i, ok := at[l.invoice]; ok {
			invs[i].Lines = append(invs[i].Lines, l.line)
		}
	}
}

// Invoices implements billing.Store.
func (s *Store) Invoices(ctx context.Context, m domain.Municipality, month billing.Month) ([]billing.Invoice, error) {
	q := s.q(ctx)
	invs, err := list(ctx, q, "invoices", m, scanInvoice, `SELECT `+invoiceColumns+` FROM billing_invoices
		WHERE municipality = $1 AND month = $2 ORDER BY number`, string(m), month.String())
	if err != nil {
		return nil, err
	}
	lines, err := list(ctx, q, "invoice lines", m, scanLine, `SELECT `+lineColumns+`
		FROM billing_invoices i JOIN billing_invoice_lines l ON l.municipality = i.municipality AND l.invoice_id = i.id
		WHERE i.municipality = $1 AND i.month = $2 ORDER BY l.invoice_id, l.seq`, string(m), month.String())
	if err != nil {
		return nil, err
	}
	attach(invs, lines)
	return invs, nil
}

// InvoiceByKID implements billing.Store.
func (s *Store) InvoiceByKID(ctx context.Context, m domain.Municipality, kid string) (billing.Invoice, error) {
	q := s.q(ctx)
	inv, err := one(ctx, q, "invoice", m, "KID "+kid, scanInvoice,
		`SELECT `+invoiceColumns+` FROM billing_invoices WHERE municipality = $1 AND kid = $2`, string(m), kid)
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

// BilledSince implements billing.Store.
func (s *Store) BilledSince(ctx context.Context, m domain.Municipality, from, to billing.Month) ([]billing.Billed, error) {
	return list(ctx, s.q(ctx), "billed", m, func(row scanner, _ domain.Municipality) (billing.Billed, error) {
		var b billing.Billed
		var kind, item, month string
		var sum int64
		if err := row.Scan(scanID(&b.Payer), scanID(&b.Child), &kind, &item, &month, &sum); err != nil {
			return b, err
		}
		b.Kind, b.Item, b.Amount = domain.UnitKind(kind), billing.Item(item), fromOre(sum)
		var err error
		b.Month, err = billing.ParseMonth(month)
		return b, err
	}, `SELECT payer_id, child_id, kind, item, month, sum(amount_ore)::bigint FROM billing_invoice_lines
		WHERE municipality = $1 AND month >= $2 AND month <= $3
		GROUP BY month, payer_id, child_id, kind, item`, string(m), from.String(), to.String())
}

// CreatePayments implements billing.Store.
func (s *Store) CreatePayments(ctx context.Context, ps []billing.Payment) error {
	if err := billing.ValidatePayments(ps); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		for _, p := range ps {
			m := string(p.Municipality)
			ok, err := has(ctx, tx, `SELECT 1 FROM billing_payments WHERE municipality = $1 AND id = $2`, m, uid(p.ID))
			if err := taken(ok, err, "payment"); err != nil {
				return err
			}
			ok, err = has(ctx, tx, `SELECT 1 FROM billing_payments WHERE municipality = $1 AND reference = $2`, m, p.Reference)
			if err != nil {
				return err
			}
			if ok {
				return &domain.ConflictError{Field: "reference", Reason: "this-payment-is-recorded"}
			}
			if !p.Invoice.IsZero() {
				ok, err = has(ctx, tx, `SELECT 1 FROM billing_invoices WHERE municipality = $1 AND id = $2`, m, uid(p.Invoice))
				if err := refused(ok, err, "invoice", "no-such-invoice"); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO billing_payments (municipality, id, reference, kid, invoice_id, amount_ore, paid)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, m, uid(p.ID), p.Reference, p.KID, uid(p.Invoice), ore(p.Amount),
				pgDay(p.Paid)); err != nil {
				return dbError("write payment", err)
			}
		}
		return nil
	})
}

// Payments implements billing.Store.
func (s *Store) Payments(ctx context.Context, m domain.Municipality) ([]billing.Payment, error) {
	return list(ctx, s.q(ctx), "payments", m, func(row scanner, m domain.Municipality) (billing.Payment, error) {
		p := billing.Payment{Municipality: m}
		var amount int64
		err := row.Scan(scanID(&p.ID), &p.Reference, &p.KID, scanID(&p.Invoice), &amount, dateScan{&p.Paid})
		p.Amount = fromOre(amount)
		return p, err
	}, `SELECT id, reference, kid, invoice_id, amount_ore, paid FROM billing_payments
		WHERE municipality = $1 ORDER BY paid, id`, string(m))
}

// PutBillingSettings implements billing.Store.
func (s *Store) PutBillingSettings(ctx context.Context, st billing.Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("postgres: billing settings: %w", err)
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO billing_settings (municipality, body) VALUES ($1, $2)
			ON CONFLICT (municipality) DO UPDATE SET body = excluded.body`, string(st.Municipality), string(body))
		if err != nil {
			return dbError("put billing settings", err)
		}
		return nil
	})
}

// BillingSettings implements billing.Store.
func (s *Store) BillingSettings(ctx context.Context, m domain.Municipality) (billing.Settings, error) {
	var body []byte
	err := s.q(ctx).QueryRow(ctx, `SELECT body::text FROM billing_settings WHERE municipality = $1`, string(m)).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return billing.Settings{}, fmt.Errorf("postgres: billing settings: %w", domain.ErrNotFound)
	}
	if err != nil {
		return billing.Settings{}, dbError("read billing settings", err)
	}
	var st billing.Settings
	if err := json.Unmarshal(body, &st); err != nil {
		return st, fmt.Errorf("postgres: stored billing settings: %w", err)
	}
	st.Municipality = m
	return st, nil
}

// AddRuleTable implements billing.Store.
func (s *Store) AddRuleTable(ctx context.Context, rt billing.RuleTable) error {
	if err := rt.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(rt)
	if err != nil {
		return fmt.Errorf("postgres: rule table: %w", err)
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		m := string(rt.Municipality)
		ok, err := has(ctx, tx, `SELECT 1 FROM billing_rule_tables WHERE municipality = $1 AND (version = $2 OR id = $3)`,
			m, rt.Version, uid(rt.ID))
		if err != nil {
			return err
		}
		if ok {
			return &domain.ConflictError{Field: "version", Reason: "the-municipality-has-loaded-this-version-of-a-rule-table-already"}
		}
		_, err = tx.Exec(ctx, `INSERT INTO billing_rule_tables (municipality, version, id, kind, body) VALUES ($1, $2, $3, $4, $5)`,
			m, rt.Version, uid(rt.ID), string(rt.Kind), string(body))
		if err != nil {
			return dbError("write rule table", err)
		}
		return nil
	})
}

// RuleTables implements billing.Store.
func (s *Store) RuleTables(ctx context.Context, m domain.Municipality) ([]billing.RuleTable, error) {
	return list(ctx, s.q(ctx), "rule tables", m, scanBody[billing.RuleTable],
		`SELECT body::text FROM billing_rule_tables WHERE municipality = $1 ORDER BY version`, string(m))
}

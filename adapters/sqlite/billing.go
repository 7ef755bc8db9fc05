package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

var _ billing.Store = (*Store)(nil)

// billingQueries are the statements of the billing store port that Open
// prepares: the keyed ones. The lists of a whole municipality that an
// invoice run reads (families, members, decisions, price lists, runs,
// payments) walk all of its rows by design and are prepared per
// transaction instead, outside TestQueriesUseIndexes' list.
var billingQueries = []string{
	insertFamily, familyExists, selectFamily, selectFamilyMembers, insertMember, upsertMember, selectMember, memberExists,
	memberChildClash, memberGuardianClash,
	insertIncome, incomeExists, incomeClash,
	insertPriceList, priceListExists, priceListClash,
	insertInvoiceRun, runExists, invoiceExists, numbersTaken,
	selectInvoicesOfMonth, selectLinesOfMonth, selectInvoiceByKID, selectLinesOfInvoice, selectBilled,
	insertPayment, paymentExists, referenceExists,
}

const (
	insertFamily        = `INSERT INTO billing_families (municipality, id, payer_id) VALUES (?, ?, ?)`
	familyExists        = `SELECT 1 FROM billing_families WHERE municipality = ? AND id = ?`
	selectFamily        = `SELECT payer_id FROM billing_families WHERE municipality = ? AND id = ?`
	memberCols          = `id, family_id, guardian_id, child_id, start_date, end_date`
	selectFamilyMembers = `SELECT ` + memberCols + ` FROM billing_members INDEXED BY billing_members_by_family
		WHERE municipality = ? AND family_id = ?`
	insertMember = `INSERT INTO billing_members (municipality, ` + memberCols + `) VALUES (?, ?, ?, ?, ?, ?, ?)`
	upsertMember = `INSERT INTO billing_members (municipality, ` + memberCols + `) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (municipality, id) DO UPDATE SET start_date = excluded.start_date, end_date = excluded.end_date`
	memberExists     = `SELECT 1 FROM billing_members WHERE municipality = ? AND id = ?`
	selectMember     = `SELECT ` + memberCols + ` FROM billing_members WHERE municipality = ? AND id = ?`
	memberChildClash = `SELECT 1 FROM billing_members INDEXED BY billing_members_by_child
		WHERE municipality = ? AND child_id = ? AND id <> ? AND start_date <= ? AND coalesce(end_date, '` + openEnd + `') >= ? LIMIT 1`
	memberGuardianClash = `SELECT 1 FROM billing_members INDEXED BY billing_members_by_guardian
		WHERE municipality = ? AND guardian_id = ? AND id <> ? AND start_date <= ? AND coalesce(end_date, '` + openEnd + `') >= ? LIMIT 1`
	selectFamilies = `SELECT id, payer_id FROM billing_families WHERE municipality = ?`
	selectMembers  = `SELECT ` + memberCols + ` FROM billing_members WHERE municipality = ?`

	incomeCols   = `id, family_id, annual_income, applied, start_date, end_date, documentation`
	insertIncome = `INSERT INTO billing_income_decisions (municipality, ` + incomeCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	incomeExists = `SELECT 1 FROM billing_income_decisions WHERE municipality = ? AND id = ?`
	incomeClash  = `SELECT 1 FROM billing_income_decisions INDEXED BY billing_income_by_family
		WHERE municipality = ? AND family_id = ? AND start_date <= ? AND end_date >= ? LIMIT 1`
	selectIncomes   = `SELECT ` + incomeCols + ` FROM billing_income_decisions WHERE municipality = ?`
	selectIncomesOf = `SELECT ` + incomeCols + ` FROM billing_income_decisions WHERE municipality = ? AND family_id IN (SELECT value FROM json_each(?))`

	insertPriceList = `INSERT INTO billing_price_lists (municipality, id, kind, start_date, end_date, body) VALUES (?, ?, ?, ?, ?, ?)`
	priceListExists = `SELECT 1 FROM billing_price_lists WHERE municipality = ? AND id = ?`
	priceListClash  = `SELECT 1 FROM billing_price_lists INDEXED BY billing_price_lists_by_kind
		WHERE municipality = ? AND kind = ? AND start_date <= ? AND coalesce(end_date, '` + openEnd + `') >= ? LIMIT 1`
	selectPriceLists = `SELECT body FROM billing_price_lists WHERE municipality = ?`

	selectFeeDecisions = `SELECT body FROM billing_fee_decisions WHERE municipality = ?`

	runCols           = `month, made, invoices, first_number, last_number, total_ore`
	insertInvoiceRun  = `INSERT INTO billing_runs (municipality, ` + runCols + `) VALUES (?, ?, ?, ?, ?, ?, ?)`
	runExists         = `SELECT 1 FROM billing_runs WHERE municipality = ? AND month = ?`
	selectInvoiceRuns = `SELECT ` + runCols + ` FROM billing_runs WHERE municipality = ?`
	invoiceCols       = `id, month, number, kid, payer_id, family_id, issued, due, total_ore`
	invoiceExists     = `SELECT 1 FROM billing_invoices WHERE municipality = ? AND id = ?`
	numbersTaken      = `SELECT 1 FROM billing_invoices WHERE municipality = ? AND number BETWEEN ? AND ?`
	lineCols          = `invoice_id, seq, payer_id, child_id, kind, item, month, correction, days, days_in_month, gross_ore, full_ore, amount_ore, reductions`

	selectInvoicesOfMonth = `SELECT ` + invoiceCols + ` FROM billing_invoices INDEXED BY billing_invoices_by_month
		WHERE municipality = ? AND month = ?`
	selectLinesOfMonth = `SELECT l.invoice_id, l.seq, l.payer_id, l.child_id, l.kind, l.item, l.month, l.correction, l.days,
			l.days_in_month, l.gross_ore, l.full_ore, l.amount_ore, l.reductions
		FROM billing_invoices i INDEXED BY billing_invoices_by_month
		JOIN billing_invoice_lines l ON l.municipality = i.municipality AND l.invoice_id = i.id
		WHERE i.municipality = ? AND i.month = ?`
	selectInvoiceByKID   = `SELECT ` + invoiceCols + ` FROM billing_invoices WHERE municipality = ? AND kid = ?`
	selectLinesOfInvoice = `SELECT ` + lineCols + ` FROM billing_invoice_lines WHERE municipality = ? AND invoice_id = ?`
	selectBilled         = `SELECT payer_id, child_id, kind, item, month, sum(amount_ore)
		FROM billing_invoice_lines INDEXED BY billing_lines_by_month
		WHERE municipality = ? AND month >= ? AND month <= ?
		GROUP BY month, payer_id, child_id, kind, item`

	paymentCols     = `id, reference, kid, invoice_id, amount_ore, paid`
	insertPayment   = `INSERT INTO billing_payments (municipality, ` + paymentCols + `) VALUES (?, ?, ?, ?, ?, ?, ?)`
	paymentExists   = `SELECT 1 FROM billing_payments WHERE municipality = ? AND id = ?`
	referenceExists = `SELECT 1 FROM billing_payments WHERE municipality = ? AND reference = ?`
	selectPayments  = `SELECT ` + paymentCols + ` FROM billing_payments WHERE municipality = ?`
)

// ore converts an amount in whole øre to an integer.
func ore(d decimal.Decimal) int64 { return d.Shift(2).Round(0).IntPart() }

func fromOre(i int64) decimal.Decimal { return decimal.New(i, -2) }

// exists reports whether the query finds a row.
func (s *Store) exists(ctx context.Context, query string, args ...any) (bool, error) {
	err := s.mustExist(ctx, "record", query, args...)
	if domain.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

func periodEnd(p domain.Period) string {
	if p.Open() {
		return openEnd
	}
	return p.End.String()
}

func nullID[T any](id domain.ID[T]) any {
	if id.IsZero() {
		return nil
	}
	return id.String()
}

func scanMember(m domain.Municipality) func(r scanner) (billing.Member, error) {
	return func(r scanner) (billing.Member, error) {
		mb := billing.Member{Municipality: m}
		var start string
		var end sql.NullString
		if err := r.Scan(&mb.ID, &mb.Family, &mb.Guardian, &mb.Child, &start, &end); err != nil {
			return mb, err
		}
		var err error
		if mb.Period.Start, err = parseDate(start); err != nil {
			return mb, err
		}
		if end.Valid {
			mb.Period.End, err = parseDate(end.String)
		}
		return mb, err
	}
}

// checkMember checks a membership against stored data.
func (s *Store) checkMember(ctx context.Context, field string, mb billing.Member) error {
	if err := checkDate(field+"period.start", mb.Period.Start); err != nil {
		return err
	}
	if ok, err := s.exists(ctx, familyExists, mb.Municipality, mb.Family); err != nil || !ok {
		return orInvalid(err, field+"family", "no-such-family")
	}
	clash, what, id := memberChildClash, childExists, any(mb.Child)
	if !mb.Guardian.IsZero() {
		clash, what, id = memberGuardianClash, guardianExists, mb.Guardian
		if ok, err := s.exists(ctx, what, mb.Municipality, id); err != nil || !ok {
			return orInvalid(err, field+"guardian", "no-such-guardian")
		}
	} else if ok, err := s.exists(ctx, what, mb.Municipality, id); err != nil || !ok {
		return orInvalid(err, field+"child", "no-such-child")
	}
	ok, err := s.exists(ctx, clash, mb.Municipality, id, mb.ID, periodEnd(mb.Period), mb.Period.Start.String())
	if err != nil {
		return err
	}
	if ok {
		return &domain.ConflictError{Field: "members", Reason: "the-person-is-in-another-family-on-a-shared-day"}
	}
	return nil
}

func orInvalid(err error, field, reason string) error {
	if err != nil {
		return err
	}
	return domain.Invalid(field, reason)
}

// CreateFamily implements billing.Store.
func (s *Store) CreateFamily(ctx context.Context, f billing.Family) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if err := billing.CheckMembers(f.Members); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if ok, err := s.exists(ctx, familyExists, f.Municipality, f.ID); err != nil || ok {
			return orConflict(err, "family")
		}
		if ok, err := s.exists(ctx, guardianExists, f.Municipality, f.Payer); err != nil || !ok {
			return orInvalid(err, "payer", "no-such-guardian")
		}
		if _, err := s.exec(ctx, insertFamily, f.Municipality, f.ID, f.Payer); err != nil {
			return writeErr(err, "family")
		}
		for i, mb := range f.Members {
			if ok, err := s.exists(ctx, memberExists, mb.Municipality, mb.ID); err != nil || ok {
				return orConflict(err, "membership")
			}
			if err := s.checkMember(ctx, fmt.Sprintf("members[%d].", i), mb); err != nil {
				return err
			}
			if _, err := s.exec(ctx, insertMember, mb.Municipality, mb.ID, mb.Family, nullID(mb.Guardian), nullID(mb.Child),
				mb.Period.Start.String(), endDate(mb.Period)); err != nil {
				return writeErr(err, "membership")
			}
		}
		return nil
	})
}

func orConflict(err error, what string) error {
	if err != nil {
		return err
	}
	return idConflict(what)
}

// PutMember implements billing.Store.
func (s *Store) PutMember(ctx context.Context, mb billing.Member) error {
	if err := mb.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		old, err := queryOne(ctx, s, "membership", selectMember, scanMember(mb.Municipality), mb.Municipality, mb.ID)
		if err == nil {
			err = billing.CheckMemberUpdate(old, mb)
		}
		if err != nil && !domain.IsNotFound(err) {
			return err
		}
		if err := s.checkMember(ctx, "", mb); err != nil {
			return err
		}
		_, err = s.exec(ctx, upsertMember, mb.Municipality, mb.ID, mb.Family, nullID(mb.Guardian), nullID(mb.Child),
			mb.Period.Start.String(), endDate(mb.Period))
		return writeErr(err, "membership")
	})
}

// Family implements billing.Store.
func (s *Store) Family(ctx context.Context, m domain.Municipality, id billing.FamilyID) (billing.Family, error) {
	f := billing.Family{ID: id, Municipality: m}
	err := s.read(ctx, func(ctx context.Context) error {
		var err error
		if f.Payer, err = queryOne(ctx, s, "family", selectFamily, func(r scanner) (g domain.GuardianID, err error) {
			err = r.Scan(&g)
			return g, err
		}, m, id); err != nil {
			return err
		}
		f.Members, err = queryAll(ctx, s, selectFamilyMembers, scanMember(m), m, id)
		return err
	})
	billing.SortMembers(f.Members)
	return f, err
}

// Families implements billing.Store.
func (s *Store) Families(ctx context.Context, m domain.Municipality) ([]billing.Family, error) {
	var fams []billing.Family
	err := s.read(ctx, func(ctx context.Context) error {
		var err error
		if fams, err = queryAll(ctx, s, selectFamilies, func(r scanner) (billing.Family, error) {
			f := billing.Family{Municipality: m}
			err := r.Scan(&f.ID, &f.Payer)
			return f, err
		}, m); err != nil {
			return err
		}
		slices.SortFunc(fams, func(a, b billing.Family) int { return a.ID.Compare(b.ID) })
		// Each member is filed with its family as it is read: a
		// municipality's members are never all in one slice besides.
		return queryEach(ctx, s, selectMembers, scanMember(m), func(mb billing.Member) {
			i, ok := slices.BinarySearchFunc(fams, mb.Family, func(f billing.Family, id billing.FamilyID) int { return f.ID.Compare(id) })
			if ok {
				fams[i].Members = append(fams[i].Members, mb)
			}
		}, m)
	})
	billing.SortFamilies(fams)
	return fams, err
}

// CreateIncomeDecision implements billing.Store.
func (s *Store) CreateIncomeDecision(ctx context.Context, d billing.IncomeDecision) error {
	if err := d.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if ok, err := s.exists(ctx, incomeExists, d.Municipality, d.ID); err != nil || ok {
			return orConflict(err, "income decision")
		}
		if ok, err := s.exists(ctx, familyExists, d.Municipality, d.Family); err != nil || !ok {
			return orInvalid(err, "family", "no-such-family")
		}
		if ok, err := s.exists(ctx, incomeClash, d.Municipality, d.Family, d.Period.End.String(), d.Period.Start.String()); err != nil || ok {
			if err != nil {
				return err
			}
			return &domain.ConflictError{Field: "period", Reason: "the-family-has-another-income-decision-on-a-shared-day"}
		}
		_, err := s.exec(ctx, insertIncome, d.Municipality, d.ID, d.Family, d.AnnualIncome.String(), d.Applied.String(),
			d.Period.Start.String(), d.Period.End.String(), d.Documentation)
		return writeErr(err, "income decision")
	})
}

// IncomeDecisions implements billing.Store.
func (s *Store) IncomeDecisions(ctx context.Context, m domain.Municipality) ([]billing.IncomeDecision, error) {
	ds, err := queryAll(ctx, s, selectIncomes, scanIncome(m), m)
	billing.SortIncomeDecisions(ds)
	return ds, err
}

// IncomeDecision implements billing.IncomeDecisionReader: one row by the
// primary key.
func (s *Store) IncomeDecision(ctx context.Context, m domain.Municipality, id billing.IncomeDecisionID) (billing.IncomeDecision, error) {
	return queryOne(ctx, s, "income decision", selectIncomes+` AND id = ?`, scanIncome(m), m, id)
}

var _ billing.IncomeDecisionReader = (*Store)(nil)

// IncomeDecisionsOf implements billing.Store: the families' decisions in
// one statement (by the index on municipality and family).
func (s *Store) IncomeDecisionsOf(ctx context.Context, m domain.Municipality, families []billing.FamilyID) ([]billing.IncomeDecision, error) {
	if len(families) == 0 {
		return []billing.IncomeDecision{}, nil
	}
	arg, err := idArray(families)
	if err != nil {
		return nil, err
	}
	ds, err := queryAll(ctx, s, selectIncomesOf, scanIncome(m), m, arg)
	billing.SortIncomeDecisions(ds)
	return ds, err
}

func scanIncome(m domain.Municipality) func(r scanner) (billing.IncomeDecision, error) {
	return func(r scanner) (billing.IncomeDecision, error) {
		d := billing.IncomeDecision{Municipality: m}
		var income, applied, start, end string
		if err := r.Scan(&d.ID, &d.Family, &income, &applied, &start, &end, &d.Documentation); err != nil {
			return d, err
		}
		var err error
		if d.AnnualIncome, err = decimal.NewFromString(income); err != nil {
			return d, err
		}
		if d.Applied, err = parseDate(applied); err != nil {
			return d, err
		}
		if d.Period.Start, err = parseDate(start); err != nil {
			return d, err
		}
		d.Period.End, err = parseDate(end)
		return d, err
	}
}

// CreatePriceList implements billing.Store.
func (s *Store) CreatePriceList(ctx context.Context, l billing.PriceList) error {
	if err := l.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("sqlite: price list: %w", err)
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if ok, err := s.exists(ctx, priceListExists, l.Municipality, l.ID); err != nil || ok {
			return orConflict(err, "price list")
		}
		if ok, err := s.exists(ctx, priceListClash, l.Municipality, l.Kind, periodEnd(l.Period), l.Period.Start.String()); err != nil || ok {
			if err != nil {
				return err
			}
			return &domain.ConflictError{Field: "period", Reason: "another-price-list-of-the-same-kind-is-in-force-on-a-shared-day"}
		}
		_, err := s.exec(ctx, insertPriceList, l.Municipality, l.ID, l.Kind, l.Period.Start.String(), endDate(l.Period), string(body))
		return writeErr(err, "price list")
	})
}

// PriceLists implements billing.Store.
func (s *Store) PriceLists(ctx context.Context, m domain.Municipality) ([]billing.PriceList, error) {
	ls, err := queryAll(ctx, s, selectPriceLists, scanJSON[billing.PriceList], m)
	billing.SortPriceLists(ls)
	return ls, err
}

// CreateFeeDecisions implements billing.Store.
func (s *Store) CreateFeeDecisions(ctx context.Context, ds []billing.FeeDecision) error {
	if err := billing.ValidateDecisions(ds); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		// Each body is encoded as its chunk is written: the bodies of a
		// 50,000-child run are never all in memory at once.
		i, row := 0, make([]any, 6)
		err := s.insertFunc(ctx, "billing_fee_decisions", "municipality, id, child_id, kind, from_month, body", func() ([]any, error) {
			if i == len(ds) {
				return nil, nil
			}
			d := &ds[i]
			i++
			body, err := json.Marshal(d)
			if err != nil {
				return nil, fmt.Errorf("sqlite: fee decision: %w", err)
			}
			row[0], row[1], row[2], row[3], row[4], row[5] = d.Municipality, d.ID, d.Child, d.Kind, d.From.String(), string(body)
			return row, nil
		})
		if isForeignKey(err) {
			// A fee decision refers to nothing but its child.
			return domain.Invalid("child", "no-such-child")
		}
		return writeErr(err, "fee decision")
	})
}

// FeeDecisions implements billing.Store.
func (s *Store) FeeDecisions(ctx context.Context, m domain.Municipality) ([]billing.FeeDecision, error) {
	ds, err := queryAll(ctx, s, selectFeeDecisions, scanJSON[billing.FeeDecision], m)
	billing.SortFeeDecisions(ds)
	return ds, err
}

// CreateInvoiceRun implements billing.Store.
func (s *Store) CreateInvoiceRun(ctx context.Context, r billing.Run, invoices []billing.Invoice) error {
	if err := billing.ValidateRun(r, invoices); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.insertRun(ctx, r); err != nil {
			return err
		}
		return s.insertInvoices(ctx, r, invoices)
	})
}

// CreateRunInvoices implements billing.RunWriter.
func (s *Store) CreateRunInvoices(ctx context.Context, r billing.Run, invoices []billing.Invoice) error {
	if err := billing.ValidateRun(r, invoices); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error { return s.insertInvoices(ctx, r, invoices) })
}

// OpenInvoiceRun implements billing.RunWriter.
func (s *Store) OpenInvoiceRun(ctx context.Context, r billing.Run) error {
	r.Invoices, r.LastNumber, r.Total = 0, r.FirstNumber-1, decimal.Zero
	if err := billing.ValidateRun(r, nil); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error { return s.insertRun(ctx, r) })
}

// CloseInvoiceRun implements billing.RunWriter.
func (s *Store) CloseInvoiceRun(ctx context.Context, r billing.Run) error {
	res, err := s.exec(ctx, `UPDATE billing_runs SET invoices = ?, first_number = ?, last_number = ?, total_ore = ?
		WHERE municipality = ? AND month = ?`, r.Invoices, r.FirstNumber, r.LastNumber, ore(r.Total), r.Municipality, r.Month.String())
	if err != nil {
		return writeErr(err, "invoice run")
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("sqlite: invoice run %s: %w", r.Month, domain.ErrNotFound)
	}
	return nil
}

var _ billing.RunWriter = (*Store)(nil)

// insertRun writes the row of a run, refusing a month run before.
func (s *Store) insertRun(ctx context.Context, r billing.Run) error {
	if ok, err := s.exists(ctx, runExists, r.Municipality, r.Month.String()); err != nil || ok {
		if err != nil {
			return err
		}
		return &domain.ConflictError{Field: "month", Reason: "the-month-has-an-invoice-run"}
	}
	if _, err := s.exec(ctx, insertInvoiceRun, r.Municipality, r.Month.String(), r.Made.String(), r.Invoices,
		r.FirstNumber, r.LastNumber, ore(r.Total)); err != nil {
		return writeErr(err, "invoice run")
	}
	return nil
}

// insertInvoices writes invoices numbered r.FirstNumber..r.LastNumber
// with their lines, refusing numbers taken.
func (s *Store) insertInvoices(ctx context.Context, r billing.Run, invoices []billing.Invoice) error {
	if len(invoices) > 0 {
		ok, err := s.exists(ctx, numbersTaken, r.Municipality, r.FirstNumber, r.LastNumber)
		if err != nil {
			return err
		}
		if ok {
			return &domain.ConflictError{Field: "number", Reason: "another-invoice-has-one-of-these-numbers"}
		}
	}
	// The rows are made as each chunk is written, not all first: a
	// 50,000-child run has 100,000 lines.
	invRow, ii := make([]any, 10), 0
	invRows := func() ([]any, error) {
		if ii == len(invoices) {
			return nil, nil
		}
		inv := &invoices[ii]
		ii++
		invRow[0], invRow[1], invRow[2], invRow[3], invRow[4] = inv.Municipality, inv.ID, inv.Month.String(), inv.Number, inv.KID
		invRow[5], invRow[6], invRow[7], invRow[8], invRow[9] = inv.Payer, nullID(inv.Family), inv.Issued.String(), inv.Due.String(), ore(inv.Total)
		return invRow, nil
	}
	lineRow, li, lj := make([]any, 15), 0, 0
	lineRows := func() ([]any, error) {
		for li < len(invoices) && lj == len(invoices[li].Lines) {
			li, lj = li+1, 0
		}
		if li == len(invoices) {
			return nil, nil
		}
		inv := &invoices[li]
		l := &inv.Lines[lj]
		var red any
		if len(l.Reductions) > 0 {
			b, err := json.Marshal(l.Reductions)
			if err != nil {
				return nil, fmt.Errorf("sqlite: invoice line: %w", err)
			}
			red = string(b)
		}
		lineRow[0], lineRow[1], lineRow[2], lineRow[3], lineRow[4] = inv.Municipality, inv.ID, lj, inv.Payer, l.Child
		lineRow[5], lineRow[6], lineRow[7], lineRow[8], lineRow[9] = l.Kind, l.Item, l.Month.String(), l.Correction, l.Days
		lineRow[10], lineRow[11], lineRow[12], lineRow[13], lineRow[14] = l.DaysInMonth, ore(l.Gross), ore(l.Full), ore(l.Amount), red
		lj++
		return lineRow, nil
	}
	if err := s.insertFunc(ctx, "billing_invoices", "municipality, "+invoiceCols, invRows); err != nil {
		if isUnique(err, "billing_invoices.kid") {
			return &domain.ConflictError{Field: "kid", Reason: "another-invoice-has-this-kid"}
		}
		return writeErr(err, "invoice")
	}
	if err := s.insertFunc(ctx, "billing_invoice_lines", "municipality, "+lineCols, lineRows); err != nil {
		return writeErr(err, "invoice line")
	}
	return nil
}

// insertChunk is how many rows one INSERT statement of insertRows writes.
const insertChunk = 64

// insertRows writes rows with multi-row INSERT statements (far fewer calls
// into SQLite than one statement a row); the statement of a full chunk is
// prepared once per transaction.
func (s *Store) insertRows(ctx context.Context, table, cols string, rows [][]any) error {
	i := 0
	return s.insertFunc(ctx, table, cols, func() ([]any, error) {
		if i == len(rows) {
			return nil, nil
		}
		i++
		return rows[i-1], nil
	})
}

// insertFunc is insertRows with the rows made one at a time by next (nil
// when there are no more; the slice may be reused): only one chunk of rows
// is in memory at a time.
func (s *Store) insertFunc(ctx context.Context, table, cols string, next func() ([]any, error)) error {
	var args []any
	var one string
	rows := 0
	flush := func() error {
		if rows == 0 {
			return nil
		}
		q := "INSERT INTO " + table + " (" + cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
		_, err := s.exec(ctx, q, args...)
		args, rows = args[:0], 0
		return err
	}
	for {
		r, err := next()
		if err != nil {
			return err
		}
		if r == nil {
			return flush()
		}
		if one == "" {
			one = "(" + strings.TrimSuffix(strings.Repeat("?, ", len(r)), ", ") + ")"
			args = make([]any, 0, insertChunk*len(r))
		}
		args = append(args, r...)
		rows++
		if rows == insertChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
}

// InvoiceRuns implements billing.Store.
func (s *Store) InvoiceRuns(ctx context.Context, m domain.Municipality) ([]billing.Run, error) {
	rs, err := queryAll(ctx, s, selectInvoiceRuns, func(r scanner) (billing.Run, error) {
		run := billing.Run{Municipality: m}
		var month, made string
		var total int64
		if err := r.Scan(&month, &made, &run.Invoices, &run.FirstNumber, &run.LastNumber, &total); err != nil {
			return run, err
		}
		run.Total = fromOre(total)
		var err error
		if run.Month, err = billing.ParseMonth(month); err != nil {
			return run, err
		}
		run.Made, err = parseDate(made)
		return run, err
	}, m)
	slices.SortFunc(rs, func(a, b billing.Run) int { return strings.Compare(a.Month.String(), b.Month.String()) })
	return rs, err
}

func scanInvoice(m domain.Municipality) func(r scanner) (billing.Invoice, error) {
	return func(r scanner) (billing.Invoice, error) {
		inv := billing.Invoice{Municipality: m}
		var month, issued, due string
		var total int64
		if err := r.Scan(&inv.ID, &month, &inv.Number, &inv.KID, &inv.Payer, &inv.Family, &issued, &due, &total); err != nil {
			return inv, err
		}
		inv.Total = fromOre(total)
		var err error
		if inv.Month, err = billing.ParseMonth(month); err != nil {
			return inv, err
		}
		if inv.Issued, err = parseDate(issued); err != nil {
			return inv, err
		}
		inv.Due, err = parseDate(due)
		return inv, err
	}
}

type storedLine struct {
	invoice billing.InvoiceID
	seq     int
	line    billing.Line
}

func scanLine(r scanner) (storedLine, error) {
	var sl storedLine
	l := &sl.line
	var payer domain.GuardianID
	var month string
	var gross, full, amount int64
	var red sql.NullString
	if err := r.Scan(&sl.invoice, &sl.seq, &payer, &l.Child, &l.Kind, &l.Item, &month, &l.Correction, &l.Days,
		&l.DaysInMonth, &gross, &full, &amount, &red); err != nil {
		return sl, err
	}
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

// attach puts the lines in their invoices, in order.
func attach(invs []billing.Invoice, lines []storedLine) {
	slices.SortFunc(lines, func(a, b storedLine) int { return a.seq - b.seq })
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
	var invs []billing.Invoice
	err := s.read(ctx, func(ctx context.Context) error {
		var err error
		if invs, err = queryAll(ctx, s, selectInvoicesOfMonth, scanInvoice(m), m, month.String()); err != nil {
			return err
		}
		lines, err := queryAll(ctx, s, selectLinesOfMonth, scanLine, m, month.String())
		if err != nil {
			return err
		}
		attach(invs, lines)
		return nil
	})
	slices.SortFunc(invs, func(a, b billing.Invoice) int { return int(a.Number - b.Number) })
	return invs, err
}

// InvoiceByKID implements billing.Store.
func (s *Store) InvoiceByKID(ctx context.Context, m domain.Municipality, kid string) (billing.Invoice, error) {
	var inv billing.Invoice
	err := s.read(ctx, func(ctx context.Context) error {
		var err error
		if inv, err = queryOne(ctx, s, "invoice", selectInvoiceByKID, scanInvoice(m), m, kid); err != nil {
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

// BilledSince implements billing.Store.
func (s *Store) BilledSince(ctx context.Context, m domain.Municipality, from, to billing.Month) ([]billing.Billed, error) {
	return queryAll(ctx, s, selectBilled, func(r scanner) (billing.Billed, error) {
		var b billing.Billed
		var month string
		var sum int64
		if err := r.Scan(&b.Payer, &b.Child, &b.Kind, &b.Item, &month, &sum); err != nil {
			return b, err
		}
		b.Amount = fromOre(sum)
		var err error
		b.Month, err = billing.ParseMonth(month)
		return b, err
	}, m, from.String(), to.String())
}

// CreatePayments implements billing.Store.
func (s *Store) CreatePayments(ctx context.Context, ps []billing.Payment) error {
	if err := billing.ValidatePayments(ps); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		for _, p := range ps {
			if ok, err := s.exists(ctx, paymentExists, p.Municipality, p.ID); err != nil || ok {
				return orConflict(err, "payment")
			}
			if ok, err := s.exists(ctx, referenceExists, p.Municipality, p.Reference); err != nil || ok {
				if err != nil {
					return err
				}
				return &domain.ConflictError{Field: "reference", Reason: "this-payment-is-recorded"}
			}
			if !p.Invoice.IsZero() {
				if ok, err := s.exists(ctx, invoiceExists, p.Municipality, p.Invoice); err != nil || !ok {
					return orInvalid(err, "invoice", "no-such-invoice")
				}
			}
			if _, err := s.exec(ctx, insertPayment, p.Municipality, p.ID, p.Reference, p.KID, nullID(p.Invoice),
				ore(p.Amount), p.Paid.String()); err != nil {
				return writeErr(err, "payment")
			}
		}
		return nil
	})
}

// Payments implements billing.Store.
func (s *Store) Payments(ctx context.Context, m domain.Municipality) ([]billing.Payment, error) {
	ps, err := queryAll(ctx, s, selectPayments, func(r scanner) (billing.Payment, error) {
		p := billing.Payment{Municipality: m}
		var amount int64
		var paid string
		if err := r.Scan(&p.ID, &p.Reference, &p.KID, &p.Invoice, &amount, &paid); err != nil {
			return p, err
		}
		p.Amount = fromOre(amount)
		var err error
		p.Paid, err = parseDate(paid)
		return p, err
	}, m)
	billing.SortPayments(ps)
	return ps, err
}

// PutBillingSettings implements billing.Store.
func (s *Store) PutBillingSettings(ctx context.Context, st billing.Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("sqlite: billing settings: %w", err)
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, `INSERT INTO billing_settings (municipality, body) VALUES (?, ?)
			ON CONFLICT (municipality) DO UPDATE SET body = excluded.body`, st.Municipality, string(body))
		return writeErr(err, "billing settings")
	})
}

// BillingSettings implements billing.Store.
func (s *Store) BillingSettings(ctx context.Context, m domain.Municipality) (billing.Settings, error) {
	st, err := queryOne(ctx, s, "billing settings", `SELECT body FROM billing_settings WHERE municipality = ?`,
		scanJSON[billing.Settings], m)
	if err != nil {
		return billing.Settings{}, err
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
		return fmt.Errorf("sqlite: rule table: %w", err)
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		taken, err := s.exists(ctx, `SELECT 1 FROM billing_rule_tables WHERE municipality = ? AND (version = ? OR id = ?)`,
			rt.Municipality, rt.Version, rt.ID)
		if err != nil {
			return err
		}
		if taken {
			return &domain.ConflictError{Field: "version", Reason: "the-municipality-has-loaded-this-version-of-a-rule-table-already"}
		}
		_, err = s.exec(ctx, `INSERT INTO billing_rule_tables (municipality, version, id, kind, body) VALUES (?, ?, ?, ?, ?)`,
			rt.Municipality, rt.Version, rt.ID, rt.Kind, string(body))
		return writeErr(err, "rule table")
	})
}

// RuleTables implements billing.Store.
func (s *Store) RuleTables(ctx context.Context, m domain.Municipality) ([]billing.RuleTable, error) {
	return queryAll(ctx, s, `SELECT body FROM billing_rule_tables WHERE municipality = ? ORDER BY version`, scanJSON[billing.RuleTable], m)
}

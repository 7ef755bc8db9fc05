package webtest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// Statements counts the SQL statements a PostgreSQL store sends (a pgx
// tracer; a batch's statements each count), so a test can prove that a
// page's work does not grow with its rows.
type Statements struct {
	n       atomic.Int64
	analyze atomic.Int64
	audit   atomic.Int64
	rows    atomic.Int64
}

// Count is how many statements were sent so far.
func (s *Statements) Count() int64 { return s.n.Load() }

// Rows is how many rows the SELECT statements so far returned (by their
// command tags): what a request read into memory, so a test can prove
// that a page reads its page, not the table.
func (s *Statements) Rows() int64 { return s.rows.Load() }

// Analyzes is how many ANALYZE statements were sent so far.
func (s *Statements) Analyzes() int64 { return s.analyze.Load() }

// Audits is how many statements so far wrote the audit log (an INSERT
// into audit_log, with or without the children a list's entry names: one
// per request, however many children it listed).
func (s *Statements) Audits() int64 { return s.audit.Load() }

func (s *Statements) count(sql string) {
	s.n.Add(1)
	if first, _, _ := strings.Cut(strings.TrimSpace(sql), " "); strings.EqualFold(first, "ANALYZE") {
		s.analyze.Add(1)
	}
	if strings.Contains(sql, "INSERT INTO audit_log") {
		s.audit.Add(1)
	}
}

// TraceQueryStart implements pgx.QueryTracer.
func (s *Statements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	s.count(d.SQL)
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (s *Statements) TraceQueryEnd(_ context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	if d.CommandTag.Select() {
		s.rows.Add(d.CommandTag.RowsAffected())
	}
}

// TraceBatchStart implements pgx.BatchTracer.
func (s *Statements) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

// TraceBatchQuery implements pgx.BatchTracer.
func (s *Statements) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	s.count(d.SQL)
	if d.CommandTag.Select() {
		s.rows.Add(d.CommandTag.RowsAffected())
	}
}

// TraceBatchEnd implements pgx.BatchTracer.
func (s *Statements) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// BigIntake adds an intake at Bjørkelia with n applications of n new
// children ("Barn0001 Storeng" ...), submitted a minute apart, the first
// one earliest; the first ten children have a national ID. It writes
// through the store in one transaction and returns the intake and the
// children in the order they applied.
func BigIntake(ctx context.Context, ta *Harness, n int) (admission.IntakeID, []domain.ChildID, error) {
	m := demo.Municipality
	intakes, err := ta.DB.Intakes(ctx, m)
	if err != nil {
		return admission.IntakeID{}, nil, err
	}
	in := intakes[0]
	in.ID, in.Main, in.Name = domain.NewID[admission.Intake](), false, fmt.Sprintf("Stort opptak %d", n)
	in.Seats = []admission.UnitSeats{{Unit: ta.Bjorkelia, Places: n / 2, Small: n / 4}}
	ids := make([]domain.ChildID, n)
	err = ta.DB.Atomic(ctx, func(ctx context.Context) error {
		if err := ta.DB.CreateIntake(ctx, in); err != nil {
			return err
		}
		for i := range n {
			birth := in.Start.AddDate(-2, 0, -(i % 600))
			c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: fmt.Sprintf("Barn%04d", i+1),
				FamilyName: "Storeng", BirthDate: birth}
			if i < 10 {
				for k := 0; k < 500 && c.NationalID.IsZero(); k++ {
					if nid, err := domain.SyntheticNationalID(birth, 500+(i*37+k)%500); err == nil {
						if _, err := ta.DB.ChildByNationalID(ctx, m, nid); err != nil {
							c.NationalID = nid
						}
					}
				}
			}
			if err := ta.DB.CreateChild(ctx, c); err != nil {
				return err
			}
			ids[i] = c.ID
			ap := admission.Application{ID: domain.NewID[admission.Application](), Municipality: m, Intake: in.ID, Child: c.ID,
				Preferences: []domain.UnitID{ta.Bjorkelia}, Hours: 41, Submitted: Now.Add(time.Duration(i-n) * time.Minute)}
			if err := ta.DB.CreateApplication(ctx, ap); err != nil {
				return err
			}
		}
		return nil
	})
	return in.ID, ids, err
}

// BigFamilies adds n families for fees, each a new payer ("Betaler0001
// Storeng" ...) and a new child ("Barnet0001 Storeng" ...) and an income
// decision for the kindergarten year 2025/26, through the store in one
// transaction.
func BigFamilies(ctx context.Context, ta *Harness, n int) error {
	return ta.DB.Atomic(ctx, func(ctx context.Context) error {
		for i := range n {
			f, _, err := bigFamily(ctx, ta, "Betaler", "Barnet", i)
			if err != nil {
				return err
			}
			// Every family an income decision for the kindergarten year.
			d := billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](), Municipality: f.Municipality, Family: f.ID,
				AnnualIncome: decimal.NewFromInt(int64(400_000 + i)), Applied: date.New(2025, time.July, 10),
				Period: domain.Period{Start: date.New(2025, time.August, 1), End: date.New(2026, time.July, 31)}, Documentation: "a-melding"}
			if err := ta.DB.CreateIncomeDecision(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// bigFamily adds the i-th family of a big municipality: payer
// "<payer>NNNN Storeng" with one child "<child>NNNN Storeng", both members
// from 1 August 2025.
func bigFamily(ctx context.Context, ta *Harness, payer, child string, i int) (billing.Family, domain.ChildID, error) {
	m := demo.Municipality
	start := date.New(2025, time.August, 1)
	g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: fmt.Sprintf("%s%04d", payer, i+1), FamilyName: "Storeng"}
	c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: fmt.Sprintf("%s%04d", child, i+1), FamilyName: "Storeng",
		BirthDate: date.New(2021, time.March, 1+i%28)}
	if err := ta.DB.CreateGuardian(ctx, g); err != nil {
		return billing.Family{}, c.ID, err
	}
	if err := ta.DB.CreateChild(ctx, c); err != nil {
		return billing.Family{}, c.ID, err
	}
	f := billing.Family{ID: domain.NewID[billing.Family](), Municipality: m, Payer: g.ID}
	f.Members = []billing.Member{
		{ID: domain.NewID[billing.Member](), Municipality: m, Family: f.ID, Guardian: g.ID, Period: domain.Period{Start: start}},
		{ID: domain.NewID[billing.Member](), Municipality: m, Family: f.ID, Child: c.ID, Period: domain.Period{Start: start}},
	}
	return f, c.ID, ta.DB.CreateFamily(ctx, f)
}

// BigInvoices adds n families (as BigFamilies, payers "Faktura<first>…")
// and an invoice run of the month with an invoice of 1 234,56 kr for each,
// numbered from first ("Faktura0001 Storeng" has number first), with a
// correction line of -0,50 kr on every tenth. It returns the invoices in
// number order.
func BigInvoices(ctx context.Context, ta *Harness, month billing.Month, first int64, n int) ([]billing.Invoice, error) {
	m := demo.Municipality
	invs := make([]billing.Invoice, 0, n)
	run := billing.Run{Municipality: m, Month: month, Made: date.New(month.Year, time.Month(month.Month), 1), Invoices: n,
		FirstNumber: first, LastNumber: first + int64(n) - 1}
	err := ta.DB.Atomic(ctx, func(ctx context.Context) error {
		for i := range n {
			f, child, err := bigFamily(ctx, ta, "Faktura", "Fakturabarn", i)
			if err != nil {
				return err
			}
			number := first + int64(i)
			kid, err := billing.MakeKID(fmt.Sprintf("%08d", number), billing.KIDMod10)
			if err != nil {
				return err
			}
			fee := decimal.RequireFromString("1234.56")
			inv := billing.Invoice{ID: domain.NewID[billing.Invoice](), Municipality: m, Month: month, Number: number, KID: kid,
				Payer: f.Payer, Family: f.ID, Issued: run.Made, Due: run.Made.AddDate(0, 0, 20), Total: fee,
				Lines: []billing.Line{{Child: child, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: month, Days: 30, DaysInMonth: 30,
					Gross: fee, Full: fee, Amount: fee}}}
			if i%10 == 9 {
				corr := decimal.RequireFromString("-0.50")
				inv.Lines = append(inv.Lines, billing.Line{Child: child, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: month, Correction: true,
					Days: 30, DaysInMonth: 30, Gross: corr, Full: corr, Amount: corr})
				inv.Total = inv.Total.Add(corr)
			}
			run.Total = run.Total.Add(inv.Total)
			invs = append(invs, inv)
		}
		return ta.DB.CreateInvoiceRun(ctx, run, invs)
	})
	return invs, err
}

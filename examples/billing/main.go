// Command billing shows how a vendor runs parental-fee invoicing with
// package billing on a store (here a temporary SQLite database; a database
// file or postgres.Open work the same): a family for fees, the municipality's
// price list, a monthly invoice run, an income decision that arrives late
// and is corrected on the next run, the export for the finance system, and
// a payment file from Nets matched by KID.
//
//	go run ./examples/billing
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/adapters/financecsv"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// clock is a clock the program moves forward.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func (c *clock) set(y int, m time.Month, d int) {
	c.now = time.Date(y, m, d, 9, 0, 0, 0, domain.Oslo())
}

func run(w io.Writer) error {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	if err != nil {
		return err
	}
	defer store.Close()
	m := domain.MustMunicipality("0301")
	clk := &clock{}
	notices := domain.NotifierFunc(func(ctx context.Context, n domain.Notice) error {
		fmt.Fprintf(w, "notice %s to the payer: invoice %s, %s, KID %s, due %s\n", n.Kind, n.Data["invoice"],
			n.Data["amount"], n.Data["kid"], n.Data["due"])
		return nil
	})
	svc := &billing.Service{Store: store, Clock: clk, Notifier: notices, Settings: billing.DefaultSettings()}
	caseworker := domain.CaseworkerActor(m, "saksbehandler")

	// The directory: a kindergarten, a guardian and her son, placed full time.
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken barnehage",
		Kind: domain.Kindergarten, Owner: domain.Municipal}
	kari := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari", FamilyName: "Nordmann"}
	emil := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Emil", FamilyName: "Nordmann",
		BirthDate: date.New(2021, time.June, 2)}
	start := date.New(2024, time.August, 1)
	fam := billing.Family{ID: domain.NewID[billing.Family](), Municipality: m, Payer: kari.ID}
	fam.Members = []billing.Member{
		{ID: domain.NewID[billing.Member](), Municipality: m, Family: fam.ID, Guardian: kari.ID, Period: domain.Period{Start: start}},
		{ID: domain.NewID[billing.Member](), Municipality: m, Family: fam.ID, Child: emil.ID, Period: domain.Period{Start: start}},
	}
	prices := billing.PriceList{ID: domain.NewID[billing.PriceList](), Municipality: m, Kind: domain.Kindergarten,
		Period: domain.Period{Start: start, End: date.New(2025, time.July, 31)},
		Kindergarten: &billing.KindergartenPrices{FullTimePrice: decimal.RequireFromString("2000.00"),
			Brackets: []billing.KindergartenBracket{
				{MinHours: 41, Share: decimal.RequireFromString("1.00"), Food: decimal.RequireFromString("400.00")},
				{MinHours: 0, Share: decimal.RequireFromString("0.60"), Food: decimal.RequireFromString("240.00")},
			}}}
	err = store.Atomic(ctx, func(ctx context.Context) error {
		for _, f := range []func() error{
			func() error { return store.CreateUnit(ctx, kg) },
			func() error { return store.CreateGuardian(ctx, kari) },
			func() error { return store.CreateChild(ctx, emil) },
			func() error {
				return store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m,
					ChildID: emil.ID, UnitID: kg.ID, Kind: domain.Kindergarten, HoursPerWeek: 45, Period: domain.Period{Start: start}})
			},
			func() error { return svc.CreateFamily(ctx, caseworker, fam) },
			func() error { return svc.CreatePriceList(ctx, caseworker, prices) },
		} {
			if err := f(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	// A price above the national maximum (2 000 kr from August 2024) is refused.
	high := prices
	high.ID = domain.NewID[billing.PriceList]()
	high.Municipality = domain.MustMunicipality("4601")
	high.Kindergarten = &billing.KindergartenPrices{FullTimePrice: decimal.RequireFromString("2100.00"), Brackets: prices.Kindergarten.Brackets}
	err = store.CreatePriceList(ctx, high)
	fmt.Fprintln(w, "price list of 2 100 kr:", err)

	// September: no income decision yet.
	clk.set(2024, time.September, 5)
	sep, err := runMonth(ctx, svc, caseworker, m, billing.Month{Year: 2024, Month: time.September})
	if err != nil {
		return err
	}
	printInvoices(w, sep)

	// In October the family's income decision arrives, backdated to September.
	clk.set(2024, time.October, 2)
	if err := svc.DecideIncome(ctx, caseworker, billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](),
		Municipality: m, Family: fam.ID, AnnualIncome: decimal.RequireFromString("330000"), Applied: date.New(2024, time.August, 20),
		Period:        domain.Period{Start: date.New(2024, time.September, 1), End: date.New(2025, time.July, 31)},
		Documentation: "skattemelding 2023"}); err != nil {
		return err
	}
	clk.set(2024, time.October, 5)
	oct, err := runMonth(ctx, svc, caseworker, m, billing.Month{Year: 2024, Month: time.October})
	if err != nil {
		return err
	}
	printInvoices(w, oct)
	ds, err := svc.FeeDecisions(ctx, caseworker, m, emil.ID)
	if err != nil {
		return err
	}
	fmt.Fprint(w, ds[len(ds)-1].Render(billing.Bokmal))

	// The finance system's file.
	var csv bytes.Buffer
	if err := svc.Export(ctx, caseworker, m, billing.Month{Year: 2024, Month: time.October}, financecsv.Exporter{}, &csv); err != nil {
		return err
	}
	fmt.Fprintf(w, "finance CSV: %d rows after the header\n", strings.Count(csv.String(), "\n")-1)

	// Nets' OCR file: September paid in full, October paid short.
	file := ocr([]payment{{sep[0].KID, sep[0].Total}, {oct[0].KID, decimal.RequireFromString("100.00")}})
	rep, err := svc.ImportPayments(ctx, caseworker, m, strings.NewReader(file))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "payments: %d recorded, %d paid in full, %d underpaid (%s), %d unknown KIDs, %d bad lines\n",
		len(rep.Recorded), len(rep.Paid), len(rep.Underpaid), rep.Underpaid[0].Difference.StringFixed(2),
		len(rep.UnknownKIDs), len(rep.Problems))
	return nil
}

// runMonth runs a month and reads its invoices back: a run's result
// carries the run, not its invoices (a large run is written a batch of
// payers at a time).
func runMonth(ctx context.Context, svc *billing.Service, a domain.Actor, m domain.Municipality, mo billing.Month) ([]billing.Invoice, error) {
	if _, err := svc.RunInvoices(ctx, a, m, mo); err != nil {
		return nil, err
	}
	return svc.Invoices(ctx, a, m, mo)
}

func printInvoices(w io.Writer, invs []billing.Invoice) {
	for _, inv := range invs {
		fmt.Fprintf(w, "invoice %d for %s, KID %s, total %s\n", inv.Number, inv.Month, inv.KID, domain.FormatNOK(inv.Total))
		for _, l := range inv.Lines {
			what := string(l.Item)
			if l.Correction {
				what += " correction"
			}
			fmt.Fprintf(w, "  %s %s: %s\n", l.Month, what, domain.FormatNOK(l.Amount))
		}
	}
}

type payment struct {
	kid    string
	amount decimal.Decimal
}

// ocr writes an OCR giro file (see billing.ParseOCR for the layout).
func ocr(ps []payment) string {
	pad := func(s string) string { return s + strings.Repeat("0", 80-len(s)) }
	lines := []string{pad("NY000010" + "00008080" + "1511241" + "00012345"), pad("NY090020" + "001234567" + "0000001" + "12345678903")}
	var sum int64
	for i, p := range ps {
		ore := p.amount.Shift(2).IntPart()
		sum += ore
		tr := fmt.Sprintf("%07d", i+1)
		lines = append(lines,
			"NY091030"+tr+"151124"+"01"+"15"+"0"+fmt.Sprintf("%05d", i+1)+"0"+fmt.Sprintf("%017d", ore)+fmt.Sprintf("%25s", p.kid)+"000000",
			pad("NY091031"+tr+"0000000000"+"001234567"+"0000000"+"151124"+"98765432109"))
	}
	n := len(ps)
	lines = append(lines, pad(fmt.Sprintf("NY090088%08d%08d%017d151124151124151124", n, 2*n+2, sum)),
		pad(fmt.Sprintf("NY000089%08d%08d%017d151124", n, 2*n+4, sum)))
	return strings.Join(lines, "\n") + "\n"
}

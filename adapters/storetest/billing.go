package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// BillingStore is a store with the directory and the billing port.
type BillingStore interface {
	domain.Store
	billing.Store
	billing.CreditStore
}

// RunBilling runs the billing suite against stores made by newStore: the
// end-to-end invoice scenario (three children, a backdated income
// decision, a child leaving on the 12th, every amount to the øre),
// idempotent and interrupted runs, payments from an OCR giro file, and the
// refusals of the billing port.
func RunBilling(t *testing.T, newStore func(t *testing.T) BillingStore) {
	t.Run("EndToEnd", func(t *testing.T) { testBillingEndToEnd(t, newStore(t)) })
	t.Run("InterruptedRun", func(t *testing.T) { testInterruptedRun(t, newStore(t), newStore(t)) })
	t.Run("PriceLists", func(t *testing.T) { testPriceLists(t, newStore(t)) })
	t.Run("FamiliesAndIncome", func(t *testing.T) { testFamiliesAndIncome(t, newStore(t)) })
	t.Run("RoundTrip", func(t *testing.T) { testBillingRoundTrip(t, newStore(t)) })
	t.Run("GuardianReads", func(t *testing.T) { testGuardianReads(t, newStore(t)) })
	t.Run("MoveBetweenFamilies", func(t *testing.T) { testMoveBetweenFamilies(t, newStore(t)) })
	t.Run("Settings", func(t *testing.T) { testBillingSettings(t, newStore(t)) })
	t.Run("RuleTableLoad", func(t *testing.T) { testRuleTableLoad(t, newStore(t)) })
	t.Run("SafeRuns", func(t *testing.T) { testSafeRuns(t, newStore) })
	t.Run("RunDataAsTheLongWay", func(t *testing.T) { testRunData(t, newStore(t)) })
	t.Run("BlockedAsTheLongWay", func(t *testing.T) { testBlocked(t, newStore(t)) })
	t.Run("CreditNotes", func(t *testing.T) { testCreditNotes(t, newStore(t)) })
	t.Run("CreditedRunStays", func(t *testing.T) { testCreditedRunStays(t, newStore(t)) })
}

// clock is a settable domain.Clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) set(d date.Date) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, domain.Oslo())
}

// feeNotices records notices; it can cancel a context after a number of them.
type feeNotices struct {
	mu     sync.Mutex
	got    []domain.Notice
	after  int
	cancel func()
}

func (n *feeNotices) Notify(ctx context.Context, x domain.Notice) error {
	if err := x.Validate(); err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, x)
	if n.cancel != nil && len(n.got) == n.after {
		n.cancel()
		return ctx.Err()
	}
	return nil
}

func money(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func month(y int, m time.Month) billing.Month { return billing.Month{Year: y, Month: m} }

// kindergartenList is the price list of the scenario: full time 2 000 kr
// (the national maximum from 2024-08-01), part-time shares and food.
func kindergartenList(m domain.Municipality, from date.Date) billing.PriceList {
	return billing.PriceList{ID: domain.NewID[billing.PriceList](), Municipality: m, Kind: domain.Kindergarten,
		Period: domain.Period{Start: from, End: domain.SchoolYearOf(from).End()}, Zone: billing.ZoneOrdinary,
		Kindergarten: &billing.KindergartenPrices{FullTimePrice: money("2000.00"), SiblingOrder: billing.PriceDesc,
			Rounding: domain.RoundToOre, Brackets: []billing.KindergartenBracket{
				{MinHours: 41, Share: money("1.00"), Food: money("500.00")},
				{MinHours: 20, Share: money("0.60"), Food: money("300.00")},
				{MinHours: 0, Share: money("0.50"), Food: money("250.00")},
			}}}
}

func sfoList(m domain.Municipality, from date.Date) billing.PriceList {
	return billing.PriceList{ID: domain.NewID[billing.PriceList](), Municipality: m, Kind: domain.SFO,
		Period: domain.Period{Start: from, End: domain.SchoolYearOf(from).End()}, SiblingsAcross: true,
		SFO: &billing.SFOPrices{SiblingOrder: billing.AgeDesc, Rounding: domain.RoundToOre,
			SiblingDiscounts: []decimal.Decimal{money("0"), money("0.25"), money("0.50")},
			Brackets: []billing.SFOBracket{
				{MinHours: 0, Price: money("1500.00"), Food: money("200.00")},
				{MinHours: 15, Price: money("2800.00"), Food: money("300.00")},
			}}}
}

type line struct {
	child  string
	kind   domain.UnitKind
	item   billing.Item
	month  billing.Month
	corr   bool
	amount string
}

func linesOf(inv billing.Invoice, names map[domain.ChildID]string) []line {
	out := make([]line, len(inv.Lines))
	for i, l := range inv.Lines {
		out[i] = line{names[l.Child], l.Kind, l.Item, l.Month, l.Correction, l.Amount.StringFixed(2)}
	}
	return out
}

// testBillingEndToEnd: Kari and Ola's family has Anna (kindergarten, 45 h),
// Bo (kindergarten, 30 h) and Cato (SFO, 20 h, 2nd grade). September is
// invoiced without an income decision; in October an income decision of
// 300 000 kr arrives, backdated to September; Bo's placement is ended on
// 12 November after November was invoiced. Every amount below is computed
// by hand from the national rules of 2024-08-01 (maximum price 2 000 kr,
// sibling discounts 0 / 30 % / 100 %, income cap 6 % over 11 months, 20
// free core hours below 642 700 kr; SFO: 12 free hours in grades 1–3,
// income cap in grades 1–4).
func testBillingEndToEnd(t *testing.T, s BillingStore) {
	ctx := ctxFor(t)
	m := Oslo
	clk := &clock{}
	rec := &feeNotices{}
	svc := &billing.Service{Store: s, Clock: clk, Notifier: rec, Settings: billing.DefaultSettings()}
	case_ := domain.CaseworkerActor(m, "saksbehandler")

	f := &fixture{m: m}
	kg := f.unit(domain.Kindergarten)
	school := f.unit(domain.School)
	sfo := f.unit(domain.SFO)
	sfo.Parent = school.ID
	kari, ola := f.guardian(t), f.guardian(t)
	anna, bo, cato := f.child(t), f.child(t), f.child(t)
	anna.BirthDate, bo.BirthDate, cato.BirthDate = d(2020, 3, 10), d(2022, 5, 20), d(2017, 4, 2)
	anna.NationalID, bo.NationalID, cato.NationalID = domain.NationalID{}, domain.NationalID{}, domain.NationalID{}
	names := map[domain.ChildID]string{anna.ID: "anna", bo.ID: "bo", cato.ID: "cato"}
	pa := f.placement(anna, kg, d(2024, 8, 1), date.Zero)
	pa.HoursPerWeek = 45
	pb := f.placement(bo, kg, d(2024, 8, 1), date.Zero)
	pb.HoursPerWeek = 30
	pc := f.placement(cato, sfo, d(2024, 8, 19), date.Zero)
	pc.HoursPerWeek = 20
	fam := billing.Family{ID: domain.NewID[billing.Family](), Municipality: m, Payer: kari.ID}
	for _, mb := range []billing.Member{{Guardian: kari.ID}, {Guardian: ola.ID}, {Child: anna.ID}, {Child: bo.ID}, {Child: cato.ID}} {
		mb.ID, mb.Municipality, mb.Family, mb.Period = domain.NewID[billing.Member](), m, fam.ID, domain.Period{Start: d(2024, 8, 1)}
		fam.Members = append(fam.Members, mb)
	}
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		for _, u := range []domain.Unit{kg, school, sfo} {
			if err := s.CreateUnit(ctx, u); err != nil {
				return err
			}
		}
		for _, g := range []domain.Guardian{kari, ola} {
			if err := s.CreateGuardian(ctx, g); err != nil {
				return err
			}
		}
		for _, c := range []domain.Child{anna, bo, cato} {
			if err := s.CreateChild(ctx, c); err != nil {
				return err
			}
		}
		for _, p := range []domain.Placement{pa, pb, pc} {
			if err := s.CreatePlacement(ctx, p); err != nil {
				return err
			}
		}
		if err := svc.CreateFamily(ctx, case_, fam); err != nil {
			return err
		}
		if err := svc.CreatePriceList(ctx, case_, kindergartenList(m, d(2024, 8, 1))); err != nil {
			return err
		}
		return svc.CreatePriceList(ctx, case_, sfoList(m, d(2024, 8, 1)))
	}))

	run := func(day date.Date, mo billing.Month) ran {
		t.Helper()
		clk.set(day)
		res, err := runAll(ctx, svc, case_, m, mo)
		require.NoError(t, err)
		return res
	}
	one := func(res ran) billing.Invoice {
		t.Helper()
		require.True(t, res.Created)
		require.Len(t, res.Invoices, 1)
		assert.Empty(t, res.Skipped)
		inv := res.Invoices[0]
		assert.Equal(t, kari.ID, inv.Payer)
		assert.Equal(t, fam.ID, inv.Family)
		return inv
	}
	kg_, sf := domain.Kindergarten, domain.SFO
	fee, food := billing.ItemFee, billing.ItemFood
	sep, oct, nov, dec := month(2024, 9), month(2024, 10), month(2024, 11), month(2024, 12)

	// September, no income decision.
	//   Anna 45 h: bracket 41 h, 100 % of min(2 000, 2 000) = 2 000.00; 1st child, no discount.
	//   Bo 30 h: bracket 20 h, 60 % × 2 000 = 1 200; 2nd child by price, 30 %: 1 200 × 0.7 = 840.00.
	//   Cato, 2nd grade (born 2017, 1st grade from August 2023), 20 h: bracket 15 h = 2 800;
	//     free hours: 2 800 × (20 − 12) / 20 = 1 120; siblings count across kindergarten and SFO,
	//     so Cato is child no. 3: 50 % → 560.00.
	//   Food: 500 + 300 + 300.  Total 2 000 + 500 + 840 + 300 + 560 + 300 = 4 500.00.
	inv := one(run(d(2024, 9, 5), sep))
	assert.Equal(t, int64(1), inv.Number)
	assert.Equal(t, "0000000018", inv.KID, "MOD10 of 000000001: 1×2 = 2, check 8")
	assert.Equal(t, d(2024, 9, 20), inv.Due)
	assert.Equal(t, []line{
		{"anna", kg_, fee, sep, false, "2000.00"}, {"anna", kg_, food, sep, false, "500.00"},
		{"bo", kg_, fee, sep, false, "840.00"}, {"bo", kg_, food, sep, false, "300.00"},
		{"cato", sf, fee, sep, false, "560.00"}, {"cato", sf, food, sep, false, "300.00"},
	}, linesOf(inv, names))
	assert.Equal(t, "4500.00", inv.Total.StringFixed(2))
	// Bo's line shows the gross price and the sibling discount.
	assert.Equal(t, "1200.00", inv.Lines[2].Gross.StringFixed(2))
	require.Len(t, inv.Lines[2].Reductions, 1)
	assert.Equal(t, billing.StepSibling, inv.Lines[2].Reductions[0].Code)
	assert.Equal(t, "360.00", inv.Lines[2].Reductions[0].Amount.StringFixed(2))

	// Running September again creates nothing.
	again, err := runAll(ctx, svc, case_, m, sep)
	require.NoError(t, err)
	assert.False(t, again.Created)
	require.Len(t, again.Invoices, 1)
	assert.Equal(t, inv.ID, again.Invoices[0].ID)
	assert.Len(t, rec.got, 1, "no second notice")

	// October 3rd: the income decision, backdated to September.
	clk.set(d(2024, 10, 3))
	require.NoError(t, svc.DecideIncome(ctx, case_, billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](),
		Municipality: m, Family: fam.ID, AnnualIncome: money("300000"), Applied: d(2024, 8, 20),
		Period: domain.Period{Start: d(2024, 9, 1), End: d(2025, 7, 31)}, Documentation: "skattemelding 2023"}))

	// October, income 300 000: cap = 0.06 × 300 000 / 11 = 18 000/11 = 1 636.3636…;
	// income below 642 700, so 20 free core hours for Anna (2020) and Bo (2022).
	//   Anna: min(2 000, 1 636.3636) = 18 000/11; free core on min(45, 41) = 41 h:
	//     18 000/11 × 21/41 = 378 000/451 = 838.1374… → 838.14.
	//   Bo: 1 200 (below the cap); free core on 30 h: 1 200 × 10/30 = 400; 30 %: 280.00.
	//   Cato: cap (grade 2): 18 000/11; free hours: × 8/20 = 654.5454…; 50 %: 327.2727… → 327.27.
	//   October lines: 838.14 + 500 + 280.00 + 300 + 327.27 + 300 = 2 545.41.
	// Corrections for September (same figures, minus what September's invoice charged):
	//   Anna 838.14 − 2 000.00 = −1 161.86; Bo 280.00 − 840.00 = −560.00; Cato 327.27 − 560.00 = −232.73.
	//   Total 2 545.41 − 1 954.59 = 590.82.
	inv = one(run(d(2024, 10, 5), oct))
	assert.Equal(t, int64(2), inv.Number)
	assert.Equal(t, "0000000026", inv.KID)
	assert.Equal(t, []line{
		{"anna", kg_, fee, oct, false, "838.14"}, {"anna", kg_, food, oct, false, "500.00"},
		{"bo", kg_, fee, oct, false, "280.00"}, {"bo", kg_, food, oct, false, "300.00"},
		{"cato", sf, fee, oct, false, "327.27"}, {"cato", sf, food, oct, false, "300.00"},
		{"anna", kg_, fee, sep, true, "-1161.86"},
		{"bo", kg_, fee, sep, true, "-560.00"},
		{"cato", sf, fee, sep, true, "-232.73"},
	}, sortLines(linesOf(inv, names)))
	assert.Equal(t, "590.82", inv.Total.StringFixed(2))

	// November: nothing changed since October; no corrections.
	inv = one(run(d(2024, 11, 5), nov))
	assert.Equal(t, "2545.41", inv.Total.StringFixed(2))
	assert.Len(t, inv.Lines, 6)

	// Bo's last day was 12 November; it is registered after November was invoiced.
	pb.Period.End = d(2024, 11, 12)
	require.NoError(t, s.UpdatePlacement(ctx, pb))

	// December.
	//   Correction for November, Bo placed 12 of 30 days:
	//     fee 280.00 × 12/30 = 112.00, invoiced 280.00: −168.00; food 300 × 12/30 = 120.00, invoiced 300: −180.00.
	//   Anna alone in kindergarten: 838.14 (1st child either way).
	//   Cato is now child no. 2 across kindergarten and SFO: 25 %: 654.5454… × 0.75 = 490.9090… → 490.91.
	//   December lines: 838.14 + 500 + 490.91 + 300 = 2 129.05; total 2 129.05 − 348.00 = 1 781.05.
	inv = one(run(d(2024, 12, 5), dec))
	assert.Equal(t, []line{
		{"anna", kg_, fee, dec, false, "838.14"}, {"anna", kg_, food, dec, false, "500.00"},
		{"cato", sf, fee, dec, false, "490.91"}, {"cato", sf, food, dec, false, "300.00"},
		{"bo", kg_, fee, nov, true, "-168.00"}, {"bo", kg_, food, nov, true, "-180.00"},
	}, sortLines(linesOf(inv, names)))
	assert.Equal(t, "1781.05", inv.Total.StringFixed(2))
	for _, l := range inv.Lines {
		if l.Correction {
			assert.Equal(t, 12, l.Days)
			assert.Equal(t, 30, l.DaysInMonth)
		}
	}

	// The invoices already sent are unchanged.
	stored, err := s.Invoices(ctx, m, sep)
	require.NoError(t, err)
	require.Len(t, stored, 1)
	assert.Equal(t, "4500.00", stored[0].Total.StringFixed(2))
	assert.Len(t, stored[0].Lines, 6)

	// Fee decisions: a new one only when the amount changed, with why.
	type dec_ struct {
		child   string
		from    billing.Month
		fee     string
		reasons []billing.Reason
	}
	var got []dec_
	for _, c := range []domain.Child{anna, bo, cato} {
		ds, err := svc.FeeDecisions(ctx, case_, m, c.ID)
		require.NoError(t, err)
		for _, x := range ds {
			got = append(got, dec_{names[x.Child], x.From, x.Fee.StringFixed(2), x.Reasons})
		}
	}
	assert.Equal(t, []dec_{
		{"anna", sep, "2000.00", []billing.Reason{billing.ReasonPlacement}},
		{"anna", sep, "838.14", []billing.Reason{billing.ReasonIncome}},
		{"bo", sep, "840.00", []billing.Reason{billing.ReasonPlacement}},
		{"bo", sep, "280.00", []billing.Reason{billing.ReasonIncome}},
		{"cato", sep, "560.00", []billing.Reason{billing.ReasonPlacement}},
		{"cato", sep, "327.27", []billing.Reason{billing.ReasonIncome}},
		{"cato", dec, "490.91", []billing.Reason{billing.ReasonSibling}},
	}, got)

	// One "invoice.ready" notice per invoice, to the payer.
	require.Len(t, rec.got, 4)
	for i, want := range []string{"4 500,00 kr", "590,82 kr", "2 545,41 kr", "1 781,05 kr"} {
		n := rec.got[i]
		assert.Equal(t, billing.NoticeInvoiceReady, n.Kind)
		assert.Equal(t, kari.ID, n.Guardian)
		assert.Equal(t, want, n.Data["amount"])
		assert.Equal(t, fmt.Sprint(i+1), n.Data["invoice"])
	}
	assert.Equal(t, "2024-12-20", rec.got[3].Data["due"])
	assert.Equal(t, "0000000042", rec.got[3].Data["kid"])

	// A guardian sees their own invoices, another guardian none; a
	// guardian may not run invoices.
	mine, err := svc.Invoices(ctx, domain.GuardianActor(m, kari.ID), m, dec)
	require.NoError(t, err)
	assert.Len(t, mine, 1)
	theirs, err := svc.Invoices(ctx, domain.GuardianActor(m, ola.ID), m, dec)
	require.NoError(t, err)
	assert.Empty(t, theirs)
	_, err = svc.RunInvoices(ctx, domain.GuardianActor(m, kari.ID), m, month(2025, 1))
	assert.ErrorIs(t, err, domain.ErrForbidden)
	_, err = svc.RunInvoices(ctx, domain.CaseworkerActor(Bergen, "x"), m, month(2025, 1))
	assert.ErrorIs(t, err, domain.ErrForbidden)
	// A month before the last run is refused.
	_, err = svc.RunInvoices(ctx, case_, m, month(2024, 8))
	requireField(t, err, domain.ErrInvalid, "month")

	// Payments: an OCR giro file paying invoice 1 in full, invoice 2 too
	// little, invoice 3 too much, one unknown KID, and one malformed line.
	file := ocrFile([]ocrItem{
		{kid: "0000000018", ore: 450000},
		{kid: "0000000026", ore: 50000},
		{kid: "0000000034", ore: 260000},
		{kid: "0000000042", ore: 178105}, // malformed: not read
		{kid: "5555555557", ore: 12300},
	}, 3)
	rep, err := svc.ImportPayments(ctx, case_, m, strings.NewReader(file))
	require.NoError(t, err)
	require.Len(t, rep.Problems, 1, "%v", rep.Problems)
	assert.Equal(t, 9, rep.Problems[0].Line, "the malformed amount item 1 is line 9 (two start records, two lines a payment)")
	assert.Len(t, rep.Recorded, 4)
	require.Len(t, rep.UnknownKIDs, 1)
	assert.Equal(t, "5555555557", rep.UnknownKIDs[0].KID)
	require.Len(t, rep.Paid, 1)
	assert.Equal(t, int64(1), rep.Paid[0].Number)
	require.Len(t, rep.Underpaid, 1)
	assert.Equal(t, "-90.82", rep.Underpaid[0].Difference.StringFixed(2), "500.00 − 590.82")
	require.Len(t, rep.Overpaid, 1)
	assert.Equal(t, "54.59", rep.Overpaid[0].Difference.StringFixed(2), "2 600.00 − 2 545.41")
	// The same file again records nothing.
	rep, err = svc.ImportPayments(ctx, case_, m, strings.NewReader(file))
	require.NoError(t, err)
	assert.Empty(t, rep.Recorded)
	assert.Len(t, rep.Repeated, 4)
	ps, err := s.Payments(ctx, m)
	require.NoError(t, err)
	assert.Len(t, ps, 4)
}

func sortLines(ls []line) []line { return ls } // lines come current first, then corrections, each by child

type ocrItem struct {
	kid string
	ore int64
}

// ocrFile builds an OCR giro file; the item at index bad gets an amount
// that is not a number (its line is reported, the rest still read).
func ocrFile(items []ocrItem, bad int) string {
	pad := func(s string) string { return s + strings.Repeat("0", 80-len(s)) }
	var b strings.Builder
	b.WriteString(pad("NY000010"+"00008080"+"1012241"+"00012345") + "\n")
	b.WriteString(pad("NY090020"+"001234567"+"0000001"+"12345678903") + "\n")
	var sum int64
	n := 0
	for i, it := range items {
		tr := fmt.Sprintf("%07d", i+1)
		amount := fmt.Sprintf("%017d", it.ore)
		if i == bad {
			amount = "00000000000ABC000"
		} else {
			sum += it.ore
			n++
		}
		l1 := "NY091030" + tr + "101224" + "01" + "10" + "0" + fmt.Sprintf("%05d", i+1) + "0" + amount +
			fmt.Sprintf("%25s", it.kid) + "00" + "0000"
		b.WriteString(l1 + "\n")
		b.WriteString(pad("NY091031"+tr+"0000000000"+"001234567"+"0000000"+"101224"+"12345678903") + "\n")
	}
	b.WriteString(pad("NY090088"+fmt.Sprintf("%08d%08d%017d", n, 2*n+2, sum)+"101224"+"101224"+"101224") + "\n")
	b.WriteString(pad("NY000089"+fmt.Sprintf("%08d%08d%017d", n, 2*n+4, sum)+"101224") + "\n")
	return b.String()
}

// famSeed is a municipality of n one-child families, for runs compared
// across stores.
type famSeed struct {
	unit       domain.Unit
	guardians  []domain.Guardian
	children   []domain.Child
	placements []domain.Placement
	families   []billing.Family
	list       billing.PriceList
}

func newFamSeed(t testing.TB, m domain.Municipality, n int) famSeed {
	f := &fixture{m: m}
	s := famSeed{unit: f.unit(domain.Kindergarten), list: kindergartenList(m, d(2024, 8, 1))}
	for i := 0; i < n; i++ {
		g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: fmt.Sprintf("Forelder %d", i),
			FamilyName: "Nordmann", AddressProtection: domain.ProtectionNone}
		c := benchChild(f, i)
		p := f.placement(c, s.unit, d(2024, 8, 1), date.Zero)
		p.HoursPerWeek = 20 + i%25
		if i%5 == 0 {
			p.Period.Start = d(2024, 9, 1+i%28) // starts inside the month
		}
		fam := billing.Family{ID: domain.NewID[billing.Family](), Municipality: m, Payer: g.ID, Members: []billing.Member{
			{ID: domain.NewID[billing.Member](), Municipality: m, Child: c.ID, Period: domain.Period{Start: d(2024, 8, 1)}},
		}}
		fam.Members[0].Family = fam.ID
		s.guardians, s.children, s.placements, s.families = append(s.guardians, g), append(s.children, c),
			append(s.placements, p), append(s.families, fam)
	}
	return s
}

func (fs famSeed) load(t testing.TB, ctx context.Context, s BillingStore) {
	t.Helper()
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateUnit(ctx, fs.unit); err != nil {
			return err
		}
		for i := range fs.children {
			if err := s.CreateGuardian(ctx, fs.guardians[i]); err != nil {
				return err
			}
			if err := s.CreateChild(ctx, fs.children[i]); err != nil {
				return err
			}
			if err := s.CreatePlacement(ctx, fs.placements[i]); err != nil {
				return err
			}
			if err := s.CreateFamily(ctx, fs.families[i]); err != nil {
				return err
			}
		}
		return s.CreatePriceList(ctx, fs.list)
	}))
}

type invoiceView struct {
	number int64
	kid    string
	payer  domain.GuardianID
	total  string
	lines  []line
}

func viewOf(invs []billing.Invoice) []invoiceView {
	out := make([]invoiceView, len(invs))
	for i, inv := range invs {
		out[i] = invoiceView{inv.Number, inv.KID, inv.Payer, inv.Total.StringFixed(2), linesOf(inv, nil)}
	}
	return out
}

// testInterruptedRun: a run cancelled half-way leaves nothing, and running
// it again gives exactly the invoices of an uninterrupted run on a store
// with the same data.
func testInterruptedRun(t *testing.T, s, other BillingStore) {
	ctx := ctxFor(t)
	seed := newFamSeed(t, Oslo, 30)
	seed.load(t, ctx, s)
	seed.load(t, ctx, other)
	clk := &clock{}
	clk.set(d(2024, 9, 5))
	case_ := domain.CaseworkerActor(Oslo, "jobb")

	// The uninterrupted run.
	ref, err := runAll(ctx, &billing.Service{Store: other, Clock: clk, Notifier: &feeNotices{}, Settings: billing.DefaultSettings()},
		case_, Oslo, month(2024, 9))
	require.NoError(t, err)
	require.Len(t, ref.Invoices, 30)

	// Cancelled after the 15th notice, inside the transaction.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rec := &feeNotices{after: 15, cancel: cancel}
	svc := &billing.Service{Store: s, Clock: clk, Notifier: rec, Settings: billing.DefaultSettings()}
	_, err = svc.RunInvoices(cctx, case_, Oslo, month(2024, 9))
	require.Error(t, err)
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
	runs, err := s.InvoiceRuns(ctx, Oslo)
	require.NoError(t, err)
	assert.Empty(t, runs)
	invs, err := s.Invoices(ctx, Oslo, month(2024, 9))
	require.NoError(t, err)
	assert.Empty(t, invs)
	ds, err := s.FeeDecisions(ctx, Oslo)
	require.NoError(t, err)
	assert.Empty(t, ds)

	// Run again.
	svc.Notifier = &feeNotices{}
	res, err := svc.RunInvoices(ctx, case_, Oslo, month(2024, 9))
	require.NoError(t, err)
	require.True(t, res.Created)
	stored, err := s.Invoices(ctx, Oslo, month(2024, 9))
	require.NoError(t, err)
	refStored, err := other.Invoices(ctx, Oslo, month(2024, 9))
	require.NoError(t, err)
	assert.Equal(t, viewOf(refStored), viewOf(stored))
	assert.Equal(t, ref.Run.Total.StringFixed(2), res.Run.Total.StringFixed(2))
	// A placement starting on 1 + i%28 September is charged by days:
	// child 5 starts on the 6th, 25 of 30 days; 20 + 5 = 25 h is the 60 %
	// bracket: 1 200 × 25/30 = 1 000.00 and food 300 × 25/30 = 250.00.
	var five billing.Invoice
	for _, inv := range stored {
		if inv.Payer == seed.guardians[5].ID {
			five = inv
		}
	}
	require.Len(t, five.Lines, 2)
	assert.Equal(t, "1000.00", five.Lines[0].Amount.StringFixed(2))
	assert.Equal(t, "250.00", five.Lines[1].Amount.StringFixed(2))
	assert.Equal(t, 25, five.Lines[0].Days)
}

func testPriceLists(t *testing.T, s BillingStore) {
	ctx := ctxFor(t)
	kg := kindergartenList(Oslo, d(2024, 8, 1))
	require.NoError(t, s.CreatePriceList(ctx, kg))
	// Overlapping another kindergarten list: refused, nothing written.
	later := kindergartenList(Oslo, d(2025, 1, 1))
	requireField(t, s.CreatePriceList(ctx, later), domain.ErrConflict, "period")
	// Above the national maximum (2 000 kr from 2024-08-01): refused.
	high := kindergartenList(Oslo, d(2023, 8, 1))
	high.Period.End = d(2024, 12, 31)
	high.Kindergarten.FullTimePrice = money("3000.00") // the maximum until 2024-07-31, not after
	requireField(t, s.CreatePriceList(ctx, high), domain.ErrInvalid, "kindergarten.fullTimePrice")
	above := kindergartenList(Bergen, d(2024, 8, 1))
	above.Kindergarten.FullTimePrice = money("2000.01")
	requireField(t, s.CreatePriceList(ctx, above), domain.ErrInvalid, "kindergarten.fullTimePrice")
	// The earlier year at its own maximum is fine, and so is an SFO list.
	old := kindergartenList(Oslo, d(2023, 8, 1))
	old.Period.End = d(2024, 7, 31)
	old.Kindergarten.FullTimePrice = money("3000.00")
	require.NoError(t, s.CreatePriceList(ctx, old))
	require.NoError(t, s.CreatePriceList(ctx, sfoList(Oslo, d(2024, 8, 1))))
	// Inside a transaction, a refused list leaves the transaction usable.
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		requireField(t, s.CreatePriceList(ctx, kindergartenList(Oslo, d(2024, 9, 1))), domain.ErrConflict, "period")
		return s.CreatePriceList(ctx, sfoList(Bergen, d(2024, 8, 1)))
	}))
	lists, err := s.PriceLists(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, lists, 3)
	assert.Equal(t, old.ID, lists[0].ID)
	assert.Equal(t, kg.ID, lists[1].ID)
	assert.Equal(t, kgText(*kg.Kindergarten), kgText(*lists[1].Kindergarten))
	assert.True(t, lists[2].SiblingsAcross)
	assert.Equal(t, "0.25", lists[2].SFO.SiblingDiscounts[1].String())
	bl, err := s.PriceLists(ctx, Bergen)
	require.NoError(t, err)
	assert.Len(t, bl, 1)
}

func testFamiliesAndIncome(t *testing.T, s BillingStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	g, g2 := f.guardian(t), f.guardian(t)
	c := f.child(t)
	require.NoError(t, s.CreateGuardian(ctx, g))
	require.NoError(t, s.CreateGuardian(ctx, g2))
	require.NoError(t, s.CreateChild(ctx, c))
	member := func(fam billing.FamilyID, start, end date.Date) billing.Member {
		return billing.Member{ID: domain.NewID[billing.Member](), Municipality: Oslo, Family: fam, Child: c.ID,
			Period: domain.Period{Start: start, End: end}}
	}
	a := billing.Family{ID: domain.NewID[billing.Family](), Municipality: Oslo, Payer: g.ID}
	ma := member(a.ID, d(2024, 1, 1), date.Zero)
	a.Members = []billing.Member{ma}
	require.NoError(t, s.CreateFamily(ctx, a))

	// The child in a second family on a shared day: refused, nothing written.
	b := billing.Family{ID: domain.NewID[billing.Family](), Municipality: Oslo, Payer: g2.ID}
	b.Members = []billing.Member{member(b.ID, d(2024, 6, 1), date.Zero)}
	requireField(t, s.CreateFamily(ctx, b), domain.ErrConflict, "members")
	fams, err := s.Families(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, fams, 1)
	// A payer that does not exist; a member without a person.
	bad := billing.Family{ID: domain.NewID[billing.Family](), Municipality: Oslo, Payer: domain.NewID[domain.Guardian]()}
	requireField(t, s.CreateFamily(ctx, bad), domain.ErrInvalid, "payer")
	bad.Payer = g2.ID
	bad.Members = []billing.Member{{ID: domain.NewID[billing.Member](), Municipality: Oslo, Family: bad.ID, Period: domain.Period{Start: d(2024, 1, 1)}}}
	requireField(t, s.CreateFamily(ctx, bad), domain.ErrInvalid, "members[0].guardian")
	// The child twice in one family on a shared day (billing.CheckMembers).
	twice := billing.Family{ID: domain.NewID[billing.Family](), Municipality: Oslo, Payer: g2.ID}
	twice.Members = []billing.Member{member(twice.ID, d(2023, 1, 1), d(2023, 6, 30)), member(twice.ID, d(2023, 6, 1), d(2023, 12, 31))}
	requireField(t, s.CreateFamily(ctx, twice), domain.ErrConflict, "members")
	// A membership keeps its family and person (billing.CheckMemberUpdate).
	elsewhere := ma
	elsewhere.Family = b.ID
	requireField(t, s.PutMember(ctx, elsewhere), domain.ErrConflict, "id")
	fams, err = s.Families(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, fams, 1)

	// Moving: end the membership in a, then b takes the child.
	ma.Period.End = d(2024, 5, 31)
	require.NoError(t, s.PutMember(ctx, ma))
	require.NoError(t, s.CreateFamily(ctx, b))
	got, err := s.Family(ctx, Oslo, a.ID)
	require.NoError(t, err)
	require.Len(t, got.Members, 1)
	assert.Equal(t, d(2024, 5, 31), got.Members[0].Period.End)
	_, err = s.Family(ctx, Bergen, a.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)

	// Income decisions: from the month after the application, within the
	// kindergarten year; no two for one family on a shared day.
	dec := billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](), Municipality: Oslo, Family: a.ID,
		AnnualIncome: money("450000.50"), Applied: d(2024, 8, 14), Period: domain.Period{Start: d(2024, 9, 1), End: d(2025, 7, 31)},
		Documentation: "a-melding"}
	require.NoError(t, s.CreateIncomeDecision(ctx, dec))
	dup := dec
	dup.ID = domain.NewID[billing.IncomeDecision]()
	dup.Period = domain.Period{Start: d(2025, 1, 1), End: d(2025, 7, 31)}
	requireField(t, s.CreateIncomeDecision(ctx, dup), domain.ErrConflict, "period")
	early := dec
	early.ID = domain.NewID[billing.IncomeDecision]()
	early.Period = domain.Period{Start: d(2024, 8, 1), End: d(2024, 8, 31)}
	requireField(t, s.CreateIncomeDecision(ctx, early), domain.ErrInvalid, "period.start")
	long := dec
	long.ID = domain.NewID[billing.IncomeDecision]()
	long.Period.End = d(2025, 8, 31)
	requireField(t, s.CreateIncomeDecision(ctx, long), domain.ErrInvalid, "period.end")
	ds, err := s.IncomeDecisions(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, "450000.5", ds[0].AnnualIncome.String())
	assert.Equal(t, dec.Period, ds[0].Period)
	assert.Equal(t, "a-melding", ds[0].Documentation)

	// By family: b's decision (a second one) and a's, in the order of
	// IncomeDecisions; only the families asked for; no other
	// municipality's.
	decB := billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](), Municipality: Oslo, Family: b.ID,
		AnnualIncome: money("300000"), Applied: d(2024, 7, 20), Period: domain.Period{Start: d(2024, 8, 1), End: d(2025, 7, 31)},
		Documentation: "skattemelding"}
	require.NoError(t, s.CreateIncomeDecision(ctx, decB))
	of, err := s.IncomeDecisionsOf(ctx, Oslo, []billing.FamilyID{a.ID, b.ID})
	require.NoError(t, err)
	all, err := s.IncomeDecisions(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, all, of, "both families: every decision, in the same order")
	require.Len(t, of, 2)
	assert.Equal(t, decB.ID, of[0].ID, "by start")
	of, err = s.IncomeDecisionsOf(ctx, Oslo, []billing.FamilyID{b.ID, domain.NewID[billing.Family]()})
	require.NoError(t, err)
	require.Len(t, of, 1, "only the family asked for; an unknown one adds nothing")
	assert.Equal(t, decB.Family, of[0].Family)
	assert.True(t, decB.AnnualIncome.Equal(of[0].AnnualIncome), "income %s", of[0].AnnualIncome)
	assert.Equal(t, decB.Period, of[0].Period)
	assert.Equal(t, decB.Documentation, of[0].Documentation)
	of, err = s.IncomeDecisionsOf(ctx, Bergen, []billing.FamilyID{a.ID, b.ID})
	require.NoError(t, err)
	assert.Empty(t, of, "another municipality's families")
	of, err = s.IncomeDecisionsOf(ctx, Oslo, nil)
	require.NoError(t, err)
	assert.NotNil(t, of)
	assert.Empty(t, of)

	// One by its ID (the letter's read): the store's own read, if it has
	// one, gives what the list gives; an unknown ID, or another
	// municipality's, is not found.
	_, own := s.(billing.IncomeDecisionReader)
	assert.True(t, own, "both stores read one income decision by its ID")
	for _, want := range all {
		got, err := billing.ReadIncomeDecision(ctx, s, Oslo, want.ID)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err = billing.ReadIncomeDecision(ctx, s, Oslo, domain.NewID[billing.IncomeDecision]())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = billing.ReadIncomeDecision(ctx, s, Bergen, decB.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "another municipality's decision")
}

// testBillingRoundTrip: what a run stores reads back field by field.
func testBillingRoundTrip(t *testing.T, s BillingStore) {
	ctx := ctxFor(t)
	seed := newFamSeed(t, Oslo, 3)
	seed.load(t, ctx, s)
	clk := &clock{}
	clk.set(d(2024, 9, 5))
	svc := &billing.Service{Store: s, Clock: clk, Notifier: &feeNotices{}, Settings: billing.DefaultSettings()}
	res, err := runAll(ctx, svc, domain.SystemActor(Oslo, "fakturering"), Oslo, month(2024, 9))
	require.NoError(t, err)
	stored, err := s.Invoices(ctx, Oslo, month(2024, 9))
	require.NoError(t, err)
	require.Len(t, stored, 3)
	for i := range stored {
		want := res.Invoices[i]
		got := stored[i]
		assert.Equal(t, want.ID, got.ID)
		assert.Equal(t, want.KID, got.KID)
		assert.Equal(t, want.Due, got.Due)
		assert.Equal(t, want.Issued, got.Issued)
		assert.Equal(t, want.Family, got.Family)
		assert.Equal(t, want.Total.StringFixed(2), got.Total.StringFixed(2))
		require.Len(t, got.Lines, len(want.Lines))
		for j := range got.Lines {
			w, g := want.Lines[j], got.Lines[j]
			assert.Equal(t, w.Child, g.Child)
			assert.Equal(t, w.Month, g.Month)
			assert.Equal(t, w.Days, g.Days)
			assert.Equal(t, w.Gross.StringFixed(2), g.Gross.StringFixed(2))
			assert.Equal(t, w.Full.StringFixed(2), g.Full.StringFixed(2))
			assert.Equal(t, len(w.Reductions), len(g.Reductions))
		}
	}
	byKID, err := s.InvoiceByKID(ctx, Oslo, stored[1].KID)
	require.NoError(t, err)
	assert.Equal(t, stored[1].ID, byKID.ID)
	_, err = s.InvoiceByKID(ctx, Bergen, stored[1].KID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	ds, err := s.FeeDecisions(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, ds, 3)
	for _, x := range res.Decisions {
		found := false
		for _, y := range ds {
			if y.ID == x.ID {
				found = true
				assert.Equal(t, x.Fee.StringFixed(2), y.Fee.StringFixed(2))
				assert.Equal(t, stepsText(x.Steps), stepsText(y.Steps))
				assert.Equal(t, x.Reasons, y.Reasons)
				assert.Equal(t, x.Placement, y.Placement)
				assert.Equal(t, x.RulesFrom, y.RulesFrom)
				assert.Equal(t, x.From, y.From)
			}
		}
		assert.True(t, found)
	}
	billed, err := s.BilledSince(ctx, Oslo, month(2024, 9), month(2024, 9))
	require.NoError(t, err)
	assert.Len(t, billed, 6)
	// A run whose invoice total is not the sum of its lines is refused
	// before anything is written.
	bad := res.Run
	bad.Month = month(2024, 10)
	inv := res.Invoices[0]
	inv.ID, inv.Month, inv.KID = domain.NewID[billing.Invoice](), bad.Month, "0000000999"
	inv.Number, bad.FirstNumber, bad.LastNumber, bad.Invoices = 100, 100, 100, 1
	inv.Total = inv.Total.Add(decimal.New(1, -2))
	requireField(t, s.CreateInvoiceRun(ctx, bad, []billing.Invoice{inv}), domain.ErrInvalid, "invoices[0].total")
	none, err := s.Invoices(ctx, Oslo, bad.Month)
	require.NoError(t, err)
	assert.Empty(t, none)
	// So is one whose KID another invoice has, as a conflict on "kid".
	inv.Total, inv.KID = res.Invoices[0].Total, stored[0].KID
	requireField(t, s.CreateInvoiceRun(ctx, bad, []billing.Invoice{inv}), domain.ErrConflict, "kid")
	none, err = s.Invoices(ctx, Oslo, bad.Month)
	require.NoError(t, err)
	assert.Empty(t, none)
	// A fee decision for a child not in the register is refused, on the
	// field "child".
	stray := res.Decisions[0]
	stray.ID, stray.Child = domain.NewID[billing.FeeDecision](), domain.NewID[domain.Child]()
	requireField(t, s.CreateFeeDecisions(ctx, []billing.FeeDecision{stray}), domain.ErrInvalid, "child")
	ds, err = s.FeeDecisions(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, ds, 3)
	// A second run of the month in the store is a conflict.
	empty := res.Run
	empty.Invoices, empty.LastNumber = 0, empty.FirstNumber-1
	requireField(t, s.CreateInvoiceRun(ctx, empty, nil), domain.ErrConflict, "month")
	runs, err := s.InvoiceRuns(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, runs, 1)
	assert.Equal(t, res.Run.Total.StringFixed(2), runs[0].Total.StringFixed(2))
	assert.Equal(t, int64(3), runs[0].LastNumber)
}

func stepsText(ss []billing.DecisionStep) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s.Code) + " " + s.Before.StringFixed(2) + " " + s.After.StringFixed(2)
	}
	return out
}

func kgText(k billing.KindergartenPrices) string {
	out := k.FullTimePrice.String() + " " + string(k.SiblingOrder) + " " + string(k.Rounding)
	for _, b := range k.Brackets {
		out += fmt.Sprintf(" [%d %s %s]", b.MinHours, b.Share.String(), b.Food.String())
	}
	return out
}

// testMoveBetweenFamilies: a child invoiced to one family for September is
// registered, in October, as living with the other parent from 1
// September. The October run credits the first payer and charges the
// second; the invoice already sent stays as it was.
func testMoveBetweenFamilies(t *testing.T, s BillingStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	kg := f.unit(domain.Kindergarten)
	ga, gb := f.guardian(t), f.guardian(t)
	c := f.child(t)
	c.BirthDate = d(2020, 6, 1)
	c.NationalID = domain.NationalID{}
	p := f.placement(c, kg, d(2024, 8, 1), date.Zero)
	p.HoursPerWeek = 45
	a := billing.Family{ID: domain.NewID[billing.Family](), Municipality: Oslo, Payer: ga.ID}
	ma := billing.Member{ID: domain.NewID[billing.Member](), Municipality: Oslo, Family: a.ID, Child: c.ID, Period: domain.Period{Start: d(2024, 8, 1)}}
	a.Members = []billing.Member{ma}
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		for _, fn := range []func() error{
			func() error { return s.CreateUnit(ctx, kg) },
			func() error { return s.CreateGuardian(ctx, ga) },
			func() error { return s.CreateGuardian(ctx, gb) },
			func() error { return s.CreateChild(ctx, c) },
			func() error { return s.CreatePlacement(ctx, p) },
			func() error { return s.CreateFamily(ctx, a) },
			func() error { return s.CreatePriceList(ctx, kindergartenList(Oslo, d(2024, 8, 1))) },
		} {
			if err := fn(); err != nil {
				return err
			}
		}
		return nil
	}))
	clk := &clock{}
	svc := &billing.Service{Store: s, Clock: clk, Notifier: &feeNotices{}, Settings: billing.DefaultSettings()}
	actor := domain.CaseworkerActor(Oslo, "saksbehandler")
	clk.set(d(2024, 9, 5))
	sep, err := runAll(ctx, svc, actor, Oslo, month(2024, 9))
	require.NoError(t, err)
	require.Len(t, sep.Invoices, 1)
	// 45 h, one child, no income decision: 2 000.00 and food 500.00.
	assert.Equal(t, "2500.00", sep.Invoices[0].Total.StringFixed(2))

	// The move, registered in October, dated 1 September.
	ma.Period.End = d(2024, 8, 31)
	require.NoError(t, s.PutMember(ctx, ma))
	b := billing.Family{ID: domain.NewID[billing.Family](), Municipality: Oslo, Payer: gb.ID, Members: []billing.Member{}}
	b.Members = append(b.Members, billing.Member{ID: domain.NewID[billing.Member](), Municipality: Oslo, Family: b.ID,
		Child: c.ID, Period: domain.Period{Start: d(2024, 9, 1)}})
	require.NoError(t, s.CreateFamily(ctx, b))

	clk.set(d(2024, 10, 5))
	oct, err := runAll(ctx, svc, actor, Oslo, month(2024, 10))
	require.NoError(t, err)
	require.Len(t, oct.Invoices, 2)
	byPayer := map[domain.GuardianID]billing.Invoice{}
	for _, inv := range oct.Invoices {
		byPayer[inv.Payer] = inv
	}
	names := map[domain.ChildID]string{c.ID: "c"}
	// The first payer: September credited, −2 000.00 and −500.00.
	assert.Equal(t, []line{
		{"c", domain.Kindergarten, billing.ItemFee, month(2024, 9), true, "-2000.00"},
		{"c", domain.Kindergarten, billing.ItemFood, month(2024, 9), true, "-500.00"},
	}, linesOf(byPayer[ga.ID], names))
	assert.Equal(t, "-2500.00", byPayer[ga.ID].Total.StringFixed(2))
	assert.Equal(t, a.ID, byPayer[ga.ID].Family)
	// The second payer: October, and September charged now.
	assert.Equal(t, []line{
		{"c", domain.Kindergarten, billing.ItemFee, month(2024, 10), false, "2000.00"},
		{"c", domain.Kindergarten, billing.ItemFood, month(2024, 10), false, "500.00"},
		{"c", domain.Kindergarten, billing.ItemFee, month(2024, 9), true, "2000.00"},
		{"c", domain.Kindergarten, billing.ItemFood, month(2024, 9), true, "500.00"},
	}, linesOf(byPayer[gb.ID], names))
	assert.Equal(t, "5000.00", byPayer[gb.ID].Total.StringFixed(2))
	// The amount did not change, so no new fee decision.
	assert.Empty(t, oct.Decisions)
	stored, err := s.Invoices(ctx, Oslo, month(2024, 9))
	require.NoError(t, err)
	require.Len(t, stored, 1)
	assert.Equal(t, ga.ID, stored[0].Payer)
	assert.Equal(t, "2500.00", stored[0].Total.StringFixed(2))
}

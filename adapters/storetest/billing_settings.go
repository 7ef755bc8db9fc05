package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// testBillingSettings: settings are stored per municipality and read back;
// an invalid bank account number is refused with field and reason; none
// stored is ErrNotFound, in the other municipality too.
func testBillingSettings(t *testing.T, s BillingStore) {
	ctx := ctxFor(t)
	_, err := s.BillingSettings(ctx, Oslo)
	require.ErrorIs(t, err, domain.ErrNotFound)

	st := billing.Settings{Municipality: Oslo, BankAccount: "32074068323", KIDMethod: billing.KIDMod11, DueDay: 20,
		CorrectionMonths: 3, FirstMonth: month(2025, time.September)}
	bad := st
	bad.BankAccount = "32074068324" // the check digit of 3207406832 is 3
	err = s.PutBillingSettings(ctx, bad)
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []domain.FieldError{{Field: "bankAccount", Reason: billing.ReasonBankAccountCheck}}, ve.Fields)
	bad.BankAccount, bad.FirstMonth = "1234", billing.Month{}
	err = s.PutBillingSettings(ctx, bad)
	require.ErrorAs(t, err, &ve)
	assert.ElementsMatch(t, []domain.FieldError{{Field: "bankAccount", Reason: billing.ReasonBankAccountDigits},
		{Field: "firstMonth", Reason: billing.ReasonRequired}}, ve.Fields)
	_, err = s.BillingSettings(ctx, Oslo)
	require.ErrorIs(t, err, domain.ErrNotFound, "a refused write stores nothing")

	require.NoError(t, s.PutBillingSettings(ctx, st))
	got, err := s.BillingSettings(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, st, got)
	st.DueDay = 0
	require.NoError(t, s.PutBillingSettings(ctx, st), "replaced")
	got, err = s.BillingSettings(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, 0, got.DueDay)
	_, err = s.BillingSettings(ctx, Bergen)
	require.ErrorIs(t, err, domain.ErrNotFound, "scoped by municipality")
}

// missingThreshold is a kindergarten table of one row: the built-in
// 2025-08-01 row with the free-core income threshold the built-in table
// lacks. 700 000 kr is a value for the test, not the real figure.
const missingThreshold = `{
  "description": "Correction of the 2025-08-01 row: the income threshold for free core hours",
  "rows": [
    {
      "validFrom": "2025-08-01",
      "maxPrice": {"ordinary": "1200.00", "reduced": "700.00"},
      "freeZone": true,
      "siblingDiscounts": ["0", "0.30", "1.00"],
      "incomeCapShare": "0.06",
      "billedMonthsPerYear": 11,
      "feeFreeMonths": [7],
      "freeCoreHours": 20,
      "freeCoreIncomeThreshold": "700000.00",
      "source": "test value",
      "provisional": true
    }
  ]
}`

// testRuleTableLoad: a national table loaded for a municipality turns
// unknown-rules into the right fee, leaves the invoices already made as
// they were, and the next run's correction lines carry the difference.
//
// Two families, each a child born 2020 (free core hours from August 2022
// to July 2026) in kindergarten 41 h a week from 2025-08-01, the
// municipality's list 1 200 kr full time, food 500 kr. Family A has an
// income decision of 300 000 kr from September; family B none. The
// built-in 2025-08-01 row has no income threshold, so A's fee is
// unknown-rules in September (A is skipped, B invoiced 1 200 + 500 =
// 1 700,00). After loading the threshold 700 000 kr (income below it):
// income cap 0.06 × 300 000 / 11 = 1 636,36 is above 1 200, no cap; free
// core hours 1 200 × (41 − 20) / 41 = 614,634… = 614,63 kr; food 500,00.
// The October run charges A 614,63 + 500,00 for October and the same as
// correction lines for September (never invoiced): 2 229,26 in all.
func testRuleTableLoad(t *testing.T, s BillingStore) {
	ctx := ctxFor(t)
	m := Oslo
	clk := &clock{}
	svc := &billing.Service{Store: s, Clock: clk, Notifier: &feeNotices{}}
	admin := domain.AdminActor(m, "admin-1").Named("Arne Administrator")
	f := &fixture{m: m}
	unit := f.unit(domain.Kindergarten)
	list := billing.PriceList{ID: domain.NewID[billing.PriceList](), Municipality: m, Kind: domain.Kindergarten,
		Period: domain.Period{Start: d(2025, 8, 1), End: d(2026, 7, 31)}, Zone: billing.ZoneOrdinary,
		Kindergarten: &billing.KindergartenPrices{FullTimePrice: money("1200.00"), Brackets: []billing.KindergartenBracket{
			{MinHours: 0, Share: money("1.00"), Food: money("500.00")}}}}
	var fams []billing.Family
	names := map[domain.ChildID]string{}
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateUnit(ctx, unit); err != nil {
			return err
		}
		for _, name := range []string{"A", "B"} {
			g, c := f.guardian(t), f.child(t)
			names[c.ID] = name
			p := f.placement(c, unit, d(2025, 8, 1), date.Zero)
			p.HoursPerWeek = 41
			fam := billing.Family{ID: domain.NewID[billing.Family](), Municipality: m, Payer: g.ID, Members: []billing.Member{
				{ID: domain.NewID[billing.Member](), Municipality: m, Child: c.ID, Period: domain.Period{Start: d(2025, 8, 1)}}}}
			fam.Members[0].Family = fam.ID
			for _, err := range []error{s.CreateGuardian(ctx, g), s.CreateChild(ctx, c), s.CreatePlacement(ctx, p), s.CreateFamily(ctx, fam)} {
				if err != nil {
					return err
				}
			}
			fams = append(fams, fam)
		}
		return s.CreatePriceList(ctx, list)
	}))
	require.NoError(t, s.CreateIncomeDecision(ctx, billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](), Municipality: m,
		Family: fams[0].ID, AnnualIncome: money("300000"), Applied: d(2025, 8, 20),
		Period: domain.Period{Start: d(2025, 9, 1), End: d(2026, 7, 31)}, Documentation: "test"}))

	clk.set(d(2025, 9, 5))
	cw := domain.CaseworkerActor(m, "saksbehandler-1")
	_, err := svc.RunInvoices(ctx, cw, m, month(2025, time.September))
	requireField(t, err, domain.ErrInvalid, "settings") // none stored: no run at all
	_, err = svc.PutSettings(ctx, cw, billing.Settings{Municipality: m, BankAccount: "3207 40 68323", DueDay: 20,
		CorrectionMonths: 3, FirstMonth: month(2025, time.September)})
	require.NoError(t, err)

	// Before the first month, a typo'd far month, a month that does not
	// exist: refused, nothing written.
	for _, bad := range []billing.Month{month(2025, time.August), month(2026, time.February), month(2015, time.September), {Year: 2026, Month: 13}} {
		_, err := svc.RunInvoices(ctx, cw, m, bad)
		requireField(t, err, domain.ErrInvalid, "month")
	}
	runs, err := s.InvoiceRuns(ctx, m)
	require.NoError(t, err)
	assert.Empty(t, runs, "a refused run writes nothing")

	sept, err := runAll(ctx, svc, cw, m, month(2025, time.September))
	require.NoError(t, err)
	require.Len(t, sept.Invoices, 1)
	assert.Equal(t, "1700.00", sept.Invoices[0].Total.StringFixed(2))
	require.Len(t, sept.Skipped, 1)
	assert.Equal(t, "A", names[sept.Skipped[0].Child])
	assert.Equal(t, "freeCoreIncomeThreshold", sept.Skipped[0].Unknown)
	assert.Equal(t, billing.SkipUnknownRules, sept.Skipped[0].Code)
	sent, err := s.Invoices(ctx, m, month(2025, time.September))
	require.NoError(t, err)

	// A caseworker may not load a table; a malformed one is refused with
	// its line and field, nothing stored.
	_, err = svc.LoadRuleTable(ctx, cw, domain.Kindergarten, "Udir", []byte(missingThreshold))
	require.ErrorIs(t, err, domain.ErrForbidden)
	broken := strings.Replace(missingThreshold, `"700000.00"`, `"700 000"`, 1)
	_, err = svc.LoadRuleTable(ctx, admin, domain.Kindergarten, "Udir", []byte(broken))
	requireField(t, err, domain.ErrInvalid, "table:13:rows[0].freeCoreIncomeThreshold")
	loaded, err := s.RuleTables(ctx, m)
	require.NoError(t, err)
	assert.Empty(t, loaded)

	clk.set(d(2025, 10, 6))
	rt, err := svc.LoadRuleTable(ctx, admin, domain.Kindergarten, "Udir-circular (test)", []byte(missingThreshold))
	require.NoError(t, err)
	assert.Equal(t, 1, rt.Version)
	assert.Equal(t, "Arne Administrator", rt.LoadedBy)
	assert.Equal(t, []billing.RowChange{{ValidFrom: d(2025, 8, 1), Change: billing.RowChanged,
		Fields: []string{"freeCoreIncomeThreshold", "source"}}}, rt.Changes)
	loaded, err = s.RuleTables(ctx, m)
	require.NoError(t, err)
	require.Len(t, loaded, 1)
	assert.Equal(t, missingThreshold, loaded[0].Data, "kept byte for byte")
	assert.Equal(t, rt.Changes, loaded[0].Changes)
	other, err := s.RuleTables(ctx, Bergen)
	require.NoError(t, err)
	assert.Empty(t, other, "loaded for one municipality only")
	dup := loaded[0]
	dup.ID = domain.NewID[billing.RuleTable]()
	require.ErrorIs(t, s.AddRuleTable(ctx, dup), domain.ErrConflict, "a version is never replaced")

	after, err := s.Invoices(ctx, m, month(2025, time.September))
	require.NoError(t, err)
	assert.Equal(t, viewOf(sent), viewOf(after), "the invoices already made are untouched")

	oct, err := runAll(ctx, svc, cw, m, month(2025, time.October))
	require.NoError(t, err)
	assert.Empty(t, oct.Skipped)
	var a billing.Invoice
	for _, inv := range oct.Invoices {
		if inv.Payer == fams[0].Payer {
			a = inv
		} else {
			assert.Equal(t, "1700.00", inv.Total.StringFixed(2), "B: no corrections")
		}
	}
	assert.Equal(t, []line{
		{"A", domain.Kindergarten, billing.ItemFee, month(2025, time.October), false, "614.63"},
		{"A", domain.Kindergarten, billing.ItemFood, month(2025, time.October), false, "500.00"},
		{"A", domain.Kindergarten, billing.ItemFee, month(2025, time.September), true, "614.63"},
		{"A", domain.Kindergarten, billing.ItemFood, month(2025, time.September), true, "500.00"},
	}, linesOf(a, names))
	assert.Equal(t, "2229.26", a.Total.StringFixed(2))
}

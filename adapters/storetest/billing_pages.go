package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// RunFamiliesPage runs the suite of billing.Store.FamiliesPage and
// CountFamilies: keyset pages in ID order, forward and backward, with
// their members; the search of every word in the name of the payer, an
// adult or a child (ignoring case: Æ finds æ, but Ä is not Æ, as
// domain.MatchesSearch), or the start of a national ID; the counts in
// SQL; another municipality's families never.
func RunFamiliesPage(t *testing.T, newStore func(t *testing.T) BillingStore) {
	s := newStore(t)
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	start := date.New(2024, time.January, 1)
	var fams []billing.Family
	var kids []domain.Child
	family := func(f *fixture, payerName [2]string, childName [2]string, adultName [2]string) billing.Family {
		t.Helper()
		g := f.guardian(t)
		if payerName[0] != "" {
			g.GivenName, g.FamilyName = payerName[0], payerName[1]
		}
		require.NoError(t, s.CreateGuardian(ctx, g))
		c := f.child(t)
		if childName[0] != "" {
			c.GivenName, c.FamilyName = childName[0], childName[1]
		}
		require.NoError(t, s.CreateChild(ctx, c))
		fam := billing.Family{ID: domain.NewID[billing.Family](), Municipality: f.m, Payer: g.ID}
		fam.Members = append(fam.Members, billing.Member{ID: domain.NewID[billing.Member](), Municipality: f.m, Family: fam.ID, Child: c.ID, Period: domain.Period{Start: start}})
		if adultName[0] != "" {
			a := f.guardian(t)
			a.GivenName, a.FamilyName = adultName[0], adultName[1]
			require.NoError(t, s.CreateGuardian(ctx, a))
			fam.Members = append(fam.Members, billing.Member{ID: domain.NewID[billing.Member](), Municipality: f.m, Family: fam.ID, Guardian: a.ID, Period: domain.Period{Start: start}})
		}
		require.NoError(t, s.CreateFamily(ctx, fam))
		if f.m == Oslo {
			kids = append(kids, c)
		}
		return fam
	}
	none := [2]string{}
	aase := family(f, [2]string{"Åse", "Ærlig"}, [2]string{"Ola", "Øvrebø"}, none)
	kari := family(f, [2]string{"Kari", "Nordmann"}, none, [2]string{"Per", "Berg"})
	aasmund := family(f, [2]string{"Åsmund", "Ärlig"}, none, none)
	plain := family(f, none, none, none)
	last := family(f, none, none, none)
	fams = []billing.Family{aase, kari, aasmund, plain, last}
	other := family(&fixture{m: Bergen, seq: 100}, [2]string{"Åse", "Ærlig"}, none, none)
	slices.SortFunc(fams, func(x, y billing.Family) int { return x.ID.Compare(y.ID) })

	ids := func(fs []billing.Family) []billing.FamilyID {
		out := []billing.FamilyID{}
		for _, f := range fs {
			out = append(out, f.ID)
		}
		return out
	}
	walk := func(backward bool) []billing.Family {
		var out []billing.Family
		after := billing.FamilyID{}
		for range 5 {
			pg, err := s.FamiliesPage(ctx, Oslo, billing.FamilyQuery{After: after, Backward: backward, Limit: 2})
			require.NoError(t, err)
			out = append(out, pg...)
			if len(pg) < 2 {
				break
			}
			after = pg[len(pg)-1].ID
		}
		return out
	}
	forward := walk(false)
	assert.Equal(t, ids(fams), ids(forward), "every family once in ID order, the other municipality's never")
	for _, got := range forward {
		i := slices.IndexFunc(fams, func(f billing.Family) bool { return f.ID == got.ID })
		assert.Len(t, got.Members, len(fams[i].Members), "with its members")
		assert.Equal(t, fams[i].Payer, got.Payer)
	}
	back := walk(true)
	slices.Reverse(back)
	assert.Equal(t, ids(fams), ids(back), "backward: newest first")
	pg, err := s.FamiliesPage(ctx, Oslo, billing.FamilyQuery{After: fams[3].ID, Backward: true, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []billing.FamilyID{fams[2].ID, fams[1].ID}, ids(pg), "backward from a key")

	search := func(q string) []billing.FamilyID {
		t.Helper()
		pg, err := s.FamiliesPage(ctx, Oslo, billing.FamilyQuery{Search: q, Limit: 10})
		require.NoError(t, err)
		c, err := s.CountFamilies(ctx, Oslo, q)
		require.NoError(t, err)
		assert.Equal(t, len(pg), c.Matching, "counted as found: %q", q)
		return ids(pg)
	}
	one := func(f billing.Family) []billing.FamilyID { return []billing.FamilyID{f.ID} }
	assert.Equal(t, one(aase), search("ÆRLIG"), "Æ finds Æ ignoring case; Ä is not Æ")
	assert.Equal(t, one(aase), search("øvrebø ola"), "a child's name finds the family")
	assert.Equal(t, one(kari), search("per BERG"), "another adult's name")
	assert.Equal(t, one(aasmund), search("ärlig"))
	assert.Empty(t, search("ærlig øvrebø"), "every word in one person's name")
	nid := kids[3].NationalID.String()
	assert.Equal(t, one(plain), search(nid[:6]+" "+nid[6:]), "the national ID, spaces left out")
	assert.Len(t, search(""), 5)

	c, err := s.CountFamilies(ctx, Oslo, "")
	require.NoError(t, err)
	assert.Equal(t, billing.FamilyCounts{Families: 5, Children: 5, Matching: 5}, c)
	c, err = s.CountFamilies(ctx, Bergen, "ærlig")
	require.NoError(t, err)
	assert.Equal(t, billing.FamilyCounts{Families: 1, Children: 1, Matching: 1}, c)
	got, err := s.FamiliesPage(ctx, Bergen, billing.FamilyQuery{Search: "ærlig", Limit: 10})
	require.NoError(t, err)
	assert.Equal(t, one(other), ids(got))

	// WithIncomeDecisions keeps the families with a decision, either way.
	for _, f := range []billing.Family{kari, other} {
		require.NoError(t, s.CreateIncomeDecision(ctx, billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](), Municipality: f.Municipality,
			Family: f.ID, AnnualIncome: decimal.NewFromInt(450000), Applied: date.New(2024, time.August, 15),
			Period: domain.Period{Start: date.New(2024, time.September, 1), End: date.New(2025, time.July, 31)}, Documentation: "Skatteoppgjør"}))
	}
	for _, backward := range []bool{false, true} {
		got, err = s.FamiliesPage(ctx, Oslo, billing.FamilyQuery{WithIncomeDecisions: true, Backward: backward, Limit: 10})
		require.NoError(t, err)
		assert.Equal(t, one(kari), ids(got), "only the family with a decision, the other municipality's never")
	}
	got, err = s.FamiliesPage(ctx, Oslo, billing.FamilyQuery{WithIncomeDecisions: true, Search: "ærlig", Limit: 10})
	require.NoError(t, err)
	assert.Empty(t, got, "with a decision and found by the search")
}

// RunInvoicesPage runs the suite of billing.Store.InvoicesPage and
// CountInvoices: keyset pages of a month's invoices by number, forward
// and backward, with their lines; the search by the payer's name (every
// word, Æ finds æ), the start of the payer's national ID, the number or
// the KID; one payer's only; the counts and sums in SQL; another month's
// and another municipality's invoices never.
func RunInvoicesPage(t *testing.T, newStore func(t *testing.T) BillingStore) {
	s := newStore(t)
	ctx := ctxFor(t)
	sept, oct := billing.Month{Year: 2024, Month: time.September}, billing.Month{Year: 2024, Month: time.October}
	type made struct {
		inv   billing.Invoice
		payer domain.Guardian
	}
	number := int64(700) // numbers no name or national ID holds
	run := func(f *fixture, month billing.Month, names [][2]string) []made {
		t.Helper()
		var out []made
		var invs []billing.Invoice
		r := billing.Run{Municipality: f.m, Month: month, Made: month.First(), FirstNumber: number + 1}
		for i, name := range names {
			g := f.guardian(t)
			if name[0] != "" {
				g.GivenName, g.FamilyName = name[0], name[1]
			}
			require.NoError(t, s.CreateGuardian(ctx, g))
			c := f.child(t)
			require.NoError(t, s.CreateChild(ctx, c))
			number++
			kid, err := billing.MakeKID(fmt.Sprintf("%07d", 3000000+number), billing.KIDMod10)
			require.NoError(t, err)
			fee := decimal.RequireFromString("1000.25")
			inv := billing.Invoice{ID: domain.NewID[billing.Invoice](), Municipality: f.m, Month: month, Number: number, KID: kid,
				Payer: g.ID, Issued: month.First(), Due: month.First().AddDate(0, 0, 20), Total: fee,
				Lines: []billing.Line{{Child: c.ID, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: month, Days: 30, DaysInMonth: 30,
					Gross: fee, Full: fee, Amount: fee}}}
			if i%2 == 1 {
				corr := decimal.RequireFromString("-0.50")
				inv.Lines = append(inv.Lines, billing.Line{Child: c.ID, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: month.Prev(),
					Correction: true, Days: 30, DaysInMonth: 30, Gross: corr, Full: corr, Amount: corr})
				inv.Total = inv.Total.Add(corr)
			}
			r.Total = r.Total.Add(inv.Total)
			invs = append(invs, inv)
			out = append(out, made{inv, g})
		}
		r.Invoices, r.LastNumber = len(invs), number
		require.NoError(t, s.CreateInvoiceRun(ctx, r, invs))
		return out
	}
	oslo := &fixture{m: Oslo}
	none := [2]string{}
	invs := run(oslo, sept, [][2]string{{"Åse", "Ærlig"}, {"Åsmund", "Ärlig"}, none, none, none})
	run(oslo, oct, [][2]string{{"Åse", "Ærlig"}, none})
	run(&fixture{m: Bergen, seq: 100}, sept, [][2]string{{"Åse", "Ærlig"}})

	numbers := func(is []billing.Invoice) []int64 {
		out := []int64{}
		for _, inv := range is {
			out = append(out, inv.Number)
		}
		return out
	}
	walk := func(backward bool) []billing.Invoice {
		var out []billing.Invoice
		after := int64(0)
		for range 5 {
			pg, err := s.InvoicesPage(ctx, Oslo, billing.InvoiceQuery{Month: sept, After: after, Backward: backward, Limit: 2})
			require.NoError(t, err)
			out = append(out, pg...)
			if len(pg) < 2 {
				break
			}
			after = pg[len(pg)-1].Number
		}
		return out
	}
	want := []int64{701, 702, 703, 704, 705}
	forward := walk(false)
	assert.Equal(t, want, numbers(forward), "every invoice of the month once by number, no other month's or municipality's")
	for i, got := range forward {
		assert.Equal(t, invs[i].inv.ID, got.ID)
		assert.Equal(t, invs[i].inv.KID, got.KID)
		assert.Equal(t, invs[i].inv.Payer, got.Payer)
		assert.Equal(t, invs[i].inv.Total.StringFixed(2), got.Total.StringFixed(2))
		require.Len(t, got.Lines, len(invs[i].inv.Lines), "with its lines")
		assert.Equal(t, invs[i].inv.Lines[0].Child, got.Lines[0].Child)
		assert.Equal(t, i%2 == 1, got.Lines[len(got.Lines)-1].Correction, "in order")
	}
	back := walk(true)
	assert.Equal(t, []int64{705, 704, 703, 702, 701}, numbers(back), "backward: the last first")
	pg, err := s.InvoicesPage(ctx, Oslo, billing.InvoiceQuery{Month: sept, After: 704, Backward: true, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []int64{703, 702}, numbers(pg), "backward from a key")
	pg, err = s.InvoicesPage(ctx, Oslo, billing.InvoiceQuery{Month: sept, Payer: invs[2].payer.ID, Limit: 10})
	require.NoError(t, err)
	assert.Equal(t, []int64{703}, numbers(pg), "one payer's invoices only")

	search := func(q string) []int64 {
		t.Helper()
		pg, err := s.InvoicesPage(ctx, Oslo, billing.InvoiceQuery{Month: sept, Search: q, Limit: 10})
		require.NoError(t, err)
		c, err := s.CountInvoices(ctx, Oslo, sept, q)
		require.NoError(t, err)
		assert.Equal(t, len(pg), c.Matching, "counted as found: %q", q)
		return numbers(pg)
	}
	assert.Equal(t, []int64{701}, search("ÆRLIG"), "Æ finds æ ignoring case; Ä is not Æ")
	assert.Equal(t, []int64{702}, search("åsmund ärlig"))
	assert.Empty(t, search("åse ärlig"), "every word in the payer's name")
	nid := invs[3].payer.NationalID.String()
	assert.Equal(t, []int64{704}, search(nid[:6]+" "+nid[6:]), "the payer's national ID, spaces left out")
	assert.Equal(t, []int64{705}, search("705"), "the number")
	assert.Len(t, search("70"), 5, "the start of the numbers")
	assert.Equal(t, []int64{703}, search(invs[2].inv.KID), "the KID")
	assert.Len(t, search(""), 5)
	pg, err = s.InvoicesPage(ctx, Oslo, billing.InvoiceQuery{Month: sept, Payer: invs[2].payer.ID, Search: "ærlig", Limit: 10})
	require.NoError(t, err)
	assert.Empty(t, pg, "one payer's search finds only theirs")

	c, err := s.CountInvoices(ctx, Oslo, sept, "")
	require.NoError(t, err)
	assert.Equal(t, 5, c.Invoices)
	assert.Equal(t, 5, c.Matching)
	assert.Equal(t, 2, c.Corrections)
	assert.Equal(t, "5000.25", c.Total.StringFixed(2), "5 × 1 000,25 − 2 × 0,50")
	assert.Equal(t, "-1.00", c.CorrectionTotal.StringFixed(2))
	c, err = s.CountInvoices(ctx, Bergen, sept, "ærlig")
	require.NoError(t, err)
	assert.Equal(t, billing.InvoiceCounts{Invoices: 1, Matching: 1, Total: c.Total, CorrectionTotal: c.CorrectionTotal}, c)
	assert.Equal(t, "1000.25", c.Total.StringFixed(2))
	c, err = s.CountInvoices(ctx, Oslo, billing.Month{Year: 2024, Month: time.March}, "")
	require.NoError(t, err)
	assert.Zero(t, c.Invoices, "a month without invoices")
	assert.True(t, c.Total.IsZero())
}

package billing

import (
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/internal/benchratio"
)

// bareKindergartenFees is the baseline of BenchmarkKindergartenFeeVsBaseline:
// the same formula as KindergartenFee for an ordinary zone, written the
// short way with decimals (price from the bracket, income cap, free core
// hours, sibling discount by price, older first, then id; one rounding
// half up at the end), without validation, steps or explanations. Each
// child's amount is kept as a decimal numerator over an integer
// denominator, so that nothing is rounded before the end. The fees are
// appended to out in the order of the children.
func bareKindergartenFees(r *KindergartenRules, l *KindergartenPrices, h *Household, m Month, out []decimal.Decimal) []decimal.Decimal {
	if slices.Contains(r.FeeFreeMonths, m.Month) {
		for range h.Children {
			out = append(out, decimal.Zero)
		}
		return out
	}
	base := decimal.Min(l.FullTimePrice, r.MaxPrice)
	n := len(h.Children)
	var price [8]decimal.Decimal
	var den [8]int64
	var listed [8]decimal.Decimal
	inWindow := func(born int) bool {
		i := m.Year*12 + int(m.Month)
		from := (born+r.FreeCoreFromAge)*12 + int(r.YearStartMonth)
		until := (born+r.FreeCoreUntilAge)*12 + int(r.YearStartMonth)
		return i >= from && i < until
	}
	freeCore := false
	if h.AnnualIncome != nil {
		for _, c := range h.Children {
			if inWindow(c.BirthDate.Year()) {
				freeCore = h.AnnualIncome.LessThan(*r.FreeCoreIncomeThreshold)
				break
			}
		}
	}
	months := decimal.NewFromInt(int64(r.BilledMonthsPerYear))
	for i, c := range h.Children {
		share := decimal.Zero
		best := -1
		for _, b := range l.Brackets {
			if b.MinHours <= c.HoursPerWeek && b.MinHours > best {
				best, share = b.MinHours, b.Share
			}
		}
		p, d := base.Mul(share), int64(1)
		listed[i] = p
		if h.AnnualIncome != nil {
			cap := r.IncomeCapShare.Mul(*h.AnnualIncome) // over months
			if p.Mul(months).GreaterThan(cap) {
				p, d = cap, int64(r.BilledMonthsPerYear)
			}
			if freeCore && inWindow(c.BirthDate.Year()) {
				basis := min(c.HoursPerWeek, r.FullTimeHours)
				p, d = p.Mul(decimal.NewFromInt(int64(max(0, basis-r.FreeCoreHours)))), d*int64(basis)
			}
		}
		price[i], den[i] = p, d
	}
	// Sibling positions: highest listed price first, then the older, then
	// the id.
	var order [8]int
	for i := range n {
		order[i] = i
	}
	slices.SortStableFunc(order[:n], func(a, b int) int {
		if c := listed[b].Cmp(listed[a]); c != 0 {
			return c
		}
		ca, cb := h.Children[a], h.Children[b]
		if ca.BirthDate != cb.BirthDate {
			if ca.BirthDate < cb.BirthDate {
				return -1
			}
			return 1
		}
		if ca.ID < cb.ID {
			return -1
		}
		if ca.ID > cb.ID {
			return 1
		}
		return 0
	})
	one := decimal.NewFromInt(1)
	for pos, i := range order[:n] {
		rate := r.SiblingDiscounts[min(pos, len(r.SiblingDiscounts)-1)]
		price[i] = price[i].Mul(one.Sub(rate))
	}
	for i := range n {
		out = append(out, price[i].DivRound(decimal.NewFromInt(den[i]), 2))
	}
	return out
}

// BenchmarkKindergartenFeeVsBaseline compares the kindergarten fee engine
// (NewKindergartenFees once, then a Fee for each household) for 300,000
// children (country: households of one to four, 40 % with an income
// decision) with bareKindergartenFees. The set-up checks that both give
// every child the same fee.
func BenchmarkKindergartenFeeVsBaseline(b *testing.B) {
	tab := mustTables(b)
	m := Month{2024, time.October}
	rules, err := tab.KindergartenRules(m, ZoneOrdinary)
	if err != nil {
		b.Fatal(err)
	}
	local := standardPrices()
	hs := country(benchratio.Scale(300_000, 100))
	for _, h := range hs {
		if len(h.Children) > 8 {
			b.Fatal("the baseline handles at most 8 children in a household")
		}
	}
	// The project's path is the calculator a run makes once for a price
	// list and month (NewKindergartenFees), asked once per household;
	// KindergartenFee, which makes one for each call, is checked to agree
	// below.
	fees, err := NewKindergartenFees(rules, local, m, ZoneOrdinary)
	if err != nil {
		b.Fatal(err)
	}
	project := func(out []decimal.Decimal) []decimal.Decimal {
		for _, h := range hs {
			f, err := fees.Fee(h)
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range f.Children {
				out = append(out, c.Fee)
			}
		}
		return out
	}
	k := 0
	for _, h := range hs {
		f, err := KindergartenFee(rules, local, h, m, ZoneOrdinary)
		if err != nil {
			b.Fatal(err)
		}
		g, err := fees.Fee(h)
		if err != nil {
			b.Fatal(err)
		}
		for i, c := range f.Children {
			if !c.Fee.Equal(g.Children[i].Fee) || !slices.Equal(c.Rules, g.Children[i].Rules) {
				b.Fatalf("household %d child %d: KindergartenFee %s %v, KindergartenFees %s %v", k, i, c.Fee, c.Rules, g.Children[i].Fee, g.Children[i].Rules)
			}
		}
		k++
	}
	baseline := func(out []decimal.Decimal) []decimal.Decimal {
		for i := range hs {
			out = bareKindergartenFees(&rules, &local, &hs[i], m, out)
		}
		return out
	}
	got, want := project(nil), baseline(nil)
	if len(got) != len(want) {
		b.Fatalf("%d fees, the baseline %d", len(got), len(want))
	}
	reduced := 0
	for i := range got {
		if !got[i].Equal(want[i]) {
			b.Fatalf("fee %d: KindergartenFee %s, the baseline %s", i, got[i], want[i])
		}
		if got[i].LessThan(local.FullTimePrice.Div(decimal.NewFromInt(2))) {
			reduced++
		}
	}
	if reduced == 0 {
		b.Fatal("no fee was reduced: the sample does not exercise the rules")
	}
	p, q := make([]decimal.Decimal, 0, len(got)), make([]decimal.Decimal, 0, len(got))
	b.ReportAllocs()
	benchratio.Compare(b, func(b *testing.B, _ *benchratio.Watch) {
		p = project(p[:0])
	}, func(b *testing.B, _ *benchratio.Watch) {
		q = baseline(q[:0])
	})
}

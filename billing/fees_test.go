package billing

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// stepsOf writes a child's steps out field by field, the household-wide
// parameters by value, so that two explanations compare equal only when
// they say the same.
func stepsOf(c ChildFee) string {
	var b strings.Builder
	for _, s := range c.Steps() {
		fmt.Fprintf(&b, "%s changed=%v %s→%s hours=%d min=%d basis=%d grade=%d pos=%d share=%s price=%s food=%s rate=%s | %s\n",
			s.Code, s.Changed, s.Before(), s.After(), s.Hours, s.MinHours, s.Basis, s.Grade, s.Position,
			s.Share, s.Price, s.Food, s.Rate, s.Render(English))
		if p := s.Params; p != nil {
			inc, thr := "-", "-"
			if p.Income != nil {
				inc = p.Income.String()
			}
			if p.Threshold != nil {
				thr = p.Threshold.String()
			}
			fmt.Fprintf(&b, "  params full=%s max=%s income=%s cap=%s months=%d threshold=%s free=%d order=%s rounding=%s zone=%s\n",
				p.FullTimePrice, p.MaxPrice, inc, p.IncomeCapShare, p.Months, thr, p.FreeHours, p.Order, p.Rounding, p.Zone)
		}
	}
	return b.String()
}

// TestKindergartenFeesStepsOnRequest checks that the steps worked out on
// request are those the calculation records when it is asked for them at
// once, for 2,000 children (households of one to four) in months with and without
// free core hours, a fee-free month, every zone and every sibling order;
// and that KindergartenFee and KindergartenFees give the same fees.
func TestKindergartenFeesStepsOnRequest(t *testing.T) {
	tab := mustTables(t)
	hs := country(2000)
	months := []Month{{2024, time.July}, {2024, time.October}, {2025, time.March}, {2025, time.June}}
	children := 0
	for _, m := range months {
		for _, zone := range []Zone{ZoneOrdinary, ZoneReduced, ZoneFree} {
			for _, order := range []SiblingOrder{PriceDesc, AgeDesc, AgeAsc} {
				rules, err := tab.KindergartenRules(m, zone)
				require.NoError(t, err)
				local := standardPrices()
				local.SiblingOrder = order
				fees, err := NewKindergartenFees(rules, local, m, zone)
				require.NoError(t, err)
				for i, h := range hs {
					lazy, err := fees.Fee(h)
					require.NoError(t, err)
					now, err := fees.explained(h)
					require.NoError(t, err)
					one, err := KindergartenFee(rules, local, h, m, zone)
					require.NoError(t, err)
					require.True(t, lazy.Total.Equal(now.Total) && lazy.Total.Equal(one.Total), "%s %s %s household %d", m, zone, order, i)
					for j := range h.Children {
						a, b, c := lazy.Children[j], now.Children[j], one.Children[j]
						require.True(t, a.Fee.Equal(b.Fee) && a.Fee.Equal(c.Fee) && a.Food.Equal(b.Food) && a.Food.Equal(c.Food))
						require.Equal(t, b.Rules, a.Rules)
						require.Equal(t, b.Rules, c.Rules)
						want := stepsOf(b)
						require.NotEmpty(t, want)
						require.Equal(t, want, stepsOf(a), "%s %s %s household %d child %d", m, zone, order, i, j)
						require.Equal(t, want, stepsOf(c), "%s %s %s household %d child %d", m, zone, order, i, j)
						children++
					}
				}
			}
		}
	}
	assert.Equal(t, 2000*len(months)*9, children)
}

// TestKindergartenFeesKeepTheirInput checks that the steps are worked out
// from the input as it was when the fee was computed: a caller that
// changes its household, rules or price list afterwards (reusing its
// slices for the next family) does not change them.
func TestKindergartenFeesKeepTheirInput(t *testing.T) {
	tab := mustTables(t)
	m := Month{2024, time.October}
	rules, err := tab.KindergartenRules(m, ZoneOrdinary)
	require.NoError(t, err)
	// The caller's own copies of what it will change (the tables' are
	// shared by every test).
	threshold := *rules.FreeCoreIncomeThreshold
	rules.FreeCoreIncomeThreshold = &threshold
	rules.SiblingDiscounts = slices.Clone(rules.SiblingDiscounts)
	local := standardPrices()
	income := dec("300000")
	h := Household{AnnualIncome: &income, Children: []Child{
		{ID: "a", BirthDate: date.New(2020, 3, 2), HoursPerWeek: 45},
		{ID: "b", BirthDate: date.New(2022, 11, 20), HoursPerWeek: 30}}}
	fees, err := NewKindergartenFees(rules, local, m, ZoneOrdinary)
	require.NoError(t, err)
	want, err := fees.explained(h)
	require.NoError(t, err)
	lazy, err := fees.Fee(h)
	require.NoError(t, err)
	one, err := KindergartenFee(rules, local, h, m, ZoneOrdinary)
	require.NoError(t, err)

	income = dec("900000")
	h.Children[0].HoursPerWeek, h.Children[1].BirthDate, h.Children[1].ID = 15, date.New(2019, 1, 1), "z"
	rules.SiblingDiscounts[1] = dec("0.5")
	*rules.FreeCoreIncomeThreshold = dec("1")
	local.Brackets[0].Share = dec("0.1")
	for j := range want.Children {
		assert.Equal(t, stepsOf(want.Children[j]), stepsOf(lazy.Children[j]), "KindergartenFees, child %d", j)
		assert.Equal(t, stepsOf(want.Children[j]), stepsOf(one.Children[j]), "KindergartenFee, child %d", j)
	}
	assert.Contains(t, stepsOf(lazy.Children[0]), "income=300000")
}

// TestKindergartenFeesStepsConcurrently asks for the same fee's steps from
// several goroutines at once (run with -race): they are worked out once
// and every caller gets the same.
func TestKindergartenFeesStepsConcurrently(t *testing.T) {
	tab := mustTables(t)
	m := Month{2024, time.October}
	rules, err := tab.KindergartenRules(m, ZoneOrdinary)
	require.NoError(t, err)
	h := country(40)[3]
	f, err := KindergartenFee(rules, standardPrices(), h, m, ZoneOrdinary)
	require.NoError(t, err)
	got := make([]string, 8*len(f.Children))
	var wg sync.WaitGroup
	for g := range 8 {
		for j, c := range f.Children {
			wg.Go(func() { got[g*len(f.Children)+j] = stepsOf(c) })
		}
	}
	wg.Wait()
	for i, s := range got {
		assert.Equal(t, got[i%len(f.Children)], s)
		assert.NotEmpty(t, s)
	}
	assert.Same(t, &f.Children[0].Steps()[0], &f.Children[0].Steps()[0], "worked out once")
	assert.Nil(t, ChildFee{ID: "x"}.Steps(), "a ChildFee made elsewhere has no steps")
}

// TestKindergartenFeesErrors checks that the calculator reports the
// rules' and the price list's problems when it is made, the household's
// when a fee is asked for, each with the field and code KindergartenFee
// gives for them together.
func TestKindergartenFeesErrors(t *testing.T) {
	tab := mustTables(t)
	m := Month{2024, time.October}
	rules, err := tab.KindergartenRules(m, ZoneOrdinary)
	require.NoError(t, err)
	fields := func(err error) []string {
		var v *domain.ValidationError
		require.True(t, errors.As(err, &v), "%v", err)
		var out []string
		for _, f := range v.Fields {
			out = append(out, f.Field+" "+f.Reason)
		}
		return out
	}
	badRules := rules
	badRules.MaxPrice = dec("-1")
	badLocal := standardPrices()
	badLocal.SiblingOrder = "youngest"
	badHousehold := Household{Children: []Child{{ID: "a", BirthDate: date.New(2021, 1, 1), HoursPerWeek: 61}}}

	_, err = NewKindergartenFees(badRules, badLocal, m, ZoneOrdinary)
	assert.Equal(t, []string{"rules.maxPrice negative", "local.siblingOrder must-be-price-desc-age-desc-or-age-asc"}, fields(err))
	fees, err := NewKindergartenFees(rules, standardPrices(), m, ZoneOrdinary)
	require.NoError(t, err)
	_, err = fees.Fee(badHousehold)
	assert.Equal(t, []string{"children[0].hoursPerWeek out-of-range"}, fields(err))
	_, err = fees.Fee(Household{})
	assert.Equal(t, []string{"children must-have-at-least-one-child"}, fields(err))
	_, err = KindergartenFee(badRules, badLocal, badHousehold, m, ZoneOrdinary)
	assert.Equal(t, []string{"rules.maxPrice negative", "local.siblingOrder must-be-price-desc-age-desc-or-age-asc",
		"children[0].hoursPerWeek out-of-range"}, fields(err))
}

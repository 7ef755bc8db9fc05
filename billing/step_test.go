package billing

import (
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStepAmounts checks the amounts a step shows (kept as øre in the step,
// or beside it when too large for that): each step's Before is the
// previous step's After, rounded half away from zero, and Render tells a
// change by the exact amounts, not the rounded ones.
func TestStepAmounts(t *testing.T) {
	tab := mustTables(t)
	m := Month{2024, time.October}
	rules, err := tab.KindergartenRules(m, ZoneOrdinary)
	require.NoError(t, err)
	born := date.New(2021, 5, 1)

	t.Run("steps in øre", func(t *testing.T) {
		f, err := KindergartenFee(rules, standardPrices(), Household{AnnualIncome: decp("300000"), Children: []Child{
			{ID: "a", BirthDate: date.New(2020, 3, 2), HoursPerWeek: 45},
			{ID: "b", BirthDate: date.New(2022, 11, 20), HoursPerWeek: 30}}}, m, ZoneOrdinary)
		require.NoError(t, err)
		want := [][]string{
			{"0.00", "2000.00", "1636.36", "838.14", "838.14", "838.14"},
			{"0.00", "1200.00", "1200.00", "400.00", "280.00", "280.00"},
		}
		for i, c := range f.Children {
			var got []string
			for j, s := range c.Steps() {
				if j == 0 {
					got = append(got, s.Before().StringFixed(2))
				} else {
					assert.True(t, s.Before().Equal(c.Steps()[j-1].After()), "%s step %d", c.ID, j)
				}
				got = append(got, s.After().StringFixed(2))
				assert.Equal(t, s.Before().Exponent(), int32(-2))
			}
			assert.Equal(t, want[i], got, c.ID)
			assert.True(t, c.Steps()[len(c.Steps())-1].After().Equal(c.Fee))
		}
	})

	t.Run("a change smaller than an øre", func(t *testing.T) {
		// 1000.004 a month: the rounding step changes it by 0.004 kr,
		// which shows as the same øre before and after.
		local := standardPrices()
		local.FullTimePrice = dec("1000.004")
		f, err := KindergartenFee(rules, local, Household{Children: []Child{{ID: "a", BirthDate: born, HoursPerWeek: 45}}}, m, ZoneOrdinary)
		require.NoError(t, err)
		r := f.Children[0].Steps()[len(f.Children[0].Steps())-1]
		require.Equal(t, StepRounding, r.Code)
		assert.True(t, r.Changed)
		assert.Equal(t, "1000.00", r.Before().StringFixed(2))
		assert.Equal(t, "1000.00", r.After().StringFixed(2))
		assert.Contains(t, r.Render(English), "Rounded to whole øre: NOK 1000.00")
		p := f.Children[0].Steps()[0]
		assert.Contains(t, p.Render(English), "= NOK 1000.00")
	})

	t.Run("amounts of 2^31 øre or more", func(t *testing.T) {
		// 10^17 kr is 10^19 øre, above what a step holds: the steps keep
		// those amounts beside them, exactly as before.
		big := rules
		big.MaxPrice = dec("500000000000000000")
		local := standardPrices()
		local.FullTimePrice = dec("300000000000000000.125")
		f, err := KindergartenFee(big, local, Household{Children: []Child{
			{ID: "a", BirthDate: born, HoursPerWeek: 45},
			{ID: "b", BirthDate: born.AddDate(0, 1, 0), HoursPerWeek: 20}}}, m, ZoneOrdinary)
		require.NoError(t, err)
		a, b := f.Children[0], f.Children[1]
		assert.Equal(t, "300000000000000000.13", a.Fee.StringFixed(2))
		assert.Equal(t, "0.00", a.Steps()[0].Before().StringFixed(2))
		assert.Equal(t, "300000000000000000.13", a.Steps()[0].After().StringFixed(2))
		assert.Equal(t, "300000000000000000.13", a.Steps()[len(a.Steps())-1].After().StringFixed(2))
		// The second child: half the price, then the sibling discount.
		var got []string
		for _, s := range b.Steps() {
			got = append(got, string(s.Code)+" "+s.Before().StringFixed(2)+" "+s.After().StringFixed(2))
		}
		assert.Equal(t, []string{
			"price 0.00 150000000000000000.06",
			"sibling 150000000000000000.06 105000000000000000.04",
			"rounding 105000000000000000.04 105000000000000000.04",
		}, got)
		assert.NotZero(t, b.Steps()[1].wide, "the amounts are kept beside the step")
		assert.Contains(t, b.Steps()[1].Render(English), "NOK 150000000000000000.06 → NOK 105000000000000000.04")
		assert.Equal(t, b.Fee.StringFixed(2), b.Steps()[2].After().StringFixed(2))
	})
}

package billing_test

import (
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// A grade-6 pupil with a decision on special needs in force pays nothing
// for SFO; a grade-6 pupil without one pays the full price, to the øre.
// The decision counts in the months it is in force, and only there.
func TestComputeSpecialNeedsSFO(t *testing.T) {
	m := domain.MustMunicipality("0301")
	tables, err := billing.NationalTables()
	require.NoError(t, err)
	var children []domain.Child
	var placements []domain.Placement
	var families []billing.Family
	for i, name := range []string{"Ola", "Siri"} {
		c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: name, FamilyName: "Nordmann",
			BirthDate: date.New(2015, 3, 10+i)}
		children = append(children, c)
		placements = append(placements, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: c.ID,
			Kind: domain.SFO, HoursPerWeek: 20, Period: domain.Period{Start: date.New(2026, 8, 17)}})
		families = append(families, billing.Family{ID: domain.NewID[billing.Family](), Municipality: m, Payer: domain.NewID[domain.Guardian](),
			Members: []billing.Member{{Municipality: m, Child: c.ID, Period: domain.Period{Start: date.New(2026, 8, 1)}}}})
	}
	ola, siri := children[0], children[1]
	in := billing.RunInput{
		Municipality: m, Month: billing.Month{Year: 2026, Month: time.October}, Made: date.New(2026, 10, 5),
		Settings: billing.DefaultSettings(), Tables: tables, NextNumber: 1,
		Children: children, Placements: placements, Families: families,
		PriceLists: []billing.PriceList{{Municipality: m, Kind: domain.SFO, Period: domain.Period{Start: date.New(2026, 8, 1)},
			SFO: &billing.SFOPrices{Brackets: []billing.SFOBracket{{MinHours: 0, Price: decimal.RequireFromString("3123.45"), Food: decimal.Zero}}}}},
		SpecialNeeds: []domain.SpecialNeed{{Child: ola.ID, Period: domain.Period{Start: date.New(2026, 10, 20), End: date.New(2027, 6, 20)}}},
	}
	assert.Equal(t, 6, billing.GradeIn(ola.BirthDate, in.Month))

	fees := func(in billing.RunInput) map[domain.ChildID]string {
		plan, err := billing.Compute(in)
		require.NoError(t, err)
		require.Empty(t, plan.Skipped)
		out := map[domain.ChildID]string{}
		for _, d := range plan.Decisions {
			out[d.Child] = d.Fee.StringFixed(2)
		}
		return out
	}
	got := fees(in)
	assert.Equal(t, "0.00", got[ola.ID], "special needs in force on some day of October: free SFO")
	assert.Equal(t, "3123.45", got[siri.ID])

	// September: the decision is not yet in force.
	in.Month = billing.Month{Year: 2026, Month: time.September}
	got = fees(in)
	assert.Equal(t, "3123.45", got[ola.ID])
	assert.Equal(t, "3123.45", got[siri.ID])
}

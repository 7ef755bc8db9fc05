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

func TestComputeFeeFreeMonth(t *testing.T) {
	in := exampleInput()
	in.Month = billing.Month{Year: 2025, Month: time.July}
	plan, err := billing.Compute(in)
	require.NoError(t, err)
	assert.Empty(t, plan.Invoices, "July is fee-free: no fee, no food, no invoice")
	assert.Equal(t, 0, plan.Run.Invoices)
	assert.Equal(t, plan.Run.FirstNumber-1, plan.Run.LastNumber)
	require.Len(t, plan.Decisions, 1, "the decision says the fee is zero")
	assert.True(t, plan.Decisions[0].Fee.IsZero())
}

func TestComputeSkipsWhatItCannotInvoice(t *testing.T) {
	in := exampleInput()
	in.Families = nil
	plan, err := billing.Compute(in)
	require.NoError(t, err)
	assert.Empty(t, plan.Invoices)
	require.Len(t, plan.Skipped, 1)
	assert.Contains(t, plan.Skipped[0].Reason, "no family")
	assert.Equal(t, billing.SkipNoFamily, plan.Skipped[0].Code)

	in = exampleInput()
	in.PriceLists = nil
	plan, err = billing.Compute(in)
	require.NoError(t, err)
	require.Len(t, plan.Skipped, 1)
	assert.Contains(t, plan.Skipped[0].Reason, "no kindergarten price list")
	assert.Equal(t, billing.SkipNoPriceList, plan.Skipped[0].Code)

	// An SFO pupil whose grade is not 1–7 (born 2021: not at school).
	in = exampleInput()
	in.Placements[0].Kind = domain.SFO
	plan, err = billing.Compute(in)
	require.NoError(t, err)
	require.Len(t, plan.Skipped, 1)
	assert.Equal(t, domain.SFO, plan.Skipped[0].Kind)
	assert.Equal(t, billing.SkipNoPriceList, plan.Skipped[0].Code, "the example has no SFO price list")
}

func TestComputeDecisionOnlyWhenAmountChanges(t *testing.T) {
	in := exampleInput()
	first, err := billing.Compute(in)
	require.NoError(t, err)
	require.Len(t, first.Decisions, 1)
	next := in
	next.Month = billing.Month{Year: 2024, Month: time.October}
	next.Decisions = first.Decisions
	next.NextNumber = 2
	second, err := billing.Compute(next)
	require.NoError(t, err)
	assert.Empty(t, second.Decisions, "same full-month amount in October")
	require.Len(t, second.Invoices, 1)
	assert.Equal(t, "2450.00", second.Invoices[0].Total.StringFixed(2), "the whole month: 2 000 + 450")
	assert.Equal(t, int64(2), second.Invoices[0].Number)
}

func TestComputeRefusesBadInput(t *testing.T) {
	in := exampleInput()
	in.NextNumber = 0
	in.Made = date.Zero
	in.Settings.DueDay = 40
	_, err := billing.Compute(in)
	var v *domain.ValidationError
	require.ErrorAs(t, err, &v)
	assert.True(t, v.Has("nextNumber"))
	assert.True(t, v.Has("made"))
	assert.True(t, v.Has("settings.dueDay"))
}

func TestProrateAndGrade(t *testing.T) {
	d := func(s string) string {
		return billing.Prorate(mustDec(s), 12, 30).StringFixed(2)
	}
	assert.Equal(t, "112.00", d("280.00"))
	assert.Equal(t, "0.01", billing.Prorate(mustDec("0.05"), 5, 31).StringFixed(2), "0.05 × 5/31 = 0.00806… → 0.01")
	assert.Equal(t, "-0.01", billing.Prorate(mustDec("-0.05"), 5, 31).StringFixed(2), "half away from zero, negative too")
	assert.Equal(t, 1, billing.GradeIn(date.New(2018, 12, 31), billing.Month{Year: 2024, Month: time.August}))
	assert.Equal(t, 0, billing.GradeIn(date.New(2019, 1, 1), billing.Month{Year: 2025, Month: time.June}))
	assert.Equal(t, 2, billing.GradeIn(date.New(2017, 4, 2), billing.Month{Year: 2025, Month: time.July}))
}

func mustDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestDecisionRender(t *testing.T) {
	plan, err := billing.Compute(exampleInput())
	require.NoError(t, err)
	d := plan.Decisions[0]
	assert.Contains(t, d.Render(billing.Nynorsk), "Vedtak om foreldrebetaling (barnehage) frå 2024-09: 2 000,00 kr i månaden")
	assert.Contains(t, d.Render(billing.English), "Fee decision (kindergarten) from 2024-09: NOK 2000.00 a month, food NOK 450.00")
	assert.Contains(t, d.Render(billing.English), "Because of: a new or changed place")
}

func TestComputeKIDAndDueDaySettings(t *testing.T) {
	in := exampleInput()
	in.Settings.KIDMethod = billing.KIDMod11
	in.Settings.DueDay = 31
	in.Month = billing.Month{Year: 2025, Month: time.February}
	in.NextNumber = 6
	plan, err := billing.Compute(in)
	require.NoError(t, err)
	require.Len(t, plan.Invoices, 1)
	inv := plan.Invoices[0]
	// MOD11 of 000000006: 6 × 2 = 12, 11 − 12 mod 11 = 10 → "-".
	assert.Equal(t, "000000006-", inv.KID)
	ok, err := billing.ValidKID(inv.KID, billing.KIDMod11)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, date.New(2025, 2, 28), inv.Due, "day 31 of February is its last day")
}

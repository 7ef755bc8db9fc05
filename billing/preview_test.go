package billing_test

import (
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// The fingerprint leaves out the random IDs (two computations of the same
// data agree) and changes with one øre on one line; Summarize adds the
// month's lines and the corrections to the run's total, to the øre.
func TestFingerprintAndSummary(t *testing.T) {
	m := domain.MustMunicipality("0301")
	p := storetest.NewBenchPopulation(m, 300, 200)
	tables, err := billing.NationalTables()
	require.NoError(t, err)
	in := billing.RunInput{Municipality: m, Month: billing.Month{Year: 2024, Month: time.September},
		Made: date.New(2024, time.September, 5), Settings: billing.DefaultSettings(), Tables: tables,
		Children: p.Children, Placements: p.Placements, Families: p.Families, IncomeDecisions: p.Incomes,
		PriceLists: p.Lists, NextNumber: 1}
	a, err := billing.Compute(in)
	require.NoError(t, err)
	b, err := billing.Compute(in)
	require.NoError(t, err)
	require.NotEqual(t, a.Invoices[0].ID, b.Invoices[0].ID)
	assert.Equal(t, billing.Fingerprint(a), billing.Fingerprint(b))
	b.Invoices[7].Lines[0].Amount = b.Invoices[7].Lines[0].Amount.Add(decimal.RequireFromString("0.01"))
	assert.NotEqual(t, billing.Fingerprint(a), billing.Fingerprint(b), "one øre changes it")

	s := billing.Summarize(a, billing.Month{}, billing.Run{}, nil)
	assert.Equal(t, len(a.Invoices), s.Payers)
	assert.Equal(t, a.Run.Total.StringFixed(2), s.Current.Add(s.CorrectionSum).StringFixed(2))
	assert.Empty(t, s.Changes, "no previous run, no changes")
	// Against itself as the previous month nothing changes; against b one
	// payer changes by 0.01.
	assert.Empty(t, billing.Summarize(a, billing.Month{}, a.Run, a.Invoices).Changes)
	b.Invoices[7].Total = b.Invoices[7].Total.Add(decimal.RequireFromString("0.01"))
	ch := billing.Summarize(b, billing.Month{}, a.Run, a.Invoices).Changes
	require.Len(t, ch, 1)
	assert.Equal(t, "0.01", ch[0].Difference.StringFixed(2))
	assert.Equal(t, b.Invoices[7].Payer, ch[0].Payer)
}

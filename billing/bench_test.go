package billing_test

import (
	"testing"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// BenchmarkCompute50k is the computing part of an invoice run for 50,000
// children in 35,000 families (storetest.NewBenchPopulation): the first
// run of a municipality (no corrections), and a run with one month to
// correct against what was invoiced for it.
func BenchmarkCompute50k(b *testing.B) {
	m := domain.MustMunicipality("0301")
	p := storetest.NewBenchPopulation(m, 50_000, 35_000)
	tables, err := billing.NationalTables()
	if err != nil {
		b.Fatal(err)
	}
	in := billing.RunInput{Municipality: m, Month: billing.Month{Year: 2024, Month: time.September},
		Made: date.New(2024, time.September, 5), Settings: billing.DefaultSettings(), Tables: tables,
		Children: p.Children, Placements: p.Placements, Families: p.Families, IncomeDecisions: p.Incomes,
		PriceLists: p.Lists, NextNumber: 1}
	b.Run("FirstRun", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			plan, err := billing.Compute(in)
			if err != nil || len(plan.Invoices) != 35_000 {
				b.Fatalf("%v, %d invoices", err, len(plan.Invoices))
			}
		}
	})
	first, err := billing.Compute(in)
	if err != nil {
		b.Fatal(err)
	}
	next := in
	next.Month = billing.Month{Year: 2024, Month: time.October}
	next.CorrectFrom = in.Month
	next.Decisions = first.Decisions
	next.NextNumber = first.Run.LastNumber + 1
	for _, inv := range first.Invoices {
		for _, l := range inv.Lines {
			next.Billed = append(next.Billed, billing.Billed{Payer: inv.Payer, Child: l.Child, Kind: l.Kind, Item: l.Item,
				Month: l.Month, Amount: l.Amount})
		}
	}
	b.Run("WithCorrections", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			plan, err := billing.Compute(next)
			if err != nil || len(plan.Invoices) != 35_000 {
				b.Fatalf("%v, %d invoices", err, len(plan.Invoices))
			}
		}
	})
}

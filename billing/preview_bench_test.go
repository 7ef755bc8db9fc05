package billing_test

import (
	"testing"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// BenchmarkPreview50k is the computing part of an invoice run's preview
// for 50,000 children in 35,000 families (storetest.NewBenchPopulation):
// Bare is Compute alone (the baseline: what the one-step run computed),
// Preview adds what the caseworker reads (Summarize: totals, corrections
// by month, the largest changes against the previous month's 35,000
// invoices) and the fingerprint approval checks. Both for October with
// September to correct against what was invoiced for it.
func BenchmarkPreview50k(b *testing.B) {
	m := domain.MustMunicipality("0301")
	p := storetest.NewBenchPopulation(m, 50_000, 35_000)
	tables, err := billing.NationalTables()
	if err != nil {
		b.Fatal(err)
	}
	sep := billing.Month{Year: 2024, Month: time.September}
	in := billing.RunInput{Municipality: m, Month: sep, Made: date.New(2024, time.September, 5),
		Settings: billing.DefaultSettings(), Tables: tables, Children: p.Children, Placements: p.Placements,
		Families: p.Families, IncomeDecisions: p.Incomes, PriceLists: p.Lists, NextNumber: 1}
	first, err := billing.Compute(in)
	if err != nil {
		b.Fatal(err)
	}
	next := in
	next.Month = billing.Month{Year: 2024, Month: time.October}
	next.Made = date.New(2024, time.October, 5)
	next.CorrectFrom = sep
	next.Decisions = first.Decisions
	next.NextNumber = first.Run.LastNumber + 1
	for _, inv := range first.Invoices {
		for _, l := range inv.Lines {
			next.Billed = append(next.Billed, billing.Billed{Payer: inv.Payer, Child: l.Child, Kind: l.Kind, Item: l.Item,
				Month: l.Month, Amount: l.Amount})
		}
	}
	b.Run("Bare", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			plan, err := billing.Compute(next)
			if err != nil || len(plan.Invoices) != 35_000 {
				b.Fatalf("%v, %d invoices", err, len(plan.Invoices))
			}
		}
	})
	b.Run("Preview", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			plan, err := billing.Compute(next)
			if err != nil {
				b.Fatal(err)
			}
			pv := billing.Summarize(plan, sep, first.Run, first.Invoices)
			if pv.Payers != 35_000 || pv.Fingerprint == "" {
				b.Fatalf("%d payers", pv.Payers)
			}
		}
	})
	plan, err := billing.Compute(next)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("SummarizeOnly", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			billing.Summarize(plan, sep, first.Run, first.Invoices)
		}
	})
}

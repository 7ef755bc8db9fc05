package billing_test

import (
	"testing"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// BenchInvoiceLetters computes the first invoice run of a municipality of
// 50,000 children in 35,000 families (storetest.NewBenchPopulation) and
// returns the letters of its invoices, ready to be written as documents.
func BenchInvoiceLetters(tb testing.TB) []billing.InvoiceLetter {
	m := domain.MustMunicipality("0301")
	p := storetest.NewBenchPopulation(m, 50_000, 35_000)
	tables, err := billing.NationalTables()
	if err != nil {
		tb.Fatal(err)
	}
	plan, err := billing.Compute(billing.RunInput{Municipality: m, Month: billing.Month{Year: 2024, Month: time.September},
		Made: date.New(2024, time.September, 5), Settings: billing.DefaultSettings(), Tables: tables,
		Children: p.Children, Placements: p.Placements, Families: p.Families, IncomeDecisions: p.Incomes,
		PriceLists: p.Lists, NextNumber: 1})
	if err != nil {
		tb.Fatal(err)
	}
	names := make(map[domain.ChildID]string, len(p.Children))
	for _, c := range p.Children {
		names[c.ID] = c.GivenName + " " + c.FamilyName
	}
	settings := billing.Settings{Municipality: m, BankAccount: "32074068323", DueDay: 20}
	tmpl := domain.LetterTemplate{Municipality: m, SenderName: "Oslo kommune, oppvekst", SenderLines: []string{"Postboks 1", "0101 OSLO"}, OrgNumber: "974 760 673"}
	out := make([]billing.InvoiceLetter, len(plan.Invoices))
	for i, inv := range plan.Invoices {
		out[i] = billing.InvoiceLetter{Invoice: inv, Settings: settings, Template: tmpl, Children: names,
			Payer: billing.Payer{Name: "Forelder Nordmann", Address: domain.Address{Street: "Storgata 1", Postcode: "0101", PostTown: "OSLO"}}}
	}
	return out
}

// BenchmarkInvoiceDocuments50k writes every invoice of a 50,000-child
// run as a document in nb: the words the page and the PDF show.
func BenchmarkInvoiceDocuments50k(b *testing.B) {
	letters := BenchInvoiceLetters(b)
	if len(letters) != 35_000 {
		b.Fatalf("%d invoices", len(letters))
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range letters {
			d := billing.InvoiceDocument(l, billing.Bokmal)
			if len(d.Sections) == 0 {
				b.Fatal("no sections")
			}
		}
	}
}

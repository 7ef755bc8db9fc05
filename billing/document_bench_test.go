package billing_test

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/pdf"
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

// peakRSS is the process's peak resident set size in bytes (Linux's
// VmHWM), 0 where it cannot be read.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkInvoicePDFs50k writes the invoices of a 50,000-child run
// (35,000 invoices) as documents and renders them as PDF/A files
// (adapters/pdf): PerInvoice one invoice an iteration on one goroutine,
// cycling through the run (ns/op is the time of one invoice's PDF);
// WholeRun all of them an iteration with Renderer.RenderAll on
// runtime.GOMAXPROCS(0) goroutines, as a run would be printed;
// WholeRunOneGoroutine all of them on one goroutine, for comparison
// (minutes each: run them with -benchtime 1x, one at a time:
// -bench 'BenchmarkInvoicePDFs50k/WholeRun$'). All report the PDFs' bytes
// per invoice and the process's peak RSS; the whole runs also the
// workers used.
func BenchmarkInvoicePDFs50k(b *testing.B) {
	letters := BenchInvoiceLetters(b)
	r, err := pdf.New()
	if err != nil {
		b.Fatal(err)
	}
	created := time.Date(2024, time.September, 5, 9, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	render := func(b *testing.B, l billing.InvoiceLetter) int {
		buf.Reset()
		if err := r.Render(&buf, billing.InvoiceDocument(l, billing.Bokmal), created); err != nil {
			b.Fatal(err)
		}
		return buf.Len()
	}
	b.Run("PerInvoice", func(b *testing.B) {
		var total, n int
		b.ReportAllocs()
		for b.Loop() {
			total += render(b, letters[n%len(letters)])
			n++
		}
		b.ReportMetric(float64(total)/float64(n), "pdf-bytes/invoice")
		b.ReportMetric(peakRSS()/(1<<20), "peak-RSS-MiB")
	})
	b.Run("WholeRun", func(b *testing.B) {
		workers := runtime.GOMAXPROCS(0)
		var total int
		b.ReportAllocs()
		for b.Loop() {
			total = 0
			err := r.RenderAll(context.Background(), len(letters), workers, created,
				func(i int) (domain.Document, error) {
					return billing.InvoiceDocument(letters[i], billing.Bokmal), nil
				},
				func(i int, pdf []byte) error {
					total += len(pdf)
					return nil
				})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(total)/float64(len(letters)), "pdf-bytes/invoice")
		b.ReportMetric(peakRSS()/(1<<20), "peak-RSS-MiB")
		b.ReportMetric(float64(workers), "workers")
	})
	b.Run("WholeRunOneGoroutine", func(b *testing.B) {
		var total int
		b.ReportAllocs()
		for b.Loop() {
			total = 0
			for _, l := range letters {
				total += render(b, l)
			}
		}
		b.ReportMetric(float64(total)/float64(len(letters)), "pdf-bytes/invoice")
		b.ReportMetric(peakRSS()/(1<<20), "peak-RSS-MiB")
		b.ReportMetric(1, "workers")
	})
}

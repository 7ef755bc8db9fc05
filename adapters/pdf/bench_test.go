package pdf_test

import (
	"io"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"github.com/oppvekst/oppvekst/adapters/pdf"
	"github.com/oppvekst/oppvekst/domain"
)

// BenchmarkRender renders a one-page invoice.
func BenchmarkRender(b *testing.B) {
	r, err := pdf.New()
	if err != nil {
		b.Fatal(err)
	}
	d := sampleInvoice(12)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Render(io.Discard, d, created); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareFpdf is the baseline: fpdf writing the same strings with
// the same fonts as plain cells, without layout, metadata or PDF/A fixes.
func BenchmarkBareFpdf(b *testing.B) {
	strs := documentStrings(sampleInvoice(12))
	regular, bold := pdf.Fonts()
	b.ReportAllocs()
	for b.Loop() {
		f := fpdf.New("P", "mm", "A4", "")
		f.AddUTF8FontFromBytes("DejaVuSansOppvekst", "", regular)
		f.AddUTF8FontFromBytes("DejaVuSansOppvekst", "B", bold)
		f.SetFont("DejaVuSansOppvekst", "", 9)
		f.AddPage()
		for _, s := range strs {
			f.CellFormat(0, 4, s, "", 1, "L", false, 0, "")
		}
		if err := f.Output(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func documentStrings(d domain.Document) []string {
	s := []string{d.Sender.Name}
	s = append(s, d.Sender.Lines...)
	s = append(s, d.Recipient.Name)
	s = append(s, d.Recipient.Lines...)
	for _, f := range d.Facts {
		s = append(s, f.Label+" "+f.Value)
	}
	s = append(s, d.Title)
	for _, sec := range d.Sections {
		s = append(s, sec.Heading)
		s = append(s, sec.Paragraphs...)
		if t := sec.Table; t != nil {
			s = append(s, strings.Join(t.Columns, " "))
			for _, r := range t.Rows {
				s = append(s, strings.Join(r, " "))
			}
			for _, r := range t.Totals {
				s = append(s, strings.Join(r, " "))
			}
		}
	}
	return append(s, d.Footer...)
}

package pdf_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oppvekst/oppvekst/adapters/pdf"
	"github.com/oppvekst/oppvekst/adapters/pdf/pdftest"
	"github.com/oppvekst/oppvekst/domain"
)

func render(t testing.TB, doc domain.Document) []byte {
	t.Helper()
	r, err := pdf.New()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Render(&b, doc, created); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// squash collapses every run of white space to one space, so wrapped
// lines and the columns pdftotext lays out compare as running text.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// inOrder checks that want appear in text one after the other.
func inOrder(t *testing.T, text string, want ...string) {
	t.Helper()
	rest := squash(text)
	for _, w := range want {
		w = squash(w)
		if w == "" {
			continue
		}
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("%q missing, or out of order, in what follows the previous part:\n%s", w, rest)
		}
		rest = rest[i+len(w):]
	}
}

// leftColumn is what the renderer prints in reading order down the left
// of the first page and the body: letterhead, recipient, title, body,
// signature. The facts sit beside the address, so they are a second
// sequence (factsColumn), followed by the title.
func leftColumn(d domain.Document) []string {
	var w []string
	w = append(w, d.Sender.Name)
	w = append(w, d.Sender.Lines...)
	w = append(w, d.Recipient.Name)
	if !d.Recipient.DigitalMailbox {
		w = append(w, d.Recipient.Lines...)
	}
	w = append(w, d.Title)
	for _, s := range d.Sections {
		w = append(w, s.Heading)
		w = append(w, s.Paragraphs...)
		for _, f := range s.Fields {
			w = append(w, f.Label+":", f.Value)
		}
		w = append(w, s.Items...)
		if s.Table != nil {
			w = append(w, strings.Join(s.Table.Columns, " "))
			for _, r := range s.Table.Rows {
				w = append(w, strings.Join(r, " "))
			}
			for _, r := range s.Table.Totals {
				w = append(w, strings.Join(r, " "))
			}
		}
	}
	return append(w, d.Signature...)
}

func factsColumn(d domain.Document) []string {
	var w []string
	for _, f := range d.Facts {
		w = append(w, f.Label, f.Value)
	}
	return append(w, d.Title)
}

func pages(text string) []string {
	return strings.Split(strings.TrimSuffix(text, "\f"), "\f")
}

// checkFooter checks every page ends with the footer and "n / m".
func checkFooter(t *testing.T, d domain.Document, text string) {
	t.Helper()
	ps := pages(text)
	for i, p := range ps {
		inOrder(t, p, d.Footer...)
		// pdftotext sets "1 / 8" close enough that it drops the spaces
		nospace := strings.ReplaceAll(squash(p), " ", "")
		if want := fmt.Sprintf("%d/%d", i+1, len(ps)); !strings.HasSuffix(nospace, want) {
			t.Errorf("page %d does not end with %q: ...%s", i+1, want, nospace[max(0, len(nospace)-80):])
		}
	}
}

func TestLetter(t *testing.T) {
	d := sampleLetter()
	b := render(t, d)
	text := pdftest.Text(t, b)
	inOrder(t, text, leftColumn(d)...)
	inOrder(t, text, factsColumn(d)...)
	checkFooter(t, d, text)
	for _, s := range []string{"æ", "ø", "å", "Æ", "Ø", "Å", "–", "«", "»", "§"} {
		if !strings.Contains(text, s) {
			t.Errorf("%q lost", s)
		}
	}
	if n := len(pages(text)); n != 1 {
		t.Errorf("the letter takes %d pages, want 1", n)
	}
	pdftest.ValidatePDFA(t, b)
}

func TestInvoice300Rows(t *testing.T) {
	d := sampleInvoice(300)
	b := render(t, d)
	text := pdftest.Text(t, b)
	inOrder(t, text, leftColumn(d)...)
	inOrder(t, text, factsColumn(d)...)
	checkFooter(t, d, text)
	ps := pages(text)
	if len(ps) < 3 {
		t.Fatalf("300 rows on %d pages", len(ps))
	}
	// the header row opens the table on every page it continues on
	header := squash(strings.Join(d.Sections[0].Table.Columns, " "))
	for i, p := range ps {
		if !strings.Contains(squash(p), header) {
			t.Errorf("page %d has no table header", i+1)
		}
	}
	// amounts are right-aligned: the last row's amount ends where the
	// total does
	lines := strings.Split(ps[len(ps)-1], "\n")
	var last, total string
	for _, l := range lines {
		if strings.Contains(l, "Linje 300:") {
			last = l
		}
		if strings.Contains(l, "Å betale") {
			total = l
		}
	}
	if last == "" || total == "" || len([]rune(last)) != len([]rune(total)) {
		t.Errorf("amount column not right-aligned:\n%q\n%q", last, total)
	}
	pdftest.ValidatePDFA(t, b)
}

func TestSameInputSameBytes(t *testing.T) {
	r, err := pdf.New()
	if err != nil {
		t.Fatal(err)
	}
	d := sampleInvoice(40)
	var want bytes.Buffer
	if err := r.Render(&want, d, created); err != nil {
		t.Fatal(err)
	}
	// concurrently, from one Renderer, and with the instant in another zone
	oslo := time.FixedZone("CET", 3600)
	var wg sync.WaitGroup
	got := make([][]byte, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b bytes.Buffer
			if err := r.Render(&b, d, created.In(oslo)); err != nil {
				t.Error(err)
			}
			got[i] = b.Bytes()
		}()
	}
	wg.Wait()
	for i, g := range got {
		if !bytes.Equal(g, want.Bytes()) {
			t.Errorf("render %d differs from the first", i)
		}
	}
	var other bytes.Buffer
	if err := r.Render(&other, d, created.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other.Bytes(), want.Bytes()) {
		t.Error("another creation instant gave the same bytes")
	}
}

func TestDigitalMailboxPrintsNoAddress(t *testing.T) {
	d := sampleLetter()
	d.Recipient = domain.Party{
		Name:           "Åse Ørnsæter",
		Lines:          []string{"Hemmeligveien 1", "0001 Skjult"},
		DigitalMailbox: true,
	}
	d.Facts = append([]domain.Field{{Label: "Sendt til", Value: "digital postkasse"}}, d.Facts...)
	text := pdftest.Text(t, render(t, d))
	if !strings.Contains(text, "Åse Ørnsæter") || !strings.Contains(squash(text), "digital postkasse") {
		t.Errorf("name or the document's own delivery line missing:\n%s", text)
	}
	for _, l := range d.Recipient.Lines {
		if strings.Contains(text, l) {
			t.Errorf("protected address line %q printed", l)
		}
	}
}

func TestOddStringsNeverPanic(t *testing.T) {
	long := strings.Repeat("Søskenmoderasjonsberegningsgrunnlag", 20)
	odd := []string{
		"", " ", "\t", "tab\tseparated\tvalues", "line\nbreak\r\nand\rreturn",
		"invalid \xff\xfe UTF-8 \xc3", "nul\x00and\x07bell\x1b[0m", long,
		"emoji 😀 and CJK 漢字 and RTL שלום", "zero\u200bwidth\u00adsoft\ufeffbom",
		strings.Repeat("ord ", 400), "«sitat» – ÆØÅ æøå",
	}
	docs := []domain.Document{
		{},
		{Sections: []domain.Section{{}, {Table: &domain.Table{}}, {Table: &domain.Table{Rows: [][]string{{}, nil}}}}},
	}
	for i, s := range odd {
		d := domain.Document{
			Lang:      []string{"nb", "x\x00y", "", "(nn)"}[i%4],
			Title:     s,
			Sender:    domain.Party{Name: s, Lines: []string{s, s}},
			Recipient: domain.Party{Name: s, Lines: []string{s}},
			Facts:     []domain.Field{{Label: s, Value: s}, {}},
			Sections: []domain.Section{
				{Heading: s, Paragraphs: []string{s, ""}, Fields: []domain.Field{{Label: s, Value: s}}, Items: []string{s, ""}},
				{Table: &domain.Table{
					Columns: []string{s, "B", "C"},
					Numeric: []bool{true, false, true, true, true},
					Rows:    [][]string{{s, s, s}, {s}, {"1", "2", "3", "4", "5", s}},
					Totals:  [][]string{{"", "", s}},
				}},
			},
			Signature: []string{s},
			Footer:    []string{s, s, s, s},
		}
		docs = append(docs, d)
	}
	r, err := pdf.New()
	if err != nil {
		t.Fatal(err)
	}
	// one document with every odd string is validated (the validator
	// takes seconds a run); every one is rendered and read
	all := domain.Document{Title: "odd"}
	for i, d := range docs {
		var b bytes.Buffer
		if err := r.Render(&b, d, created); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-1.4")) {
			t.Fatalf("document %d: not a PDF", i)
		}
		all.Sections = append(all.Sections, d.Sections...)
		all.Facts = append(all.Facts, d.Facts...)
		all.Footer = append(all.Footer, d.Title)
	}
	var b bytes.Buffer
	if err := r.Render(&b, all, created); err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, b.Bytes())
	if !strings.Contains(text, "Søskenmoderasjonsberegningsgrunnlag") || !strings.Contains(text, "«sitat» – ÆØÅ æøå") {
		t.Errorf("odd text lost:\n%.2000s", text)
	}
	pdftest.ValidatePDFA(t, b.Bytes())
	var empty bytes.Buffer
	if err := r.Render(&empty, docs[0], created); err != nil {
		t.Fatal(err)
	}
	pdftest.ValidatePDFA(t, empty.Bytes())
}

func Example() {
	r, err := pdf.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	doc := domain.Document{
		Kind:      "decision",
		Lang:      "nb",
		Title:     "Vedtak om barnehageplass",
		Sender:    domain.Party{Name: "Eksempel kommune"},
		Recipient: domain.Party{Name: "Åse Ørnsæter", Lines: []string{"Blåbærstien 7", "9998 Æblevik"}},
		Sections:  []domain.Section{{Paragraphs: []string{"Du har fått plass."}}},
	}
	var b bytes.Buffer
	created := time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)
	if err := r.Render(io.MultiWriter(&b, io.Discard), doc, created); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(b.Bytes()[:8]))
	// Output: %PDF-1.4
}

package billingweb_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/pdf"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/billingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// pdfText extracts a PDF's text with poppler's pdftotext, skipping the
// test where it is not installed. (To be replaced by adapters/pdf/pdftest
// once the pdf branch has it.)
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext is not installed")
	}
	in := filepath.Join(t.TempDir(), "invoice.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o600))
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").Output()
	require.NoError(t, err)
	return string(out)
}

// validatePDFA checks a PDF with PDFBox Preflight (PDF/A-1b), skipping
// where Java or the Preflight jar is not installed. (To be replaced by
// adapters/pdf/pdftest once the pdf branch has it.)
func validatePDFA(t *testing.T, pdf []byte) {
	t.Helper()
	java, err := exec.LookPath("java")
	if err != nil {
		t.Skip("java is not installed")
	}
	if _, err := os.Stat("/usr/share/java/preflight-2.0.27.jar"); err != nil {
		t.Skip("PDFBox Preflight is not installed")
	}
	in := filepath.Join(t.TempDir(), "invoice.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o600))
	out, _ := exec.Command(java, "-cp", "/usr/share/java/*", "org.apache.pdfbox.preflight.Validator_A1b", in).CombinedOutput()
	require.Contains(t, string(out), "is a valid PDF/A-1b file", string(out))
}

func withLang(t *testing.T, ta *webtest.Harness, cookie, lang string) string {
	t.Helper()
	set := ta.Do(t, cookie, "POST", "/language", "application/x-www-form-urlencoded", "lang="+lang+"&return=/invoices")
	require.Equal(t, 303, set.Status)
	for _, c := range set.Header.Values("Set-Cookie") {
		cookie += "; " + strings.SplitN(c, ";", 2)[0]
	}
	return cookie
}

// The PDF of a demo family's invoice has every mandatory part, in nb and
// nn: payer name and address, the account number, KID, due date written
// out, period, the child lines and the total; the protected payer's PDF
// has no address.
func TestInvoicePDFHasEveryMandatoryPart(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	require.Equal(t, 201, ta.RunInvoices(t, cw, "2025-11").Status)
	var page struct {
		Items []billingweb.InvoiceView `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(ta.Do(t, cw, "GET", "/api/v1/invoices?month=2025-11&limit=200", "", "").Body), &page))
	hilde := ta.Personas[demo.PersonaGuardian].Actor.Guardian
	marte := ta.Personas[demo.PersonaProtected].Actor.Guardian
	var own, protected *billingweb.InvoiceView
	for i, inv := range page.Items {
		switch inv.Payer {
		case hilde:
			own = &page.Items[i]
		case marte:
			protected = &page.Items[i]
		}
	}
	require.NotNil(t, own, "the demo guardian pays an invoice")
	require.NotNil(t, protected)
	guardian := ta.CookieFor(t, demo.PersonaGuardian)
	for lang, want := range map[string][]string{
		"nb": {"Forfallsdato", "november 2025", "Kontonummer", "1234 56 78903", "Spesifikasjon"},
		"nn": {"Forfallsdato", "november 2025", "Kontonummer", "1234 56 78903", "Spesifikasjon", "innan"},
	} {
		res := ta.Do(t, withLang(t, ta, guardian, lang), "GET", "/invoices/"+own.ID.String()+"/invoice.pdf", "", "")
		require.Equal(t, 200, res.Status, res.Body)
		assert.Equal(t, "application/pdf", res.Header.Get("Content-Type"))
		require.True(t, strings.HasPrefix(res.Body, "%PDF-"))
		validatePDFA(t, []byte(res.Body))
		text := strings.Join(strings.Fields(pdfText(t, []byte(res.Body))), " ")
		for _, w := range append(want, domain.FormatNOK(decimal.RequireFromString(own.Total)), own.PayerName, own.PayerAddress.Street, own.KID, domain.LongDate(own.Due, lang)) {
			assert.Contains(t, text, w, lang)
		}
		// A narrow table column may wrap a name inside a word: the
		// lines are compared without white space.
		squeezed := strings.Join(strings.Fields(text), "")
		for _, l := range own.Lines {
			assert.Contains(t, squeezed, strings.Join(strings.Fields(l.ChildName), ""), lang)
		}
	}
	res := ta.Do(t, cw, "GET", "/api/v1/invoices/"+protected.ID.String()+"/pdf", "", "")
	require.Equal(t, 200, res.Status, res.Body)
	text := strings.Join(strings.Fields(pdfText(t, []byte(res.Body))), " ")
	assert.NotContains(t, text, demo.ProtectedStreet)
	assert.Contains(t, text, "digital postkasse")
	assert.Contains(t, text, protected.KID)
}

// An invoice with a correction line: its PDF says, in nb and nn, which
// month it corrects and why, beside the lines and the total.
func TestInvoicePDFShowsCorrections(t *testing.T) {
	r, err := pdf.New()
	require.NoError(t, err)
	m := demo.Municipality
	emma := domain.NewID[domain.Child]()
	dec25, oct25 := billing.Month{Year: 2025, Month: 12}, billing.Month{Year: 2025, Month: 10}
	d := decimal.RequireFromString
	inv := billing.Invoice{Municipality: m, Month: dec25, Number: 7, KID: "0000000075", Issued: date.New(2025, 12, 5), Due: date.New(2025, 12, 20),
		Total: d("1344.39"), Lines: []billing.Line{
			{Child: emma, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: dec25, Days: 31, DaysInMonth: 31, Gross: d("1200.00"), Full: d("1200.00"), Amount: d("1200.00")},
			{Child: emma, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: oct25, Correction: true, Days: 31, DaysInMonth: 31, Gross: d("144.39"), Full: d("144.39"), Amount: d("144.39")},
		}}
	l := billing.InvoiceLetter{Invoice: inv, Payer: billing.Payer{Name: "Ingrid Hansen", Address: domain.Address{Street: "Storgata 12", Postcode: "9900", PostTown: "DEMOBY"}},
		Settings: billing.Settings{Municipality: m, BankAccount: demo.DemoBankAccount}, Template: domain.LetterTemplate{Municipality: m, SenderName: "Demo kommune"},
		Children:  map[domain.ChildID]string{emma: "Emma Hansen"},
		Decisions: []billing.FeeDecision{{Child: emma, Kind: domain.Kindergarten, From: oct25, Made: date.New(2025, 11, 20), Reasons: []billing.Reason{billing.ReasonIncome}}}}
	for lang, want := range map[billing.Lang][]string{
		billing.Bokmal:  {"Korrigering av oktober 2025", "Korrigeringer av tidligere måneder", "Forfallsdato", "20. desember 2025", "innen"},
		billing.Nynorsk: {"Korrigering av oktober 2025", "Korrigeringar av tidlegare månader", "Forfallsdato", "20. desember 2025", "innan"},
	} {
		var buf strings.Builder
		require.NoError(t, r.Render(&buf, billing.InvoiceDocument(l, lang), time.Date(2025, 12, 5, 9, 0, 0, 0, time.UTC)))
		validatePDFA(t, []byte(buf.String()))
		text := strings.Join(strings.Fields(pdfText(t, []byte(buf.String()))), " ")
		for _, w := range append(want, "Ingrid Hansen", "Storgata 12", "9900 DEMOBY", "1234 56 78903", "0000000075", "desember 2025",
			"vedtak om inntektsgradert betaling", "1 344,39 kr") {
			assert.Contains(t, text, w, string(lang))
		}
	}
}

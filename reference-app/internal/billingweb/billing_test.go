package billingweb_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/reference-app/internal/billingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The demo data invoices the demo guardian at once: the caseworker runs
// November, Hilde Berg reads her invoice for Sofie's SFO place and why it
// is what it is (free hours, income cap); a second run makes nothing; the
// export and the payment file work on the invoices made.
func TestBillingFlow(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	first := ta.RunInvoices(t, cw, "2025-11")
	require.Equal(t, 201, first.Status, first.Body)
	var res billingweb.InvoiceRunResultView
	require.NoError(t, json.Unmarshal([]byte(first.Body), &res))
	assert.True(t, res.Created)
	assert.Greater(t, len(res.Invoices), 30, "the seeded families are invoiced")
	assert.Empty(t, res.Skipped, "every placed child has a family and a price list: %v", res.Skipped)
	var hilde *billingweb.InvoiceView
	for i, inv := range res.Invoices {
		if inv.PayerName == "Hilde Berg" {
			hilde = &res.Invoices[i]
		}
	}
	require.NotNil(t, hilde, "the demo guardian gets an invoice")
	require.NotEmpty(t, hilde.KID)
	var codes []string
	for _, l := range hilde.Lines {
		assert.Equal(t, "Sofie Berg", l.ChildName)
		for _, r := range l.Reductions {
			codes = append(codes, r.Code)
		}
	}
	assert.Contains(t, codes, "income-cap")
	assert.Contains(t, codes, "free-hours")

	again := ta.RunInvoices(t, cw, "2025-11")
	require.Equal(t, 200, again.Status, again.Body)
	var res2 billingweb.InvoiceRunResultView
	require.NoError(t, json.Unmarshal([]byte(again.Body), &res2))
	assert.False(t, res2.Created)
	assert.Len(t, res2.Invoices, len(res.Invoices), "nothing new")

	// The page run of the same month says so.
	rerun := ta.Do(t, cw, "POST", "/billing/invoice-runs", "application/x-www-form-urlencoded", "month=2025-11")
	require.Equal(t, 200, rerun.Status)
	assert.Contains(t, rerun.Body, "allerede fakturert")
	assert.Contains(t, rerun.Body, "Hilde Berg")

	// The guardian sees her own invoice only, and the explanation.
	g := ta.CookieFor(t, demo.PersonaGuardian)
	mine := ta.Do(t, g, "GET", "/api/v1/invoices?month=2025-11", "", "")
	require.Equal(t, 200, mine.Status)
	var pg api.Page[billingweb.InvoiceView]
	require.NoError(t, json.Unmarshal([]byte(mine.Body), &pg))
	require.Len(t, pg.Items, 1)
	assert.Equal(t, hilde.KID, pg.Items[0].KID)
	inv := ta.Do(t, g, "GET", "/invoices", "", "")
	require.Equal(t, 200, inv.Status)
	assert.Contains(t, inv.Body, hilde.KID)
	assert.Contains(t, inv.Body, "/children/"+ta.Sofie.String()+"/fees")
	for lang, want := range map[string][]string{
		"nb": {"Foreldrebetaling for Sofie Berg", "Inntektsgradert betaling", "Gratis timer", "310\u00a0000,00\u00a0kr"},
		"nn": {"Gratis timar", "Inntektsgradert betaling"},
		"en": {"Parental fees for Sofie Berg", "Income cap", "Free hours", "NOK\u00a0310,000.00"},
	} {
		fees := ta.Do(t, web.LangCookie+"="+lang+"; "+g, "GET", "/children/"+ta.Sofie.String()+"/fees", "", "")
		require.Equal(t, 200, fees.Status)
		for _, w := range want {
			assert.Contains(t, fees.Body, w, lang)
		}
	}
	other := ta.Do(t, ta.CookieFor(t, demo.PersonaOtherGuardian), "GET", "/api/v1/invoices?month=2025-11", "", "")
	assert.NotContains(t, other.Body, hilde.KID)

	// Export: one CSV row per line, the header first.
	csv := ta.Do(t, cw, "GET", "/api/v1/exports/finance.csv?month=2025-11", "", "")
	require.Equal(t, 200, csv.Status)
	assert.True(t, strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv"))
	assert.True(t, strings.HasPrefix(csv.Body, "municipality;month;invoice_number"))
	assert.Contains(t, csv.Body, hilde.KID)

	// Payments: a file paying Hilde's invoice in part, a KID nobody has and
	// a broken line.
	ocr := billingOCR(t, []ocrPayment{{kid: hilde.KID, ore: 10000}, {kid: "000000000000", ore: 5000}})
	body, _ := json.Marshal(billingweb.PaymentUploadRequest{OCR: ocr})
	paid := ta.Do(t, cw, "POST", "/api/v1/payments", "application/json", string(body))
	require.Equal(t, 200, paid.Status, paid.Body)
	var rep billingweb.PaymentReportView
	require.NoError(t, json.Unmarshal([]byte(paid.Body), &rep))
	assert.Len(t, rep.Matched, 1)
	assert.Len(t, rep.UnknownKIDs, 1)
	require.Len(t, rep.Underpaid, 1)
	assert.Equal(t, hilde.KID, rep.Underpaid[0].KID)
	assert.NotEmpty(t, rep.Problems, "the broken line is reported")
	assert.Positive(t, rep.Problems[0].Line)
}

type ocrPayment struct {
	kid string
	ore int64
}

// billingOCR writes a Nets OCR giro file of the payments (format in
// billing/ocr.go) with one more transaction whose amount is unreadable.
func billingOCR(t *testing.T, ps []ocrPayment) string {
	t.Helper()
	pad := func(s string) string { return s + strings.Repeat("0", 80-len(s)) }
	var b strings.Builder
	b.WriteString(pad("NY000010"+"00008080"+"1012251"+"00012345") + "\n")
	b.WriteString(pad("NY090020"+"001234567"+"0000001"+"12345678903") + "\n")
	var sum int64
	items := append(ps, ocrPayment{kid: "1234567890", ore: -1})
	for i, p := range items {
		tr := fmt.Sprintf("%07d", i+1)
		amount := fmt.Sprintf("%017d", p.ore)
		if p.ore < 0 {
			amount = "00000000000ABC000"
		} else {
			sum += p.ore
		}
		b.WriteString("NY091030" + tr + "101225" + "01" + "10" + "0" + fmt.Sprintf("%05d", i+1) + "0" + amount + fmt.Sprintf("%25s", p.kid) + "00" + "0000" + "\n")
		b.WriteString(pad("NY091031"+tr+"0000000000"+"001234567"+"0000000"+"101225"+"12345678903") + "\n")
	}
	n := len(ps)
	b.WriteString(pad("NY090088"+fmt.Sprintf("%08d%08d%017d", n, 2*n+2, sum)+"101225"+"101225"+"101225") + "\n")
	b.WriteString(pad("NY000089"+fmt.Sprintf("%08d%08d%017d", n, 2*n+4, sum)+"101225") + "\n")
	return b.String()
}

// The other parent with parental responsibility, who lives elsewhere, sees
// Sofie's fee and the rules applied, but not the income of Hilde's
// household; the caseworker and Hilde see it.
func TestFeeExplanationKeepsTheHouseholdIncome(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	res := ta.RunInvoices(t, ta.CookieFor(t, demo.PersonaCaseworker), "2025-11")
	require.Equal(t, 201, res.Status, res.Body)
	// Anders Nygård: parental responsibility, not living with Sofie.
	anders := ta.Personas[demo.PersonaSecondParent]
	require.Equal(t, "Anders Nygård", anders.Name)
	value, err := ta.App.Sessions.Create(ctx, web.Session{Actor: anders.Actor, Name: anders.Name}, time.Now())
	require.NoError(t, err)
	path := "/children/" + ta.Sofie.String() + "/fees"
	income := "310\u00a0000,00"
	other := ta.Do(t, web.SessionCookie+"="+value, "GET", path, "", "")
	require.Equal(t, 200, other.Status)
	assert.Contains(t, other.Body, "Inntektsgradert betaling", "the rule is shown")
	assert.NotContains(t, other.Body, income)
	for _, p := range []string{demo.PersonaGuardian, demo.PersonaCaseworker} {
		assert.Contains(t, ta.Do(t, ta.CookieFor(t, p), "GET", path, "", "").Body, income, p)
	}
}

// The payment page takes the OCR file as a multipart upload and reports
// matches, unknown KIDs, underpayments and unreadable lines by number.
func TestPaymentUploadPage(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	res := ta.RunInvoices(t, cw, "2025-11")
	require.Equal(t, 201, res.Status, res.Body)
	var run billingweb.InvoiceRunResultView
	require.NoError(t, json.Unmarshal([]byte(res.Body), &run))
	kid := run.Invoices[0].KID

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "ocr.txt")
	require.NoError(t, err)
	_, err = fw.Write([]byte(billingOCR(t, []ocrPayment{{kid: kid, ore: 100}, {kid: "99999999999", ore: 2500}})))
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	page := ta.Do(t, cw, "POST", "/billing/payments", mw.FormDataContentType(), body.String())
	require.Equal(t, 200, page.Status, page.Body)
	assert.Contains(t, page.Body, "2 innbetalinger registrert: 1 knyttet til faktura, 1 med ukjent KID")
	assert.Contains(t, page.Body, "99999999999")
	assert.Contains(t, page.Body, "underbetalt")
	assert.Regexp(t, `<tr><th scope="row">\d+</th><td[^>]*>[^<]+</td></tr>`, page.Body, "the unreadable line, by number")

	// The same file again records nothing new.
	again := ta.Do(t, cw, "POST", "/billing/payments", mw.FormDataContentType(), body.String())
	assert.Contains(t, again.Body, "0 innbetalinger registrert")
	// No file at all is refused with a message.
	empty := ta.Do(t, cw, "POST", "/billing/payments", "application/x-www-form-urlencoded", "ocr=")
	assert.Equal(t, 422, empty.Status)
	assert.Contains(t, empty.Body, "Velg en fil")
}

// The income decision form saves a valid decision and explains a refused
// one beside the form, keeping what was typed.
func TestIncomeDecisionForm(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	fams := webtest.BillingFamiliesWithoutIncome(ta)
	form := "application/x-www-form-urlencoded"
	bad := ta.Do(t, cw, "POST", "/billing/income-decisions", form, "family="+fams[0]+"&income=abc&applied=2025-08-20&start=2025-09-15&end=2026-07-31")
	require.Equal(t, 422, bad.Status)
	assert.Contains(t, bad.Body, "Årsinntekt (kr): må være et beløp i kroner")
	assert.Contains(t, bad.Body, `value="abc"`)
	ds, err := ta.Store.IncomeDecisions(t.Context(), demo.Municipality)
	require.NoError(t, err)
	before := len(ds)

	ok := ta.Do(t, cw, "POST", "/billing/income-decisions", form, "family="+fams[0]+"&income=420000&applied=2025-08-20&start=2025-09-01&end=2026-07-31&documentation=Skattemelding")
	require.Equal(t, 303, ok.Status, ok.Body)
	ds, err = ta.Store.IncomeDecisions(t.Context(), demo.Municipality)
	require.NoError(t, err)
	assert.Len(t, ds, before+1)
	// The form leads to the family, where its new decision is listed.
	to := ok.Header.Get("Location")
	assert.Equal(t, "/billing/families?family="+fams[0]+"&saved=1#income", to)
	list := ta.Do(t, cw, "GET", strings.TrimSuffix(to, "#income"), "", "")
	assert.Contains(t, list.Body, "420\u00a0000,00")
	assert.Contains(t, list.Body, "Treff: 1.", "the family alone")
	assert.Equal(t, 2, strings.Count(list.Body, "<tr><th scope=\"row\">"), "one family row and its one income decision")

	overlap := ta.Do(t, cw, "POST", "/billing/income-decisions", form, "family="+fams[0]+"&income=1&applied=2025-08-20&start=2025-10-01&end=2026-07-31")
	assert.Equal(t, 422, overlap.Status)
	assert.Contains(t, overlap.Body, "allerede et inntektsvedtak")
}

// A kindergarten price list above the national maximum is refused with the
// field; an overlapping one is a conflict; a valid one is listed.
func TestPriceListAPI(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	list := func(start, end, price string) string {
		return `{"kind":"kindergarten","start":"` + start + `","end":"` + end + `","fullTimePrice":"` + price +
			`","brackets":[{"minHours":0,"share":"1.00","food":"400.00"}]}`
	}
	high := ta.Do(t, cw, "POST", "/api/v1/price-lists", "application/json", list("2030-08-01", "2031-07-31", "9999.00"))
	assert.Equal(t, 422, high.Status)
	assert.Contains(t, high.Body, `"field":"kindergarten.fullTimePrice"`)
	overlap := ta.Do(t, cw, "POST", "/api/v1/price-lists", "application/json", list("2026-01-01", "2026-07-31", "1000.00"))
	assert.Equal(t, 409, overlap.Status, overlap.Body)
	notANumber := ta.Do(t, cw, "POST", "/api/v1/price-lists", "application/json", list("2030-08-01", "2031-07-31", "mye"))
	assert.Equal(t, 422, notANumber.Status)
	assert.Contains(t, notANumber.Body, `"field":"fullTimePrice"`)
	ok := ta.Do(t, cw, "POST", "/api/v1/price-lists", "application/json", list("2030-08-01", "2031-07-31", "1100.00"))
	require.Equal(t, 201, ok.Status, ok.Body)
	lists := ta.Do(t, cw, "GET", "/api/v1/price-lists", "", "")
	assert.Contains(t, lists.Body, `"fullTimePrice":"1100.00"`)
}

// A payment file with a line far longer than a record (65,536 bytes broke
// the reader and answered 500) is read: the line is reported by number
// with its code, translated on the page, and the payments around it are
// recorded — through the API and the upload page alike. A file larger than
// the app reads is refused, never read cut short.
func TestPaymentFileWithOverlongLine(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	res := ta.RunInvoices(t, cw, "2025-11")
	require.Equal(t, 201, res.Status, res.Body)
	var run billingweb.InvoiceRunResultView
	require.NoError(t, json.Unmarshal([]byte(res.Body), &run))
	// A line of 70,000 bytes after the start of the assignment: line 3.
	withLongLine := func(ps []ocrPayment) string {
		lines := strings.SplitAfterN(billingOCR(t, ps), "\n", 3)
		return lines[0] + lines[1] + strings.Repeat("9", 70000) + "\n" + lines[2]
	}

	body, _ := json.Marshal(billingweb.PaymentUploadRequest{OCR: withLongLine([]ocrPayment{{kid: run.Invoices[0].KID, ore: 100}})})
	api := ta.Do(t, cw, "POST", "/api/v1/payments", "application/json", string(body))
	require.Equal(t, 200, api.Status, api.Body)
	var rep billingweb.PaymentReportView
	require.NoError(t, json.Unmarshal([]byte(api.Body), &rep))
	assert.Equal(t, 1, rep.Recorded, "the payment after the long line is read")
	require.NotEmpty(t, rep.Problems)
	assert.Equal(t, billingweb.LineProblemView{Line: 3, Code: billing.OCRLineTooLong,
		Reason: "a record is 80 characters, this line is longer than 1024 bytes"}, rep.Problems[0])

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, err := mw.CreateFormFile("file", "ocr.txt")
	require.NoError(t, err)
	_, err = fw.Write([]byte(withLongLine([]ocrPayment{{kid: run.Invoices[1].KID, ore: 100}})))
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	for lang, want := range map[string]string{
		"nb": "Linjen er for lang til å være en OCR-post",
		"nn": "Linja er for lang til å vere ein OCR-post",
		"en": "The line is too long to be an OCR record",
	} {
		page := ta.Do(t, cw+"; "+web.LangCookie+"="+lang, "POST", "/billing/payments", mw.FormDataContentType(), form.String())
		require.Equal(t, 200, page.Status, page.Body)
		assert.Regexp(t, `<tr><th scope="row">3</th><td[^>]*>\Q`+want+`\E`, page.Body, lang)
		assert.NotContains(t, page.Body, "longer than 1024 bytes", "no English detail on the page")
	}

	// A file one byte over the limit is refused whole, not read cut short.
	before, err := ta.Store.Payments(t.Context(), demo.Municipality)
	require.NoError(t, err)
	var big bytes.Buffer
	mw = multipart.NewWriter(&big)
	fw, err = mw.CreateFormFile("file", "ocr.txt")
	require.NoError(t, err)
	file := strings.Replace(billingOCR(t, []ocrPayment{{kid: run.Invoices[2].KID, ore: 100}}), "1012251", "1012259", 1) // another transmission
	_, err = fw.Write([]byte(file + strings.Repeat(" ", billingweb.MaxPaymentFile+1-len(file))))
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	tooBig := ta.Do(t, cw, "POST", "/billing/payments", mw.FormDataContentType(), big.String())
	assert.Equal(t, 413, tooBig.Status)
	after, err := ta.Store.Payments(t.Context(), demo.Municipality)
	require.NoError(t, err)
	assert.Len(t, after, len(before), "nothing of the refused file is recorded")
}

// Every reason ParseOCR gives a line is translated in every language.
func TestOCRLineCodesTranslated(t *testing.T) {
	catalogs := webtest.New(t).App.Catalogs
	for _, code := range []string{billing.OCRLineTooLong, billing.OCRLength, billing.OCRFormat, billing.OCRUnknownRecord,
		billing.OCRTransactionType, billing.OCRTransactionNumber, billing.OCRDate, billing.OCRAmount, billing.OCRKID,
		billing.OCROutsideAssignment, billing.OCRItem2WithoutItem1, billing.OCRTotalsUnreadable,
		billing.OCRAssignmentTotals, billing.OCRTransmissionTotals} {
		for _, lang := range web.Languages {
			assert.Contains(t, catalogs[lang], "billing.payments.problem."+code, lang)
		}
	}
}

package billingweb_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/billingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

const formType = "application/x-www-form-urlencoded"

// nothingRun asserts that no invoice run exists.
func nothingRun(t *testing.T, ta *webtest.Harness, cw string) {
	t.Helper()
	runs := ta.Do(t, cw, "GET", "/api/v1/invoice-runs", "", "")
	require.Equal(t, 200, runs.Status, runs.Body)
	assert.Contains(t, runs.Body, `"items":[]`, "nothing was run")
}

// Issue 17: "2026-13" (and every other month that does not exist or is
// not written as a month) is refused with a field error on month, on the
// API and the page, and nothing runs.
func TestInvoiceRunMonth202613IsRefusedAndNothingRuns(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	for _, bad := range []string{"2026-13", "2026-1", "2026-02-30", "2025-11x", "2025-00", "2025-11 junk"} {
		for _, path := range []string{"/api/v1/invoice-runs/preview", "/api/v1/invoice-runs"} {
			body, _ := json.Marshal(map[string]string{"month": bad, "fingerprint": "0123"})
			if path == "/api/v1/invoice-runs/preview" {
				body, _ = json.Marshal(map[string]string{"month": bad})
			}
			res := ta.Do(t, cw, "POST", path, "application/json", string(body))
			require.Equal(t, 422, res.Status, "%s %q: %s", path, bad, res.Body)
			var p api.Problem
			require.NoError(t, json.Unmarshal([]byte(res.Body), &p))
			var reasons []string
			for _, f := range p.Errors {
				reasons = append(reasons, f.Field+":"+f.Reason)
			}
			assert.Contains(t, reasons, "month:"+domain.ReasonMonth, "%s %q", path, bad)
		}
		for _, path := range []string{"/billing/invoice-runs/preview", "/billing/invoice-runs"} {
			page := ta.Do(t, cw, "POST", path, formType, url.Values{"month": {bad}, "fingerprint": {"0123"}}.Encode())
			require.Equal(t, 422, page.Status, "%s %q", path, bad)
			assert.Contains(t, page.Body, `id="run-errors"`, "the error summary")
			assert.Contains(t, page.Body, `id="month-field-error"`, "the field's message")
			assert.Contains(t, page.Body, `value="`+bad+`"`, "what was typed is kept")
		}
	}
	nothingRun(t, ta, cw)
}

// Issue 17: a run for a month before the municipality's first invoiced
// month (the demo's is August 2025) is refused, API and page.
func TestInvoiceRunBeforeFirstInvoicedMonthIsRefused(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	res := ta.Do(t, cw, "POST", "/api/v1/invoice-runs/preview", "application/json", `{"month":"2025-07"}`)
	require.Equal(t, 422, res.Status, res.Body)
	assert.Contains(t, res.Body, `"field":"month","reason":"before-first-month"`)
	page := ta.Do(t, cw, "POST", "/billing/invoice-runs/preview", formType, "month=2025-07")
	require.Equal(t, 422, page.Status)
	assert.Contains(t, page.Body, "første fakturerte måned")
	assert.Contains(t, page.Body, `value="2025-07"`)
	nothingRun(t, ta, cw)
}

// Issue 17: a preview writes nothing (no run, invoice or decision), and
// the approval with its fingerprint makes exactly what was previewed; both
// are audit-logged with who.
func TestInvoiceRunPreviewWritesNothing(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	decisions := func() int {
		ds, err := ta.Store.FeeDecisions(ctx, demo.Municipality)
		require.NoError(t, err)
		return len(ds)
	}
	before := decisions()
	res := ta.Do(t, cw, "POST", "/api/v1/invoice-runs/preview", "application/json", `{"month":"2025-11"}`)
	require.Equal(t, 200, res.Status, res.Body)
	var p billingweb.InvoiceRunPreviewView
	require.NoError(t, json.Unmarshal([]byte(res.Body), &p))
	assert.Greater(t, p.Invoices, 30)
	assert.Equal(t, p.Invoices, p.Payers)
	assert.NotEmpty(t, p.Fingerprint)
	assert.Empty(t, p.Corrections, "the first run corrects nothing")
	assert.Equal(t, p.Total, p.Current)
	nothingRun(t, ta, cw)
	invs, err := ta.Store.Invoices(ctx, demo.Municipality, billing.Month{Year: 2025, Month: time.November})
	require.NoError(t, err)
	assert.Empty(t, invs)
	assert.Equal(t, before, decisions(), "a preview makes no fee decision")
	// The page preview writes nothing either.
	page := ta.Do(t, cw, "POST", "/billing/invoice-runs/preview", formType, "month=2025-11")
	require.Equal(t, 200, page.Status)
	nothingRun(t, ta, cw)

	// Without the fingerprint, no approval.
	none := ta.Do(t, cw, "POST", "/api/v1/invoice-runs", "application/json", `{"month":"2025-11"}`)
	require.Equal(t, 422, none.Status, none.Body)
	assert.Contains(t, none.Body, `"field":"fingerprint"`)
	nothingRun(t, ta, cw)

	ok := ta.Do(t, cw, "POST", "/api/v1/invoice-runs", "application/json", `{"month":"2025-11","fingerprint":"`+p.Fingerprint+`"}`)
	require.Equal(t, 201, ok.Status, ok.Body)
	var made billingweb.InvoiceRunResultView
	require.NoError(t, json.Unmarshal([]byte(ok.Body), &made))
	assert.Len(t, made.Invoices, p.Invoices)
	assert.Equal(t, p.Total, made.Run.Total, "to the øre")
	assert.Equal(t, p.FirstNumber, made.Run.FirstNumber)
	assert.Equal(t, p.LastNumber, made.Run.LastNumber)
	assert.Equal(t, p.Decisions, made.Decisions)

	audit := ta.Do(t, ta.CookieFor(t, demo.PersonaAdmin), "GET", "/api/v1/audit?limit=200", "", "")
	assert.Contains(t, audit.Body, "invoice-run.preview")
	assert.Contains(t, audit.Body, "invoice-run.create")
}

// Issue 17: when the data changes between the preview and the approval,
// the approval is refused with 409 and a reason (API) or shows the new
// preview (page); nothing is made.
func TestInvoiceRunApproveAfterDataChangedIs409(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	res := ta.Do(t, cw, "POST", "/api/v1/invoice-runs/preview", "application/json", `{"month":"2025-11"}`)
	require.Equal(t, 200, res.Status, res.Body)
	var p billingweb.InvoiceRunPreviewView
	require.NoError(t, json.Unmarshal([]byte(res.Body), &p))

	fam, err := domain.ParseID[billing.Family](webtest.BillingFamiliesWithoutIncome(ta)[0])
	require.NoError(t, err)
	require.NoError(t, ta.Store.CreateIncomeDecision(t.Context(), billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](),
		Municipality: demo.Municipality, Family: fam, AnnualIncome: decimal.RequireFromString("250000"),
		Applied: date.New(2025, time.July, 15), Period: domain.Period{Start: date.New(2025, time.August, 1), End: date.New(2026, time.July, 31)},
		Documentation: "skattemelding"}))

	stale := ta.Do(t, cw, "POST", "/api/v1/invoice-runs", "application/json", `{"month":"2025-11","fingerprint":"`+p.Fingerprint+`"}`)
	require.Equal(t, 409, stale.Status, stale.Body)
	assert.Contains(t, stale.Body, billing.ReasonPreviewChanged)
	page := ta.Do(t, cw, "POST", "/billing/invoice-runs", formType, url.Values{"month": {"2025-11"}, "fingerprint": {p.Fingerprint}}.Encode())
	require.Equal(t, 409, page.Status)
	assert.Contains(t, page.Body, `id="preview-changed"`)
	assert.Contains(t, page.Body, "endret siden forrige forhåndsvisning")
	nothingRun(t, ta, cw)
	// The new preview's fingerprint approves.
	fresh := fingerprintOf(t, page.Body)
	assert.NotEqual(t, p.Fingerprint, fresh)
	done := ta.Do(t, cw, "POST", "/billing/invoice-runs", formType, url.Values{"month": {"2025-11"}, "fingerprint": {fresh}}.Encode())
	require.Equal(t, 200, done.Status, done.Body)
	assert.Contains(t, done.Body, "Faktureringen er kjørt")
}

var fingerprintRE = regexp.MustCompile(`name="fingerprint" value="([0-9a-f]+)"`)

func fingerprintOf(t *testing.T, body string) string {
	t.Helper()
	m := fingerprintRE.FindStringSubmatch(body)
	require.NotNil(t, m, "the approve form carries the fingerprint")
	return m[1]
}

// invoiceKey is what a run makes, without random IDs.
type invoiceKey struct {
	Number      int64
	KID, Payer  string
	Total       string
	Lines       []string
	Issued, Due date.Date
}

func keysOf(t *testing.T, body string) []invoiceKey {
	t.Helper()
	var v billingweb.InvoiceRunResultView
	require.NoError(t, json.Unmarshal([]byte(body), &v))
	out := make([]invoiceKey, 0, len(v.Invoices))
	for _, inv := range v.Invoices {
		k := invoiceKey{Number: inv.Number, KID: inv.KID, Payer: inv.PayerName, Total: inv.Total, Issued: inv.Issued, Due: inv.Due}
		for _, l := range inv.Lines {
			k.Lines = append(k.Lines, l.ChildName+" "+string(l.Kind)+" "+l.Item+" "+l.Month+" "+l.Amount)
		}
		out = append(out, k)
	}
	return out
}

// Issue 17: the pages preview (month written out, totals to the øre,
// approval explained), approve, and cancel with a required reason;
// cancelling leaves no invoice behind, and running again makes the same
// invoices (numbers, KIDs, lines, amounts) as a clean database; an
// exported run cannot be cancelled (409, credit notes).
func TestInvoiceRunCancelThenRunAgainMatchesCleanDatabase(t *testing.T) {
	clean := webtest.New(t)
	want := clean.RunInvoices(t, clean.CookieFor(t, demo.PersonaCaseworker), "2025-11")
	require.Equal(t, 201, want.Status, want.Body)

	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	preview := ta.Do(t, cw, "POST", "/billing/invoice-runs/preview", formType, "month=2025-11")
	require.Equal(t, 200, preview.Status, preview.Body)
	assert.Contains(t, preview.Body, "november 2025")
	assert.Contains(t, preview.Body, "Godkjenn fakturakjøringen")
	assert.Contains(t, preview.Body, "Når du godkjenner, lages")
	assert.Regexp(t, `til sammen [\d\x{a0} ]+,\d\d[\x{a0} ]kr`, preview.Body, "amounts in kr to the øre")
	for lang, text := range map[string]string{"nn": "Godkjenn fakturakøyringa", "en": "Approve the invoice run"} {
		p := ta.Do(t, cw+"; "+web.LangCookie+"="+lang, "POST", "/billing/invoice-runs/preview", formType, "month=2025-11")
		require.Equal(t, 200, p.Status)
		assert.Contains(t, p.Body, text, lang)
	}
	approved := ta.Do(t, cw, "POST", "/billing/invoice-runs", formType,
		url.Values{"month": {"2025-11"}, "fingerprint": {fingerprintOf(t, preview.Body)}}.Encode())
	require.Equal(t, 200, approved.Status, approved.Body)
	assert.Contains(t, approved.Body, `action="/billing/invoice-runs/2025-11/cancel"`, "the run's page has the cancel form")

	// A reason is required; what was typed is kept.
	noReason := ta.Do(t, cw, "POST", "/billing/invoice-runs/2025-11/cancel", formType, "reason=+")
	require.Equal(t, 422, noReason.Status)
	assert.Contains(t, noReason.Body, `id="cancel-errors"`)
	cancelled := ta.Do(t, cw, "POST", "/billing/invoice-runs/2025-11/cancel", formType, url.Values{"reason": {"Kjørt for tidlig"}}.Encode())
	require.Equal(t, 303, cancelled.Status, cancelled.Body)
	home := ta.Do(t, cw, "GET", "/billing?cancelled=2025-11", "", "")
	assert.Contains(t, home.Body, "Fakturakjøringen for november 2025 er annullert")
	assert.Contains(t, home.Body, "Kjørt for tidlig")
	nothingRun(t, ta, cw)
	invs := ta.Do(t, cw, "GET", "/api/v1/invoices?month=2025-11", "", "")
	assert.Contains(t, invs.Body, `"items":[]`, "no invoice is left")
	cs := ta.Do(t, cw, "GET", "/api/v1/invoice-run-cancellations", "", "")
	require.Equal(t, 200, cs.Status)
	assert.Contains(t, cs.Body, `"reason":"Kjørt for tidlig"`)
	assert.Contains(t, ta.Do(t, ta.CookieFor(t, demo.PersonaAdmin), "GET", "/api/v1/audit?limit=200", "", "").Body, "invoice-run.cancel")

	again := ta.RunInvoices(t, cw, "2025-11")
	require.Equal(t, 201, again.Status, again.Body)
	assert.Equal(t, keysOf(t, want.Body), keysOf(t, again.Body), "the same invoices as a clean database")

	// Exported: cancelling is refused with the reason; credit notes correct it.
	exp := ta.Do(t, cw, "GET", "/api/v1/exports/finance.csv?month=2025-11", "", "")
	require.Equal(t, 200, exp.Status)
	refused := ta.Do(t, cw, "POST", "/api/v1/invoice-runs/2025-11/cancel", "application/json", `{"reason":"for sent"}`)
	require.Equal(t, 409, refused.Status, refused.Body)
	assert.Contains(t, refused.Body, billing.ReasonRunExported)
	page := ta.Do(t, cw, "GET", "/billing/invoices?month=2025-11", "", "")
	assert.NotContains(t, page.Body, `action="/billing/invoice-runs/2025-11/cancel"`)
	assert.Contains(t, page.Body, "kreditnota")
	// A month in the path that is not a month is a field error.
	bad := ta.Do(t, cw, "POST", "/api/v1/invoice-runs/2026-13/cancel", "application/json", `{"reason":"x"}`)
	require.Equal(t, 422, bad.Status, bad.Body)
}

// Issue 24: an invoice run writes a month of rows at once, so the store
// refreshes the planner's statistics after it (ANALYZE on PostgreSQL); a
// preview, and a month run again, write nothing and analyze nothing.
func TestInvoiceRunRefreshesStatistics(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	before := ta.SQL.Analyzes()
	res := ta.Do(t, cw, "POST", "/api/v1/invoice-runs/preview", "application/json", `{"month":"2025-11"}`)
	require.Equal(t, 200, res.Status, res.Body)
	assert.Equal(t, before, ta.SQL.Analyzes(), "a preview analyzes nothing")
	var p billingweb.InvoiceRunPreviewView
	require.NoError(t, json.Unmarshal([]byte(res.Body), &p))
	body := `{"month":"2025-11","fingerprint":"` + p.Fingerprint + `"}`
	made := ta.Do(t, cw, "POST", "/api/v1/invoice-runs", "application/json", body)
	require.Equal(t, 201, made.Status, made.Body)
	after := ta.SQL.Analyzes()
	assert.Equal(t, before+1, after, "the run is followed by one ANALYZE")
	again := ta.Do(t, cw, "POST", "/api/v1/invoice-runs", "application/json", body)
	require.Equal(t, 200, again.Status, again.Body)
	assert.Equal(t, after, ta.SQL.Analyzes(), "a month run before writes nothing new")
}

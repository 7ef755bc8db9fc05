package billingweb_test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/reference-app/internal/billingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// An invalid bank account number is refused with field and reason (API
// and page, in the page's language), and nothing changes; a valid one is
// stored and audit-logged.
func TestBillingSettings(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	res := ta.Do(t, cw, "POST", "/api/v1/billing-settings", "application/json",
		`{"bankAccount":"1234 56 78904","kidMethod":"mod10","dueDay":40,"correctionMonths":3,"firstMonth":"2025-13"}`)
	require.Equal(t, 422, res.Status, res.Body)
	for _, want := range []string{`"field":"bankAccount","reason":"bank-account-check"`, `"field":"firstMonth","reason":"not-a-month"`, `"field":"dueDay","reason":"due-day"`} {
		assert.Contains(t, res.Body, want)
	}
	page := ta.Do(t, cw, "POST", "/billing/settings", "application/x-www-form-urlencoded",
		url.Values{"bankAccount": {"1234 56 78904"}, "kidMethod": {"mod10"}, "dueDay": {"20"}, "correctionMonths": {"3"}, "firstMonth": {"2025-08"}}.Encode())
	require.Equal(t, 422, page.Status)
	assert.Contains(t, page.Body, `value="1234 56 78904"`, "what was typed is kept")
	assert.Contains(t, page.Body, `id="bankAccount-error"`)
	assert.Contains(t, page.Body, "kontrollsifferet", "the reason in bokmål")

	got := ta.Do(t, cw, "GET", "/api/v1/billing-settings", "", "")
	require.Equal(t, 200, got.Status)
	var v billingweb.SettingsView
	require.NoError(t, json.Unmarshal([]byte(got.Body), &v))
	assert.Equal(t, demo.DemoBankAccount, v.BankAccount, "a refused change stores nothing")

	ok := ta.Do(t, cw, "POST", "/billing/settings", "application/x-www-form-urlencoded",
		url.Values{"bankAccount": {"3207.40.68323"}, "kidMethod": {"mod11"}, "dueDay": {"15"}, "correctionMonths": {"2"}, "firstMonth": {"2025-10"}}.Encode())
	require.Equal(t, 303, ok.Status, ok.Body)
	got = ta.Do(t, cw, "GET", "/api/v1/billing-settings", "", "")
	require.NoError(t, json.Unmarshal([]byte(got.Body), &v))
	assert.Equal(t, billingweb.SettingsView{BankAccount: "32074068323", KIDMethod: "mod11", DueDay: 15, CorrectionMonths: 2, FirstMonth: "2025-10"}, v)
	admin := ta.CookieFor(t, demo.PersonaAdmin)
	audit := ta.Do(t, admin, "GET", "/api/v1/audit", "", "")
	assert.Contains(t, audit.Body, "billing-settings.update")

	// A run before the first invoiced month is refused with the reason and
	// writes nothing; so is a month that does not exist.
	before := ta.Do(t, cw, "POST", "/billing/invoice-runs", "application/x-www-form-urlencoded", "month=2025-09")
	require.Equal(t, 422, before.Status)
	assert.Contains(t, before.Body, "første fakturerte måned")
	bad := ta.RunInvoices(t, cw, "2026-13")
	require.Equal(t, 422, bad.Status)
	ahead := ta.RunInvoices(t, cw, "2026-02")
	require.Equal(t, 422, ahead.Status)
	assert.Contains(t, ahead.Body, billing.ReasonOutsideRunWindow)
	runs := ta.Do(t, cw, "GET", "/api/v1/invoice-runs", "", "")
	assert.Contains(t, runs.Body, `"items":[]`, "nothing was run")
}

// The rule tables page shows the provisional 2025-08-01 row, its unknown
// threshold and the children it blocks; an administrator loads the
// threshold and the children are no longer blocked; a malformed table is
// refused with its line and field.
func TestRuleTables(t *testing.T) {
	ta := webtest.New(t)
	admin := ta.CookieFor(t, demo.PersonaAdmin)
	page := ta.Do(t, admin, "GET", "/billing/rule-tables", "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, "foreløpig")
	assert.Contains(t, page.Body, "inntektsgrense for gratis kjernetid")

	table := `{
  "rows": [
    {"validFrom": "2025-08-01", "maxPrice": {"ordinary": "1200.00", "reduced": "700.00"}, "freeZone": true,
     "siblingDiscounts": ["0", "0.30", "1.00"], "incomeCapShare": "0.06", "billedMonthsPerYear": 11,
     "feeFreeMonths": [7], "freeCoreHours": 20, "freeCoreIncomeThreshold": "700 000",
     "source": "test", "provisional": true}
  ]
}`
	refused := ta.Do(t, admin, "POST", "/billing/rule-tables", "application/x-www-form-urlencoded",
		url.Values{"kind": {"kindergarten"}, "source": {"test"}, "table": {table}}.Encode())
	require.Equal(t, 422, refused.Status)
	assert.Contains(t, refused.Body, "Linje 5, rows[0].freeCoreIncomeThreshold")
	fixed := strings.Replace(table, `"700 000"`, `"700000.00"`, 1)
	res := ta.Do(t, admin, "POST", "/api/v1/rule-tables", "application/json",
		`{"kind":"kindergarten","source":"test","table":`+strconv.Quote(fixed)+`}`)
	require.Equal(t, 201, res.Status, res.Body)
	var v billingweb.RuleTablesView
	got := ta.Do(t, admin, "GET", "/api/v1/rule-tables", "", "")
	require.NoError(t, json.Unmarshal([]byte(got.Body), &v))
	require.Len(t, v.Loaded, 1)
	assert.Empty(t, v.Blocked)
	for _, r := range v.Rows {
		if r.Kind == "kindergarten" && r.ValidFrom.String() == "2025-08-01" {
			assert.Empty(t, r.Unknown)
			assert.True(t, r.Loaded)
		}
	}
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	assert.Equal(t, 403, ta.Do(t, cw, "POST", "/api/v1/rule-tables", "application/json",
		`{"kind":"kindergarten","source":"test","table":`+strconv.Quote(fixed)+`}`).Status, "loading is the administrator's")
}

// A new kindergarten price list above the national maximum is refused with
// the reason next to the field, what was typed kept; one overlapping the
// list in force is a conflict; a valid new version is stored, listed with
// the old ones and audit-logged.
func TestPriceListPage(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	page := ta.Do(t, cw, "GET", "/billing/price-lists", "", "")
	require.Equal(t, 200, page.Status)
	form := func(start, end, price string) string {
		return url.Values{"kind": {"kindergarten"}, "zone": {"ordinary"}, "start": {start}, "end": {end}, "fullTimePrice": {price},
			"minHours0": {"0"}, "amount0": {"1.00"}, "food0": {"400.00"}}.Encode()
	}
	above := ta.Do(t, cw, "POST", "/billing/price-lists", "application/x-www-form-urlencoded", form("2027-08-01", "2028-07-31", "1500.00"))
	require.Equal(t, 422, above.Status)
	assert.Contains(t, above.Body, `id="fullTimePrice-error"`)
	assert.Contains(t, above.Body, "over den nasjonale maksprisen")
	assert.Contains(t, above.Body, `value="1500.00"`)
	overlap := ta.Do(t, cw, "POST", "/billing/price-lists", "application/x-www-form-urlencoded", form("2025-09-01", "2026-07-31", "1000.00"))
	require.Equal(t, 422, overlap.Status)
	assert.Contains(t, overlap.Body, "en annen liste for samme tjeneste")
	saved := ta.Do(t, cw, "POST", "/billing/price-lists", "application/x-www-form-urlencoded", form("2027-08-01", "2028-07-31", "1100.00"))
	require.Equal(t, 303, saved.Status, saved.Body)
	list := ta.Do(t, cw, "GET", "/billing/price-lists?saved=1", "", "")
	assert.Contains(t, list.Body, "1\u00a0100,00")
	assert.Contains(t, ta.Do(t, ta.CookieFor(t, demo.PersonaAdmin), "GET", "/api/v1/audit", "", "").Body, "price-list.create")
}

// The invoice page shows the municipality's bank account number.
func TestInvoicePageShowsBankAccount(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	require.Equal(t, 201, ta.RunInvoices(t, cw, "2025-11").Status)
	page := ta.Do(t, cw, "GET", "/billing/invoices?month=2025-11", "", "")
	assert.Contains(t, page.Body, "1234 56 78903")
}

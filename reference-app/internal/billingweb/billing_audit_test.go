package billingweb_test

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/financecsv"
	"github.com/oppvekst/oppvekst/reference-app/internal/billingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The finance CSV marks every row of a payer with a protected address, and
// gives no address for them; the demo's strengt fortrolig guardian pays for her
// daughter's kindergarten place. Every export is audit-logged, one of a
// month without invoices too.
func TestFinanceExportMarksProtectedPayersAndIsAudited(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	empty := ta.Do(t, cw, "GET", "/api/v1/exports/finance.csv?month=2025-10", "", "")
	require.Equal(t, 200, empty.Status, empty.Body)
	logged := ta.AuditedAs(t, "invoices.export")
	require.Len(t, logged, 1, "an export without invoices is logged too")
	assert.Equal(t, "invoices/2025-10", logged[0].Record)
	assert.Equal(t, "siri.saksbehandler@demo-kommune.example", logged[0].Actor.Subject)

	require.Equal(t, 201, ta.RunInvoices(t, cw, "2025-11").Status)
	for _, path := range []string{"/api/v1/exports/finance.csv?month=2025-11", "/billing/export.csv?month=2025-11"} {
		res := ta.Do(t, cw, "GET", path, "", "")
		require.Equal(t, 200, res.Status, res.Body)
		r := csv.NewReader(strings.NewReader(res.Body))
		r.Comma = ';'
		rows, err := r.ReadAll()
		require.NoError(t, err)
		require.Equal(t, financecsv.Header, rows[0])
		marte := ta.Personas[demo.PersonaProtected].Actor.Guardian.String()
		col := slices.Index(financecsv.Header, "payer_address_protection")
		var protected, other int
		for _, row := range rows[1:] {
			if row[6] == marte {
				protected++
				assert.Equal(t, "strengt-fortrolig", row[col], path)
				assert.Equal(t, []string{"", "", "", ""}, row[col+1:], "%s: no address of the protected payer", path)
				assert.NotContains(t, strings.Join(row, ";"), demo.ProtectedStreet)
			} else {
				other++
				assert.Equal(t, "none", row[col], "%s: %v", path, row)
				assert.NotEmpty(t, row[col+1], "%s: the payer's street address for the invoice: %v", path, row)
			}
		}
		assert.Positive(t, protected, "%s: the protected payer is invoiced", path)
		assert.Positive(t, other, path)
	}
	logged = ta.AuditedAs(t, "invoices.export")
	require.Len(t, logged, 3, "one entry per export, however many children")
	for _, e := range logged[:2] {
		assert.Equal(t, "invoices/2025-11", e.Record)
		assert.Greater(t, len(e.Children), 2, "naming each child on the file")
		assert.True(t, e.Names(ta.Sofie))
		assert.True(t, e.Names(ta.Aurora), "the protected child's invoice is logged as read")
	}
}

// Listing income decisions (API and page) and reading the audit log (API
// and page) are logged.
func TestIncomeDecisionsAndAuditReadsAreAudited(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	res := ta.Do(t, cw, "GET", "/api/v1/income-decisions", "", "")
	require.Equal(t, 200, res.Status, res.Body)
	require.Contains(t, res.Body, `"annualIncome"`, "the demo has income decisions")
	logged := ta.AuditedAs(t, "income-decisions.list")
	require.NotEmpty(t, logged)
	require.Len(t, logged, 1, "one entry for the list")
	assert.Equal(t, "siri.saksbehandler@demo-kommune.example", logged[0].Actor.Subject)
	assert.True(t, logged[0].Names(ta.Sofie), "Hilde Berg's household has an income decision")
	// The families page lists the decisions of the families it shows.
	page := ta.Do(t, cw, "GET", "/billing/families?q=Hilde+Berg", "", "")
	require.Equal(t, 200, page.Status)
	pageLogged := ta.AuditedAs(t, "income-decisions.list")
	require.Len(t, pageLogged, 2, "the page lists them too")
	assert.True(t, pageLogged[0].Names(ta.Sofie), "naming the family's children")

	admin := ta.CookieFor(t, demo.PersonaAdmin)
	require.Equal(t, 200, ta.Do(t, admin, "GET", "/api/v1/audit?childId="+ta.Sofie.String(), "", "").Status)
	reads := ta.AuditedAs(t, "audit.read")
	require.Len(t, reads, 1)
	assert.Equal(t, ta.Sofie, reads[0].ChildID, "a read about one child names it")
	assert.Equal(t, "arne.administrator@demo-kommune.example", reads[0].Actor.Subject)
	require.Equal(t, 200, ta.Do(t, admin, "GET", "/admin/audit", "", "").Status)
	reads = ta.AuditedAs(t, "audit.read")
	require.Len(t, reads, 2)
	assert.True(t, reads[0].ChildID.IsZero())
}

// An invoice carries its payer's registered address — in the API, on the
// guardian's invoice page — unless the address is protected: the demo's
// strengt fortrolig guardian gets invoices without one.
func TestInvoicesCarryThePayersAddressUnlessProtected(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	require.Equal(t, 201, ta.RunInvoices(t, cw, "2025-11").Status)
	ctx := t.Context()
	hilde, err := ta.Store.Guardian(ctx, demo.Municipality, ta.Personas[demo.PersonaGuardian].Actor.Guardian)
	require.NoError(t, err)
	require.False(t, hilde.Address.IsZero())

	var page struct {
		Items []billingweb.InvoiceView `json:"items"`
	}
	res := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/api/v1/invoices?month=2025-11", "", "")
	require.Equal(t, 200, res.Status, res.Body)
	require.NoError(t, json.Unmarshal([]byte(res.Body), &page), res.Body)
	require.NotEmpty(t, page.Items, "Hilde is invoiced")
	for _, inv := range page.Items {
		assert.Equal(t, hilde.Address, inv.PayerAddress)
	}
	body := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/invoices", "", "").Body
	assert.Contains(t, body, hilde.Address.Street+", "+hilde.Address.Postcode+" "+hilde.Address.PostTown)

	res = ta.Do(t, ta.CookieFor(t, demo.PersonaProtected), "GET", "/api/v1/invoices?month=2025-11", "", "")
	require.Equal(t, 200, res.Status, res.Body)
	page.Items = nil
	require.NoError(t, json.Unmarshal([]byte(res.Body), &page), res.Body)
	require.NotEmpty(t, page.Items, "Marte is invoiced")
	for _, inv := range page.Items {
		assert.True(t, inv.PayerAddress.IsZero(), "%+v", inv.PayerAddress)
	}
	assert.NotContains(t, res.Body, "payerAddress")
	all := ta.Do(t, cw, "GET", "/api/v1/invoices?month=2025-11&limit=200", "", "")
	require.Equal(t, 200, all.Status, all.Body)
	assert.Contains(t, all.Body, hilde.Address.Street)
	assert.NotContains(t, all.Body, demo.ProtectedStreet)
}

package main

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/financecsv"
	"github.com/oppvekst/oppvekst/domain"
)

// auditedAs returns the entries of the action, newest first, of the
// municipality's last 2,000.
func (ta *testApp) auditedAs(t *testing.T, action string) []domain.AuditEntry {
	t.Helper()
	entries, err := ta.store.AuditEntries(t.Context(), demoMunicipality, domain.ChildID{}, domain.AuditID{}, 2000)
	require.NoError(t, err)
	var out []domain.AuditEntry
	for _, e := range entries {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// The finance CSV marks every row of a payer with a protected address, in
// its last column; the demo's strengt fortrolig guardian pays for her
// daughter's kindergarten place. Every export is audit-logged, one of a
// month without invoices too.
func TestFinanceExportMarksProtectedPayersAndIsAudited(t *testing.T) {
	ta := newTestApp(t)
	cw := ta.cookieFor(t, personaCaseworker)
	empty := ta.do(t, cw, "GET", "/api/v1/exports/finance.csv?month=2025-10", "", "")
	require.Equal(t, 200, empty.status, empty.body)
	logged := ta.auditedAs(t, "invoices.export")
	require.Len(t, logged, 1, "an export without invoices is logged too")
	assert.Equal(t, "invoices/2025-10", logged[0].Record)
	assert.Equal(t, "saksbehandler-1", logged[0].Actor.Subject)

	require.Equal(t, 201, ta.do(t, cw, "POST", "/api/v1/invoice-runs", "application/json", `{"month":"2025-11"}`).status)
	for _, path := range []string{"/api/v1/exports/finance.csv?month=2025-11", "/billing/export.csv?month=2025-11"} {
		res := ta.do(t, cw, "GET", path, "", "")
		require.Equal(t, 200, res.status, res.body)
		r := csv.NewReader(strings.NewReader(res.body))
		r.Comma = ';'
		rows, err := r.ReadAll()
		require.NoError(t, err)
		require.Equal(t, financecsv.Header, rows[0])
		marte := ta.personas[personaProtected].Actor.Guardian.String()
		col := len(financecsv.Header) - 1
		var protected, other int
		for _, row := range rows[1:] {
			if row[6] == marte {
				protected++
				assert.Equal(t, "strengt-fortrolig", row[col], path)
			} else {
				other++
				assert.Equal(t, "none", row[col], "%s: %v", path, row)
			}
		}
		assert.Positive(t, protected, "%s: the protected payer is invoiced", path)
		assert.Positive(t, other, path)
	}
	logged = ta.auditedAs(t, "invoices.export")
	assert.Greater(t, len(logged), 2, "one entry per child in each export")
	children := map[domain.ChildID]bool{}
	for _, e := range logged {
		if e.Record == "invoices/2025-11" {
			children[e.ChildID] = true
		}
	}
	assert.Contains(t, children, ta.sofie)
	assert.Contains(t, children, ta.aurora, "the protected child's invoice is logged as read")
}

// Listing income decisions (API and page) and reading the audit log (API
// and page) are logged.
func TestIncomeDecisionsAndAuditReadsAreAudited(t *testing.T) {
	ta := newTestApp(t)
	cw := ta.cookieFor(t, personaCaseworker)
	res := ta.do(t, cw, "GET", "/api/v1/income-decisions", "", "")
	require.Equal(t, 200, res.status, res.body)
	require.Contains(t, res.body, `"annualIncome"`, "the demo has income decisions")
	logged := ta.auditedAs(t, "income-decisions.list")
	require.NotEmpty(t, logged)
	var children []domain.ChildID
	for _, e := range logged {
		assert.Equal(t, "saksbehandler-1", e.Actor.Subject)
		children = append(children, e.ChildID)
	}
	assert.Contains(t, children, ta.sofie, "Hilde Berg's household has an income decision")
	page := ta.do(t, cw, "GET", "/billing/families", "", "")
	require.Equal(t, 200, page.status)
	assert.Len(t, ta.auditedAs(t, "income-decisions.list"), 2*len(logged), "the page lists them too")

	admin := ta.cookieFor(t, personaAdmin)
	require.Equal(t, 200, ta.do(t, admin, "GET", "/api/v1/audit?childId="+ta.sofie.String(), "", "").status)
	reads := ta.auditedAs(t, "audit.read")
	require.Len(t, reads, 1)
	assert.Equal(t, ta.sofie, reads[0].ChildID, "a read about one child names it")
	assert.Equal(t, "admin-1", reads[0].Actor.Subject)
	require.Equal(t, 200, ta.do(t, admin, "GET", "/admin/audit", "", "").status)
	reads = ta.auditedAs(t, "audit.read")
	require.Len(t, reads, 2)
	assert.True(t, reads[0].ChildID.IsZero())
}

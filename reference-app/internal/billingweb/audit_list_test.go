package billingweb_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The audit of a list is one record however long the list: the finance
// export of a month of 100 invoices and of one of 2,000 each write one
// audit entry, in one statement, naming every child on the file, and a
// child's own trail (what a guardian's insight shows) finds the export.
func TestListAuditIsOneRecordAtAnySize(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	type run struct {
		audits, statements int64
		took               time.Duration
		entry              domain.AuditEntry
		children           []domain.ChildID
	}
	export := func(month billing.Month, first int64, n int) run {
		invs, err := webtest.BigInvoices(t.Context(), ta, month, first, n)
		require.NoError(t, err)
		var r run
		for _, inv := range invs {
			r.children = append(r.children, inv.Lines[0].Child)
		}
		audits, statements, start := ta.SQL.Audits(), ta.SQL.Count(), time.Now()
		resp := ta.Do(t, cw, "GET", "/api/v1/exports/finance.csv?month="+month.String(), "", "")
		r.took = time.Since(start)
		require.Equal(t, 200, resp.Status, resp.Body)
		r.audits, r.statements = ta.SQL.Audits()-audits, ta.SQL.Count()-statements
		var mine []domain.AuditEntry
		for _, e := range ta.AuditedAs(t, "invoices.export") {
			if e.Record == "invoices/"+month.String() {
				mine = append(mine, e)
			}
		}
		require.Len(t, mine, 1, "one record for the request")
		r.entry = mine[0]
		return r
	}
	small := export(billing.Month{Year: 2030, Month: time.January}, 900001, 100)
	large := export(billing.Month{Year: 2030, Month: time.February}, 910001, 2000)
	t.Logf("finance export: 100 children: %d statements (%d writing the audit), %v; 2,000 children: %d statements (%d writing the audit), %v",
		small.statements, small.audits, small.took, large.statements, large.audits, large.took)

	assert.Equal(t, int64(1), small.audits, "the audit of 100 children is one statement")
	assert.Equal(t, small.audits, large.audits, "and of 2,000 as many")
	for _, r := range []run{small, large} {
		require.Len(t, r.entry.Children, len(r.children), "the record names every child on the file")
		assert.True(t, r.entry.ChildID.IsZero())
		for _, c := range r.children {
			require.True(t, r.entry.Names(c), "names %v", c)
		}
	}

	// The trail of a child on the long list holds the export, naming the
	// child alone.
	child := large.children[1234]
	trail, err := ta.DB.AuditEntries(t.Context(), demo.Municipality, child, domain.AuditID{}, 100)
	require.NoError(t, err)
	var found []domain.AuditEntry
	for _, e := range trail {
		if e.ID == large.entry.ID {
			found = append(found, e)
		}
	}
	require.Len(t, found, 1, fmt.Sprintf("the child's trail: %v", trail))
	assert.Equal(t, child, found[0].ChildID)
	assert.Empty(t, found[0].Children, "not the other children of the list")
	assert.Equal(t, "invoices.export", found[0].Action)
}
